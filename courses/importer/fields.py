"""The value checks of the course files, as ``Annotated`` metadata for the schema's pydantic
models: texts with limits, rich text in Wagtail's format, https URLs, slugs, colours, choices
among a model's values. A failed check raises ``ValueError`` with the message the importer
shows after the file name and the entry."""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal
from html.parser import HTMLParser
from typing import Annotated, Any
from urllib.parse import urlsplit

from django.utils.text import slugify
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

# Wagtail stores rich text as HTML in its "database format"; these are the tags the editor's
# features produce (RICH_TEXT_FEATURES, and bold/italic/link for callouts), so imported text
# stays editable in the admin.
PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "b", "i", "ol", "ul", "li", "a", "hr", "br"})
CALLOUT_TAGS = frozenset({"p", "b", "i", "a", "br"})
VIDEO_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com", "ted.com", "www.ted.com"}
)


def text(max_length: int, *, required: bool = True) -> StringConstraints:
    """A text, stripped, at most ``max_length`` characters; not empty when ``required``."""
    return StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=max_length)


def whole(*, ge: int, le: int) -> Any:
    """A whole number in ``[ge, le]``; ``true`` is not a number."""
    return Field(strict=True, ge=ge, le=le)


def items(*, min_items: int = 0, max_items: int | None = None) -> Any:
    """A list of at least ``min_items`` entries, and at most ``max_items`` if given."""
    return Field(min_length=min_items, max_length=max_items)


def _number(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    try:
        return Decimal(str(value))
    except ArithmeticError:  # decimal.InvalidOperation
        raise ValueError(f"expected a number, got {value!r}") from None


# A number (whole, decimal or written as text), kept as a ``Decimal``: add ``Field(ge=, le=)``.
AS_DECIMAL = BeforeValidator(_number)


Flag = Annotated[bool, Field(strict=True)]


def _one_of(allowed: Collection[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    return check


def one_of(allowed: Collection[str]) -> AfterValidator:
    """One of ``allowed`` (the values of a model's choices)."""
    return AfterValidator(_one_of(allowed))


def _slug(value: str) -> str:
    if slugify(value) != value:
        raise ValueError(f"{value!r} is not a slug (lower case letters, digits and hyphens)")
    return value


Slug = Annotated[str, text(255), AfterValidator(_slug)]
Colour = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#[0-9a-fA-F]{6}$")]


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.bad_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if urlsplit(href).scheme not in {"https", "http", "mailto"}:
                self.bad_links.append(href)


def _rich_text(allowed_tags: frozenset[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value:
            return value
        parser = _TagCollector()
        parser.feed(value)
        extra = parser.tags - allowed_tags
        if extra:
            raise ValueError(f"uses tag(s) {', '.join(sorted(extra))}; allowed: {', '.join(sorted(allowed_tags))}")
        if parser.bad_links:
            raise ValueError(f"link {parser.bad_links[0]!r} is not an http(s) or mailto address")
        return value if value.startswith("<") else f"<p>{value}</p>"

    return check


def rich_text(allowed_tags: frozenset[str]) -> AfterValidator:
    """Rich text in Wagtail's HTML with only ``allowed_tags`` and web or mail links; plain text
    becomes one paragraph."""
    return AfterValidator(_rich_text(allowed_tags))


def _https(hosts: frozenset[str] | None) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc:
            raise ValueError(f"{value!r} is not an https URL")
        if hosts is not None and parts.hostname not in hosts:
            raise ValueError(f"{value!r}: the host must be one of {', '.join(sorted(hosts))}")
        return value

    return check


def https_url(hosts: frozenset[str] | None = None) -> AfterValidator:
    """An https URL (on one of ``hosts`` if given), or ``""`` for an optional one left out."""
    return AfterValidator(_https(hosts))
