"""Admin UI of the question bank: one listing across every type, one form per type, and the
chooser that quiz slots pick their fixed question with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.button import Button, ButtonWithDropdown
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import (
    MultipleChoiceQuestion,
    OrderingQuestion,
    PostScenarioQuestion,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.question_creation import QuestionCreateView, QuestionCreationForm

COMMON_PANELS = [
    FieldPanel("prompt"),
    FieldRowPanel([FieldPanel("category"), FieldPanel("points"), FieldPanel("language")]),
    FieldPanel("tags"),
]
EXPLANATION_PANEL = FieldPanel("explanation")
# How MultipleChoiceQuestion.grade_snapshot scores, in the editor's words.
MULTIPLE_CHOICE_SCORING_HELP = _(
    "Tick every correct choice. Partial credit: each correct choice the learner ticks earns the "
    "question's points divided by the number of correct choices, and each wrong choice ticked takes "
    "as much away; the total never goes below 0 and leaving all unticked earns 0. Example, 1 point "
    "and 2 correct choices: both correct ones ticked, 1 point; both plus a wrong one, ½ point; one "
    "correct and one wrong, 0. The preview shows what each choice is worth."
)


class QuestionEditView(EditView):
    """The edit form, with "Preview as a learner" (``courses.previews``) in its "more" menu."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if question_permission_policy.user_has_permission(self.request.user, "change"):
            url = reverse("courses_question_preview", args=(self.object.pk,))
            buttons.append(Button(_("Preview as a learner"), url=url, icon_name="view", priority=5))
        return buttons


class QuestionTypeViewSet(ModelViewSet):
    """Base for the per-type viewsets: same listing shape, type-specific form panels."""

    add_to_admin_menu = False
    edit_view_class = QuestionEditView
    copy_view_enabled = True
    inspect_view_enabled = False
    list_display = ["__str__", "category", "points", "language", "updated_at"]
    list_filter = ["category", "language"]
    search_fields = ["prompt"]
    search_backend_name = None


class SingleChoiceViewSet(QuestionTypeViewSet):
    model = SingleChoiceQuestion
    icon = "radio-full"
    url_prefix = "questions/single-choice"
    panels = [*COMMON_PANELS, FieldPanel("choices"), EXPLANATION_PANEL]


class MultipleChoiceViewSet(QuestionTypeViewSet):
    model = MultipleChoiceQuestion
    icon = "tasks"
    url_prefix = "questions/multiple-choice"
    panels = [*COMMON_PANELS, FieldPanel("choices", help_text=MULTIPLE_CHOICE_SCORING_HELP), EXPLANATION_PANEL]


class TrueFalseViewSet(QuestionTypeViewSet):
    model = TrueFalseQuestion
    icon = "tick-inverse"
    url_prefix = "questions/true-false"
    panels = [
        *COMMON_PANELS,
        FieldPanel("correct_answer"),
        FieldRowPanel([FieldPanel("feedback_true"), FieldPanel("feedback_false")]),
        EXPLANATION_PANEL,
    ]


class OrderingViewSet(QuestionTypeViewSet):
    model = OrderingQuestion
    icon = "order"
    url_prefix = "questions/ordering"
    panels = [*COMMON_PANELS, FieldPanel("items"), EXPLANATION_PANEL]


class PostScenarioViewSet(QuestionTypeViewSet):
    model = PostScenarioQuestion
    icon = "openquote"
    url_prefix = "questions/post-scenario"
    panels = [
        *COMMON_PANELS,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("post_author"), FieldPanel("post_author_title"), FieldPanel("post_network")]),
                FieldPanel("post_text"),
                FieldPanel("post_image"),
            ],
            heading=_("The post"),
        ),
        FieldPanel("correct_action"),
        MultiFieldPanel(
            [
                FieldPanel("feedback_share_as_is"),
                FieldPanel("feedback_share_after_change"),
                FieldPanel("feedback_dont_share"),
                FieldPanel("policy_clause"),
            ],
            heading=_("Feedback for each choice"),
        ),
        EXPLANATION_PANEL,
    ]


