"""The policy page's admin form: what a material change must say, in both languages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class PolicyPageForm(WagtailAdminPageForm):
    """ "Material change", its summary and the "unaffected" confirmations are asked afresh on
    every edit, never carried over. A material change must change the text of both languages,
    or say of a language that it is unaffected: otherwise readers of that language would be
    asked to accept a new version whose text lacks what its summary announces."""

    ASKED_AFRESH = ("change_is_material", "french_unaffected", "english_unaffected")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "change_is_material" in self.fields:
            for name in self.ASKED_AFRESH:
                self.initial[name] = False
            self.initial["change_summary"] = ""
            self.initial["change_summary_en"] = ""
            from policy import publication

            self.fields["change_is_material"].help_text = " ".join(
                [
                    str(self.fields["change_is_material"].help_text),
                    publication.audience_sentence(publication.audience()),
                ]
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("change_is_material") and not (cleaned.get("change_summary") or "").strip():
            self.add_error("change_summary", _("Say in plain words what changed: employees will read it."))
        if cleaned.get("change_is_material") and self.instance.pk:
            self._check_both_languages(cleaned)
        return cleaned

    def _check_both_languages(self, cleaned) -> None:
        from policy import publication

        current = publication.current_version(self.instance)
        if current is None or not all(name in cleaned for name in ("body", "body_en")):
            return
        from policy.models import PolicyPage

        draft = PolicyPage(
            intro=cleaned.get("intro", ""),
            intro_en=cleaned.get("intro_en", ""),
            body=cleaned["body"],
            body_en=cleaned["body_en"],
        )
        changed = publication.changed_languages(draft, current)
        fields = {"fr": "french_unaffected", "en": "english_unaffected"}
        unchanged = {
            "fr": _(
                "The French text has not changed since version %(number)s. Change it too, or tick this box if "
                "French readers are not affected by this change."
            ),
            "en": _(
                "The English text has not changed since version %(number)s. Change it too, or tick this box if "
                "English readers are not affected by this change."
            ),
        }
        for language, field in fields.items():
            if not changed[language] and not cleaned.get(field):
                self.add_error(field, unchanged[language] % {"number": current.number})
            elif changed[language] and cleaned.get(field):
                self.add_error(field, _("This text did change: untick the box, or undo the change."))
