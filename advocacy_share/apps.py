from django.apps import AppConfig


class AdvocacyShareConfig(AppConfig):
    name = "advocacy_share"
