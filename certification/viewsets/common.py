"""Column helpers shared by the certification admin views."""

from __future__ import annotations

from datetime import datetime

from django.contrib.admin.utils import label_for_field
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime

# The training report's list of people (``courses.training_viewsets``), filtered by course.
TRAINING_PEOPLE = "courses_training_people"


def field_label(model: type[Model], field_name: str) -> str:
    """The column heading of a model field: its verbose name, capitalised (lazily, as Wagtail's
    own headings: translated when the page is shown)."""
    return capfirst(label_for_field(field_name, model, return_attr=False))


def short_datetime(value: datetime | None) -> str:
    """A plain local date and time: the generic date column only speaks of the past."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def long_datetime(value: datetime | None) -> str:
    """A date and time in the project's time zone (``TIME_ZONE``), as the list and the audit
    trail show them, in the reader's language; "—" when there is none."""
    return date_format(localtime(value), "DATETIME_FORMAT") if value else "—"
