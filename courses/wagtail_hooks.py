from wagtail import hooks

from courses.viewsets import QuestionBankViewSetGroup


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankViewSetGroup()
