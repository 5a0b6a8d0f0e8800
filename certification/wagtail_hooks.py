from wagtail import hooks

from certification.viewsets import CertificationViewSetGroup


@hooks.register("register_admin_viewset")
def register_certification():
    return CertificationViewSetGroup()
