from wagtail import hooks

from courses.admin_views import ItemAnalysisButton, admin_urls
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


@hooks.register("register_page_header_buttons")
def quiz_header_buttons(page, user, view_name, next_url=None):
    yield ItemAnalysisButton(page=page, priority=68)


@hooks.register("register_page_listing_more_buttons")
def quiz_listing_buttons(page, user, next_url=None):
    yield ItemAnalysisButton(page=page, priority=55)
