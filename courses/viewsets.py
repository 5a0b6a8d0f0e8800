"""Admin UI of the question bank: one listing across every type, one form per type."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, ButtonWithDropdown

from courses.models import (
    MultipleChoiceQuestion,
    OrderingQuestion,
    PostScenarioQuestion,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

COMMON_PANELS = [
    FieldPanel("prompt"),
    FieldRowPanel([FieldPanel("category"), FieldPanel("points"), FieldPanel("language")]),
    FieldPanel("tags"),
]
EXPLANATION_PANEL = FieldPanel("explanation")


class QuestionTypeViewSet(ModelViewSet):
    """Base for the per-type viewsets: same listing shape, type-specific form panels."""

    add_to_admin_menu = False
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
    panels = [*COMMON_PANELS, FieldPanel("choices"), EXPLANATION_PANEL]


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
