from wagtail import hooks

from courses.viewsets import QuestionBankViewSetGroup, question_chooser_viewset


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankViewSetGroup()


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset
