from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "lms.home"
    label = "home"
