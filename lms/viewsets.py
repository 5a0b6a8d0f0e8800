"""Admin viewsets shared by every app. Every app may import this module."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from wagtail.admin.viewsets.model import ModelViewSet


class ReadOnlyModelViewSet(ModelViewSet):
    """A listing, and an inspect page when ``inspect_view_enabled``, of rows the application
    writes (versions, audit entries, lock-outs): no add, edit, copy, history or usage view, and
    no link to one. ``delete_path`` (e.g. ``"unlock"``) keeps the delete view under that name,
    for rows whose removal is the action (lifting a lock-out).

    Subclasses add their own views with ``extra_urlpatterns``.
    """

    copy_view_enabled = False
    delete_path = ""
    form_fields: list[str] = []

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        absent = ["add", "edit", "history", "usage"] + ([] if self.delete_path else ["delete"])
        return super().get_common_view_kwargs(**{**{f"{name}_url_name": None for name in absent}, **kwargs})

    def extra_urlpatterns(self) -> list[URLPattern]:
        return []

    def get_urlpatterns(self) -> list[URLPattern]:
        pk = f"<{self.pk_path_converter}:pk>"
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if self.inspect_view_enabled:
            patterns.append(path(f"inspect/{pk}/", self.inspect_view, name="inspect"))
        if self.delete_path:
            patterns.append(path(f"{self.delete_path}/{pk}/", self.delete_view, name="delete"))
        return patterns + self.extra_urlpatterns()
