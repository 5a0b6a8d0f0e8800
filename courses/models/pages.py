"""Catalogue pages: course index → course → lessons and the final quiz.

Pages stay thin: ``get_context`` calls a selector, routes validate input and call a service.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import RICH_TEXT_FEATURES, LessonBodyBlock
from courses.slot_panels import SLOT_PANELS, QuizSlotsPanel

if TYPE_CHECKING:
    from courses import pagecache, selectors, views
    from courses.models.progress import Attempt
else:
    # The selectors and the views import these models (through courses.models): imported
    # here, they would be loaded while this module is half-defined. They load on first use.
    selectors = SimpleLazyObject(lambda: import_module("courses.selectors"))
    pagecache = SimpleLazyObject(lambda: import_module("courses.pagecache"))
    views = SimpleLazyObject(lambda: import_module("courses.views"))

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]
# Learner pages are read, never written to: other methods get 405 with an Allow header
# (Wagtail's Page.serve would render them for a PUT or a DELETE as for a GET).
READ_METHODS = ["GET", "HEAD"]


class SignInRequiredMixin:
    """The training is for the company's people (TESTPLAN 35): an anonymous visitor is sent to
    the sign-in page, and back here afterwards. Pages are personal (progress, attempts) and sent
    with never-cache headers, so no shared cache or browser history keeps one for someone else.

    Enforced in code rather than with a Wagtail privacy setting on the catalogue, which an
    editor could remove by mistake; a privacy setting an editor adds (a group restriction)
    still applies on top, checked by Wagtail before ``serve``.

    ``json_routes``: the names of routes that answer JSON (a script's autosave). They refuse an
    anonymous caller themselves, with the JSON error a script can read, not a sign-in page."""

    json_routes: frozenset[str] = frozenset()

    def serve(self, request, *args, **kwargs):
        # A routable page's route arrives as (view, args, kwargs) (Wagtail's RouteResult).
        view = args[0] if args else kwargs.get("view")
        if not request.user.is_authenticated and getattr(view, "__name__", "") not in self.json_routes:
            response = redirect_to_login(request.get_full_path())
        else:
            response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class ReadOnlyPageMixin:
    """Serve GET and HEAD only."""

    def serve(self, request, *args, **kwargs):
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        return super().serve(request, *args, **kwargs)


class CourseIndexPage(SignInRequiredMixin, ReadOnlyPageMixin, Page):
    """The catalogue, at ``/courses/``: filter by tag and level, search titles and summaries."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        TitleFieldPanel(
            "title",
            help_text=_(
                "The name of the catalogue in the admin. Learners see the heading “Courses”, in their language."
            ),
        ),
        FieldPanel("intro"),
    ]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The courses in the active language (the user's preference, then the browser's, then
        # French) with the filters of the address: a cached fragment, the visitor's progress on top.
        context["catalogue"] = pagecache.catalogue_content(page=self, request=request)
        return context


class CourseTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CoursePageForm(WagtailAdminPageForm):
    """Prerequisites: never the course itself, no cycle (A needs B needs A), each choice with
    its language, the course's own language first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("prerequisites")
        if field is not None:
            language = self.instance.language or LANGUAGE_CHOICES[0][0]
            field.queryset = selectors.prerequisite_choices(course_id=self.instance.pk, language=language)
            field.label_from_instance = _prerequisite_label

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("prerequisites")
        if self.instance.pk and chosen:
            cycle = selectors.prerequisite_cycle(course_id=self.instance.pk, chosen_ids=[c.pk for c in chosen])
            if cycle is not None:
                titles = dict(CoursePage.objects.filter(pk__in=cycle).values_list("pk", "title"))
                titles[self.instance.pk] = cleaned.get("title") or titles.get(self.instance.pk, "")
                self.add_error(
                    "prerequisites",
                    _("These prerequisites make a loop, so nobody could ever start: %(chain)s. Remove one of them.")
                    % {"chain": " → ".join(titles[pk] for pk in cycle)},
                )
        return cleaned


def _prerequisite_label(course: CoursePage) -> str:
    return f"{course.title} ({course.get_language_display()})"


class CoursePage(SignInRequiredMixin, ReadOnlyPageMixin, Page):
    """A course: lessons (child pages, in tree order) and one final quiz (a child QuizPage)."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=600)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BEGINNER)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="fr")
    tags = ClusterTaggableManager(through=CourseTag, blank=True, verbose_name=_("tags"))
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), blank=True, symmetrical=False, related_name="unlocks"
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.AutocompleteField("summary"),
        index.FilterField("language"),
        index.FilterField("level"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldRowPanel([FieldPanel("level"), FieldPanel("language"), FieldPanel("estimated_minutes")]),
        FieldPanel("tags"),
        FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]
    # The explorer lists lessons and quiz in the order learners meet them (the tree order; a
    # lesson added after the quiz is moved before it), not the latest edited first.
    admin_default_ordering = "ord"
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["course_content"] = pagecache.course_content(page=self, request=request)
        return context