TYPE_VIEWSETS = [
    SingleChoiceViewSet("single_choice_questions"),
    MultipleChoiceViewSet("multiple_choice_questions"),
    TrueFalseViewSet("true_false_questions"),
    OrderingViewSet("ordering_questions"),
    PostScenarioViewSet("post_scenario_questions"),
]
VIEWSET_BY_MODEL = {viewset.model: viewset for viewset in TYPE_VIEWSETS}


class AllQuestionsIndexView(IndexView):
    """Every question, whatever its type; edit and delete go to the type's own views."""

    def _viewset_for(self, instance):
        return VIEWSET_BY_MODEL.get(type(instance))

    def get_edit_url(self, instance):
        viewset = self._viewset_for(instance)
        if viewset and viewset.permission_policy.user_has_permission(self.request.user, "change"):
            return reverse(viewset.get_url_name("edit"), args=(instance.pk,))
        return None

    def get_delete_url(self, instance):
        viewset = self._viewset_for(instance)
        if viewset and viewset.permission_policy.user_has_permission(self.request.user, "delete"):
            return reverse(viewset.get_url_name("delete"), args=(instance.pk,))
        return None

    def get_copy_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if question_permission_policy.user_has_permission(self.request.user, "change"):
            url = reverse("courses_question_preview", args=(instance.pk,))
            buttons.append(MenuItem(_("Preview as a learner"), url=url, icon_name="view", priority=15))
        return buttons

    @cached_property
    def header_more_buttons(self):
        # GIFT import and export (courses.interchange.views).
        buttons = list(super().header_more_buttons)
        if question_permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(Button(_("Import (GIFT)"), url=reverse("courses_gift_import"), icon_name="upload"))
        buttons.append(Button(_("Export (GIFT)"), url=reverse("courses_gift_export"), icon_name="download"))
        return buttons

    @property
    def header_buttons(self):
        buttons = [
            Button(
                viewset.model._meta.verbose_name.capitalize(),
                url=reverse(viewset.get_url_name("add")),
                icon_name=viewset.icon,
            )
            for viewset in TYPE_VIEWSETS
            if viewset.permission_policy.user_has_permission(self.request.user, "add")
        ]
        if not buttons:
            return []
        return [ButtonWithDropdown(label=_("Add a question"), icon_name="plus", buttons=buttons)]


class AllQuestionsViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("All questions")
    url_prefix = "questions/all"
    add_to_admin_menu = False
    index_view_class = AllQuestionsIndexView
    copy_view_enabled = False
    list_display = ["__str__", Column("type_label", label=_("Type")), "category", "points", "language", "updated_at"]
    list_filter = ["category", "language"]
    search_fields = ["prompt"]
    search_backend_name = None
    form_fields = ["prompt"]


class QuestionCategoryViewSet(ModelViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    url_prefix = "questions/categories"
    add_to_admin_menu = False
    list_display = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]


