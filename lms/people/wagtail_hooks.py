from wagtail import hooks

from lms.people.viewsets import SignInLockoutViewSet


@hooks.register("register_admin_viewset")
def register_sign_in_lockouts():
    return SignInLockoutViewSet("sign_in_lockouts")
