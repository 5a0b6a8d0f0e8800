"""Admin views of the GIFT and Moodle XML interchange (``/admin/questions/gift/…``).

Import in two steps: the file is uploaded and checked (the dry-run report: what will be
created, what is skipped and why, the problems with their line numbers), then imported from the
report page into the category and language chosen. The checked text travels signed in the
form, so the import creates exactly what the report showed. Export: the bank, or one category or
language of it, as one GIFT file.

Who may: import, whoever may add questions; export, whoever may see the bank.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from courses.interchange.selectors import MAX_GIFT_BYTES, gift_export, gift_report, moodle_xml_export
from courses.interchange.services import GiftImportError, gift_import
from courses.models import Question, QuestionCategory

IMPORT_URL = "courses_gift_import"
EXPORT_URL = "courses_gift_export"
SIGNING_SALT = "courses.interchange.gift-import"
SIGNED_MAX_AGE = 2 * 60 * 60
LANGUAGE_CHOICES = list(Question._meta.get_field("language").choices or [])
permission_policy = ModelPermissionPolicy(Question)


class TargetForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label=_("No category"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)


class UploadForm(TargetForm):
    file = forms.FileField(
        label=_("GIFT or Moodle XML file"),
        help_text=_("A Moodle GIFT text file or a Moodle XML file (UTF-8), at most 1 MB."),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_GIFT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text: save it as UTF-8 and upload it again.")
            ) from None


class ConfirmForm(TargetForm):
    source = forms.CharField(widget=forms.HiddenInput)

    def clean_source(self) -> str:
        try:
            return str(signing.loads(self.cleaned_data["source"], salt=SIGNING_SALT, max_age=SIGNED_MAX_AGE))
        except signing.BadSignature:
            raise forms.ValidationError(_("This check is too old or was altered: upload the file again.")) from None


class ExportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=QuestionCategory.objects.all(), required=False, empty_label=_("All categories")
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *LANGUAGE_CHOICES], required=False
    )
    format = forms.ChoiceField(label=_("Format"), choices=[("gift", "GIFT"), ("xml", "Moodle XML")], required=False)


class GiftImportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/gift_import.html"
    page_title = _("Import questions (GIFT, Moodle XML)")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=UploadForm(initial={"language": "fr"})))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "source" in request.POST:
            return self._import(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=400)
        source = form.cleaned_data["file"]
        category, language = form.cleaned_data["category"], form.cleaned_data["language"]
        report = gift_report(source=source, category=category, language=language)
        confirm = ConfirmForm(
            initial={
                "source": signing.dumps(source, salt=SIGNING_SALT, compress=True),
                "category": category.pk if category else None,
                "language": language,
            }
        )
        return self._render(
            form, report=report, confirm=confirm, file_name=getattr(request.FILES.get("file"), "name", "")
        )

    def _import(self, request: HttpRequest) -> HttpResponse:
        confirm = ConfirmForm(request.POST)
        if not confirm.is_valid():
            return self._render(UploadForm(initial=request.POST), confirm_errors=confirm.errors, status=400)
        try:
            result = gift_import(
                source=confirm.cleaned_data["source"],
                category=confirm.cleaned_data["category"],
                language=confirm.cleaned_data["language"],
            )
        except GiftImportError as error:
            return self._render(UploadForm(), report=error.report, status=400)
        created, skipped = len(result.created), len(result.report.skipped)
        message = ngettext(
            "%(created)s question imported (%(skipped)s skipped).",
            "%(created)s questions imported (%(skipped)s skipped).",
            created,
        )
        messages.success(request, message % {"created": created, "skipped": skipped})
        return redirect("all_questions:index")

    def _render(self, form: forms.Form, *, status: int = 200, **context: Any) -> HttpResponse:
        response = self.render_to_response(self.get_context_data(form=form, **context))
        response.status_code = status
        return response


class GiftExportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/gift_export.html"
    page_title = _("Export questions (GIFT, Moodle XML)")
    header_icon = "download"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not permission_policy.user_has_any_permission(request.user, ("add", "change", "view")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ExportForm(request.GET or None)
        if not request.GET or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=ExportForm() if not request.GET else form))
        questions = Question.objects.order_by("category__name", "pk")
        if category := form.cleaned_data["category"]:
            questions = questions.filter(category=category)
        if language := form.cleaned_data["language"]:
            questions = questions.filter(language=language)
        if form.cleaned_data["format"] == "xml":
            exported = moodle_xml_export(questions=questions)
            response = HttpResponse(exported.text, content_type="application/xml; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="questions.moodle.xml"'
            return response
        exported = gift_export(questions=questions)
        response = HttpResponse(exported.text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="questions.gift.txt"'
        return response


def admin_urls() -> list[Any]:
    return [
        path("questions/gift/import/", GiftImportView.as_view(), name=IMPORT_URL),
        path("questions/gift/export/", GiftExportView.as_view(), name=EXPORT_URL),
    ]


def import_url() -> str:
    return reverse(IMPORT_URL)


def export_url() -> str:
    return reverse(EXPORT_URL)