class QuestionBankViewSetGroup(ViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 210
    items = [AllQuestionsViewSet("all_questions"), *TYPE_VIEWSETS, QuestionCategoryViewSet("question_categories")]


# --- the question chooser (the "fixed question" of a quiz slot) -----------------------------

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUESTION_BANK_ACTIONS = ("add", "change", "delete", "view")
LANGUAGE_CHOICES = list(Question._meta.get_field("language").choices or [])
question_permission_policy = ModelPermissionPolicy(Question)


def _field_label(name: str) -> StrOrPromise:
    """Lazy: the label is translated when the form renders, in the editor's language."""
    field = Question._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - narrows the type: a concrete field  # nosec B101
    return capfirst(field.verbose_name)


def _filter_select() -> forms.Select:
    # The chooser modal reloads its results when a select with this attribute changes.
    return forms.Select(attrs={"data-chooser-modal-search-filter": True})


class QuestionChooserFilterForm(SearchFilterMixin, BaseFilterForm):
    """The search box (``q``, from ``SearchFilterMixin``), plus language and category."""

    language = forms.ChoiceField(
        label=_field_label("language"),
        choices=[("", _("All languages")), *LANGUAGE_CHOICES],
        required=False,
        widget=_filter_select(),
    )
    category = forms.ModelChoiceField(
        label=_field_label("category"),
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label=_("All categories"),
        widget=_filter_select(),
    )

    def filter(self, objects):
        # Not SearchFilterMixin.filter: like the question bank listing (search_backend_name =
        # None), the prompt is matched with icontains, so that part of a word finds a question.
        if language := self.cleaned_data.get("language"):
            objects = objects.filter(language=language)
        if category := self.cleaned_data.get("category"):
            objects = objects.filter(category=category)
        if query := (self.cleaned_data.get("q") or "").strip():
            objects = objects.filter(prompt__icontains=query)
            self.is_searching = True
            self.search_query = query
        return objects


def _type_label(question: Question) -> str:
    """The question's type, from the content type the listing selected with it: reading the
    real instance (``Question.type_label``) would cost a query per row."""
    content_type = question.polymorphic_ctype
    model = content_type.model_class() if content_type else None
    return capfirst(str(model._meta.verbose_name)) if model else ""


def _category_name(question: Question) -> str:
    return question.category.name if question.category else ""


class QuestionBankPermissionMixin:
    """The chooser lists the whole bank: only people who work on the bank may open it."""

    def dispatch(self, request, *args, **kwargs):
        if not question_permission_policy.user_has_any_permission(request.user, QUESTION_BANK_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class QuestionChooseViewMixin(QuestionBankPermissionMixin):
    filter_form_class = QuestionChooserFilterForm

    def get_object_list(self):
        # Base rows only, with what the columns show: one query for the page of results.
        return Question.objects.non_polymorphic().select_related("category", "polymorphic_ctype")

    @property
    def title_column(self):
        column = super().title_column
        column.label = _field_label("prompt")
        return column

    @property
    def columns(self):
        return [
            self.title_column,
            Column("type", label=_("Type"), accessor=_type_label),
            Column("language", label=_field_label("language"), accessor="get_language_display"),
            Column("category", label=_field_label("category"), accessor=_category_name),
        ]


class QuestionChooseView(QuestionChooseViewMixin, chooser_views.ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseViewMixin, chooser_views.ChooseResultsView):
    pass


class QuestionChosenView(QuestionBankPermissionMixin, chooser_views.ChosenView):
    pass


class QuestionChosenMultipleView(QuestionBankPermissionMixin, chooser_views.ChosenMultipleView):
    pass


class QuestionChooserWidget(BaseChooser):
    """Wagtail's chooser widget, except that a submitted value which is not a question id (a
    tampered hidden input: "abc", "1 OR 1=1") draws an empty chooser next to the field's
    "Select a valid choice" error instead of raising while the form is shown again (a 500)."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (TypeError, ValueError):
            return None


class QuestionChooserViewSet(ChooserViewSet):
    """Choose a question of any type, by prompt, type, language and category.

    With ``register_widget`` (the default), its widget is the one of every admin form field that
    is a ForeignKey to ``Question``: the "fixed question" of a quiz slot. The field still posts
    the question's pk. Its "New question" tab creates a question of the simpler types
    (``courses.question_creation``) without leaving the quiz.
    """

    model = Question
    icon = "help"
    url_prefix = "questions/chooser"
    base_widget_class = QuestionChooserWidget
    choose_one_text = _("Choose a question")
    choose_another_text = _("Choose another question")
    edit_item_text = _("Edit this question")
    per_page = 25
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    chosen_multiple_view_class = QuestionChosenMultipleView
    create_view_class = QuestionCreateView
    creation_form_class = QuestionCreationForm
    creation_tab_label = _("New question")
    create_action_label = _("Create and choose")


question_chooser_viewset = QuestionChooserViewSet("question_chooser")
