from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lms.networks import NETWORK_CHOICES
from policy.data import MAX_POST_LENGTH

NON_FIELD_ERRORS_ID = "post-check-errors"


class PostCheckForm(forms.Form):
    # No ``max_length`` on the field: its ``maxlength`` attribute makes browsers cut a longer
    # paste silently, and the draft checked would not be the one written. The limit is
    # checked here instead, with the whole draft given back.
    text = forms.CharField(
        label=_("Your draft post"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        strip=False,
    )
    url = forms.CharField(label=_("Link you will share (optional)"), max_length=2000, required=False)
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES, initial="linkedin")

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > MAX_POST_LENGTH:
            raise forms.ValidationError(
                _(
                    "The checker takes posts of up to %(limit)s characters, and this draft has %(length)s. "
                    "Shorten it, then check it again."
                ),
                code="max_length",
                params={
                    "limit": number_format(MAX_POST_LENGTH, force_grouping=True),
                    "length": number_format(len(text), force_grouping=True),
                },
            )
        return text

    def clean(self):
        cleaned = super().clean()
        # The text may be empty when only the link is checked; with neither there is nothing
        # to check, and "no problem found" would be misleading.
        if not self.errors and not (cleaned.get("text") or "").strip() and not (cleaned.get("url") or "").strip():
            raise forms.ValidationError(_("Write your post, or paste the link you will share, to check it."))
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        # The form-wide error is about the text and the link: both fields point at it, so that a
        # screen reader announces it with them (the template gives it this id).
        if self.non_field_errors():
            for name in ("text", "url"):
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": NON_FIELD_ERRORS_ID})


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    text_sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    language = forms.ChoiceField(choices=[("fr", "fr"), ("en", "en")])