class LessonPage(SignInRequiredMixin, RoutablePageMixin, Page):
    """A lesson: a StreamField body read in tree order; "mark as read" moves to the next one."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=5)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("estimated_minutes"), FieldPanel("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lesson_detail(lesson=self, user=request.user))
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        # The lesson itself is read-only; "complete/" is the route a form posts to.
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        return super().index_route(request, *args, **kwargs)

    @path("complete/", name="complete")
    def complete(self, request):
        return views.lesson_complete(request, self)


class QuizPageForm(WagtailAdminPageForm):
    """A quiz must serve at least one scorable question: an editor cannot publish an empty quiz."""

    def clean(self):
        cleaned = super().clean()
        slots = self.formsets.get("slots")
        if slots is not None and slots.is_valid():
            live = [f for f in slots.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            if not live:
                self.add_error(None, _("Add at least one question: a quiz cannot be empty."))
        return cleaned


class QuizPage(SignInRequiredMixin, RoutablePageMixin, Page):
    """The final quiz of a course. Routes: landing, start, take/submit, save, result, review."""

    class ReviewPolicy(models.TextChoices):
        """What the review of a finished attempt shows (see ``selectors.review_mode``)."""

        RIGHT_OR_WRONG = "right_or_wrong", _("Right or wrong after each attempt, the answers once passed")
        AFTER_PASS = "after_pass", _("Only once passed")
        NEVER = "never", _("Never")
        AFTER_SUBMIT = "after_submit", _("Everything after each attempt (practice quizzes)")

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Inclusive: a score equal to the pass mark passes."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, help_text=_("0 means unlimited."), validators=[MaxValueValidator(100)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    delay_between_attempts_minutes = models.PositiveIntegerField(_("delay between attempts (minutes)"), default=0)
    review_policy = models.CharField(
        _("review policy"),
        max_length=16,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.RIGHT_OR_WRONG,
        help_text=_(
            "What learners see after an attempt. “Right or wrong…”: after each attempt, whether each answer "
            "was right and the feedback of the options they chose; the correct answers and explanations only "
            "once they have passed. “Only once passed”: nothing before a pass, then the correct answers, all "
            "feedback and explanations. “Never”: the score only. “Everything after each attempt”: the correct "
            "answers even after a failed attempt, so a retake is largely known in advance: keep it for "
            "practice quizzes, not for a quiz that leads to a certificate. A pass counts only since the "
            "learner's last renewal."
        ),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)

    base_form_class = QuizPageForm
    json_routes = frozenset({"attempt_save"})
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("delay_between_attempts_minutes")]),
                FieldRowPanel([FieldPanel("review_policy"), FieldPanel("shuffle_questions")]),
            ],
            heading=_("Rules"),
        ),
        QuizSlotsPanel("slots", heading=_("Questions"), label=_("question"), min_num=1),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @path("")
    def landing(self, request):
        return views.quiz_landing(request, self)

    @path("start/", name="start")
    def start(self, request):
        return views.quiz_start(request, self)

    @path("attempt/<uuid:attempt_id>/", name="attempt")
    def attempt(self, request, attempt_id):
        return views.attempt_take(request, self, attempt_id)

    @path("attempt/<uuid:attempt_id>/save/", name="attempt_save")
    def attempt_save(self, request, attempt_id):
        return views.attempt_save(request, self, attempt_id)

    @path("attempt/<uuid:attempt_id>/result/", name="attempt_result")
    def attempt_result(self, request, attempt_id):
        return views.attempt_result(request, self, attempt_id)

    @path("attempt/<uuid:attempt_id>/review/", name="attempt_review")
    def attempt_review(self, request, attempt_id):
        return views.attempt_review(request, self, attempt_id)

    def serve_preview(self, request, mode_name):
        return views.quiz_preview(request, self)

    @property
    def course(self) -> CoursePage:
        return self.get_parent().specific

    def attempt_url(self, name: str, attempt: Attempt) -> str:
        """The URL of the attempt route ``name`` (``attempt``, ``attempt_save``,
        ``attempt_result``, ``attempt_review``) for ``attempt``."""
        return (self.url or "") + self.reverse_subpage(name, kwargs={"attempt_id": attempt.public_id})


class QuizSlot(Orderable):
    """One place in a quiz: a specific question, or N questions drawn at random from a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        "courses.Question",
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "courses.QuestionCategory",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many questions of the category each learner gets, drawn at random (1 to 100)."),
    )

    panels = SLOT_PANELS

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(question__isnull=False, category__isnull=True)
                    | models.Q(question__isnull=True, category__isnull=False)
                ),
                name="quizslot_question_xor_category",
                violation_error_message=_("Choose either a fixed question or a category to draw from, not both."),
            )
        ]

    def clean(self):
        super().clean()
        # "A question or a category, not both" is the check constraint's, with its message.
        if self.category_id and not self.question_id:
            available = self.category.questions.count()
            if available < self.count:
                raise ValidationError({"count": _("The category has only %(n)s questions.") % {"n": available}})
