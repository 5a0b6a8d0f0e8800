"""Admin UI of course assignments: assign a course to departments and/or people by a due
date, list the assignments, change a due date, delete one."""

from __future__ import annotations

import re

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser, BaseChooser

from courses import services
from courses.models import Assignment, CoursePage
from lms.people.models import Department, User

EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class ChooserBoundField(BoundField):
    """A field whose chooser widget draws nothing for a value that failed validation: Wagtail's
    chooser looks the submitted value up as a primary key to draw it, and a tampered value
    ("abc") would raise there instead of showing the field's error."""

    def value(self):
        if isinstance(self.field.widget, BaseChooser) and self.form.is_bound and self.errors:
            return None
        return super().value()


class AssignmentCreateForm(forms.ModelForm):
    """One course, one due date, any number of departments and of people (by email)."""

    bound_field_class = ChooserBoundField

    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.live(),
        widget=AdminPageChooser(target_models=[CoursePage], can_choose_root=False),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone in these departments, including people who join them later."),
    )
    emails = forms.CharField(
        label=_("People"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Email addresses, separated by commas or line breaks."),
    )

    class Meta:
        model = Assignment
        fields = ["course", "due_date"]
        widgets = {"due_date": AdminDateInput}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date

    def clean_emails(self):
        emails = [email.lower() for email in EMAIL_SEPARATORS.split(self.cleaned_data["emails"]) if email]
        found = dict(User.objects.filter(email__in=emails, is_active=True).values_list("email", "pk"))
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise forms.ValidationError(
                _("No active person has the email address: %(emails)s."), params={"emails": ", ".join(unknown)}
            )
        return [found[email] for email in dict.fromkeys(emails)]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("departments") and not cleaned.get("emails") and not self.errors:
            raise forms.ValidationError(_("Choose at least one department or one person."))
        return cleaned


class AssignmentCreateView(CreateView):
    form_class = AssignmentCreateForm

    def get_initial_form_instance(self):
        return Assignment()

    def save_instance(self):
        data = self.form.cleaned_data
        self.created = services.assignments_create(
            course_id=data["course"].pk,
            due_date=data["due_date"],
            department_ids=[department.pk for department in data["departments"]],
            user_ids=data["emails"],
            assigned_by=self.request.user,
        )
        return self.created[0]

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.AssignmentError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)

    def get_success_message(self, instance):
        count = len(self.created)
        return ngettext("%(count)d assignment created.", "%(count)d assignments created.", count) % {"count": count}


class AssignmentEditForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["due_date"]
        widgets = {"due_date": AdminDateInput}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    icon = "calendar-check"
    menu_label = _("Assignments")
    menu_order = 215
    add_to_admin_menu = True
    url_prefix = "courses/assignments"
    add_view_class = AssignmentCreateView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_filter = ["course", "department", "due_date"]
    search_fields = ["course__title", "user__email", "department__name"]
    search_backend_name = None
    list_display = [
        "course",
        Column("target", label=_("Assigned to"), accessor=lambda a: a.department or a.user),
        "due_date",
        Column("programme_label", label=_("Programme"), accessor=lambda a: a.programme_label or "—"),
        Column("assigned_by", label=_("Assigned by"), accessor=lambda a: a.assigned_by or "—"),
        "created_at",
    ]

    def get_form_class(self, for_update=False):
        return AssignmentEditForm

    def get_add_view_kwargs(self, **kwargs):
        # The create form has fields of its own (departments, emails): rendered as fields,
        # without the edit form's panel.
        return super().get_add_view_kwargs(panel=None, form_class=AssignmentCreateForm, **kwargs)

    def get_queryset(self, request):
        return Assignment.objects.select_related("course", "department", "user", "assigned_by")
