from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses import services
from courses.admin_views import ItemAnalysisButton, admin_urls
from courses.assignment_viewsets import AssignmentViewSet
from courses.interchange import views as gift_views
from courses.models import LessonPage
from courses.previews import views as preview_views
from courses.training_viewsets import report_urls
from courses.viewsets import QuestionBankViewSetGroup, question_chooser_viewset


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankViewSetGroup()


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


@hooks.register("register_admin_urls")
def register_courses_admin_urls():
    return admin_urls()


@hooks.register("register_admin_urls")
def register_gift_and_preview_urls():
    return [*gift_views.admin_urls(), *preview_views.admin_urls()]


@hooks.register("register_page_header_buttons")
def quiz_header_buttons(page, user, view_name, next_url=None):
    yield ItemAnalysisButton(page=page, priority=68)
    yield preview_views.QuizTryButton(page=page, priority=69)


@hooks.register("register_page_listing_more_buttons")
def quiz_listing_buttons(page, user, next_url=None):
    yield ItemAnalysisButton(page=page, priority=55)
    yield preview_views.QuizTryButton(page=page, priority=56)


@hooks.register("after_create_page")
def place_new_lesson(request, page):
    if isinstance(page.specific, LessonPage):
        services.lesson_place_before_quiz(lesson=page.specific, user=request.user)


@hooks.register("register_admin_viewset")
def register_assignments():
    return AssignmentViewSet("course_assignments")


@hooks.register("register_admin_urls")
def register_training_report_urls():
    return report_urls()


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_reports_menu_item")
def register_training_report_menu_item():
    return PermissionMenuItem(
        _("Training"),
        reverse("courses_training_report"),
        icon_name="list-ul",
        order=690,
        permission="courses.view_assignment",
    )
