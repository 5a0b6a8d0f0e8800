"""A chooser of people for the points adjustment form: a modal searching by name or email.

It lists every account with its email address, so only people who may adjust points
(``add_pointsentry``) may open it. It is not the widget of other forms' user fields
(``register_widget = False``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from advocacy_share.selectors.ledger import people_matching
from lms.people.models import User

ADJUST_PERMISSION = "advocacy_share.add_pointsentry"


class PersonFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or email address")}),
        required=False,
    )

    def filter(self, objects):
        if query := (self.cleaned_data.get("q") or "").strip():
            objects = people_matching(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects


class MayAdjustMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ADJUST_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonChooseViewMixin(MayAdjustMixin):
    filter_form_class = PersonFilterForm
    ordering = ("email",)

    @property
    def columns(self):
        title = self.title_column
        title.label = _("Name")
        return [title, Column("email", label=_("Email"))]


class PersonChooseView(PersonChooseViewMixin, chooser_views.ChooseView):
    pass


class PersonChooseResultsView(PersonChooseViewMixin, chooser_views.ChooseResultsView):
    pass


class PersonChosenView(MayAdjustMixin, chooser_views.ChosenView):
    pass


class PersonChosenMultipleView(MayAdjustMixin, chooser_views.ChosenMultipleView):
    pass


class PersonChooserWidget(BaseChooser):
    """A submitted value that is not a user id (a tampered hidden input) draws an empty
    chooser next to the field's error, instead of raising while the form is shown again."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (TypeError, ValueError):
            return None


class PersonChooserViewSet(ChooserViewSet):
    model = User
    icon = "user"
    url_prefix = "advocacy/points/people"
    register_widget = False
    base_widget_class = PersonChooserWidget
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    per_page = 25
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView
    chosen_multiple_view_class = PersonChosenMultipleView

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


person_chooser_viewset = PersonChooserViewSet("points_person_chooser")
