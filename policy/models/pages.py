"""The policy page at ``/policy/``: French body and English translation, one version for both."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.i18n import localised
from policy.blocks import PolicyBodyBlock
from policy.page_form import PolicyPageForm


class PolicyPage(RoutablePageMixin, Page):
    """The policy at ``/policy/``: French body and its English translation, one version for both."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    intro_en = models.TextField(_("introduction (English)"), max_length=1000, blank=True)
    body = StreamField(PolicyBodyBlock(), verbose_name=_("policy (French)"))
    body_en = StreamField(PolicyBodyBlock(), verbose_name=_("policy (English)"), blank=True)
    change_is_material = models.BooleanField(
        _("this change is material"),
        default=False,
        help_text=_(
            "Tick when employees must read the policy again: publishing creates a new version and asks "
            "everyone to acknowledge it. Leave unticked for a typo fix."
        ),
    )
    change_summary = models.TextField(_("what changed (French)"), blank=True, max_length=2000)
    change_summary_en = models.TextField(_("what changed (English)"), blank=True, max_length=2000)
    french_unaffected = models.BooleanField(
        _("the French text is unaffected by this material change"),
        default=False,
        help_text=_("Tick only when the change concerns the English text alone."),
    )
    english_unaffected = models.BooleanField(
        _("the English text is unaffected by this material change"),
        default=False,
        help_text=_("Tick only when the change concerns the French text alone."),
    )

    base_form_class = PolicyPageForm
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    english_panels = [FieldPanel("intro_en"), FieldPanel("body_en")]
    change_panels = [
        MultiFieldPanel(
            [
                FieldPanel("change_is_material"),
                FieldPanel("change_summary"),
                FieldPanel("change_summary_en"),
                FieldPanel("french_unaffected"),
                FieldPanel("english_unaffected"),
            ],
            heading=_("About this change"),
            help_text=_("Before publishing, the “Changes” preview shows what changed in each language."),
        )
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Policy")),
            ObjectList(english_panels, heading=_("English")),
            ObjectList(change_panels, heading=_("Change")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [*Page.search_fields, index.SearchField("body")]
    max_count = 1
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("social media policy")

    @classmethod
    def published_anchors(cls) -> set[str] | None:
        """The clause anchors of the live policy, French and English bodies; ``None`` while no
        policy is published."""
        page = cls.objects.live().first()
        if page is None:
            return None
        return {
            block.value["anchor"]
            for body in (page.body, page.body_en)
            for block in body
            if hasattr(block.value, "get") and block.value.get("anchor")
        }

    @classmethod
    def published_clauses(cls, language: str | None = None) -> list[tuple[str, str]] | None:
        """``(anchor, title)`` of each clause of the live policy (sections, disclosure and
        escalation blocks), in page order and in ``language`` (English falls back on French);
        ``None`` while no policy is published."""
        page = cls.objects.live().first()
        if page is None:
            return None
        clauses = []
        for block in page.body_for(language):
            value = block.value
            if hasattr(value, "get") and value.get("anchor"):
                clauses.append((value["anchor"], value.get("heading") or value.get("title") or value["anchor"]))
        return clauses

    def body_for(self, language: str | None = None):
        return localised(self, "body", language)

    def intro_for(self, language: str | None = None) -> str:
        return localised(self, "intro", language)

    preview_modes = [("", _("Policy")), ("changes", _("Changes since the current version"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "changes":
            from policy import views

            return views.policy_change_preview(request, self)
        return super().serve_preview(request, mode_name)

    @path("")
    def read(self, request):
        from policy import views

        return views.policy_read(request, self)

    @path("acknowledge/", name="acknowledge")
    def acknowledge(self, request):
        from policy import views

        return views.policy_acknowledge(request, self)

    @path("changes/", name="changes")
    def changes(self, request):
        from policy import views

        return views.policy_changes(request, self)

    @path("check/", name="check")
    def check_post(self, request):
        from policy import views

        return views.post_checker(request, self)
