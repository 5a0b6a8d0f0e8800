"""Issue 13 (bilingual): the learner-facing pages, walked in French as visitors and employees
meet them, show none of our English source strings.

The demo is loaded, then a crawler follows every link of the site from the home page, as an
anonymous visitor and as the demo employee and the demo advocate (French, certified), and
reads each page's visible text and the texts read aloud (``aria-label``, ``title``, ``alt``,
``placeholder``). The English strings looked for are the msgids of our own catalogue whose
French differs, long enough not to be a name ("LinkedIn") or a word both languages share:
any of them on a French page is a string that was not marked for translation where it is
shown, or shown with the wrong language active."""

from __future__ import annotations

import gettext
import html
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
# Placeholders split a msgid into the literal pieces that can appear on a page.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}|\{\{.*?\}\}")
MIN_WORDS = 3
MIN_LENGTH = 16
# Not pages, or not in a language: sign-out, files, JSON, tracked links, the admin (the HR
# editors' test walks it), static files.
SKIPPED = re.compile(
    r"^/(admin|django-admin|accounts/logout|static|media|documents|s/|me/data|healthz|readyz)"
    r"|\.(pdf|png|jpg|json|xml|csv|xlsx|zip)$|/pdf/$|/og\.png$|/credential"
)
MAX_PAGES = 120


def english_strings() -> list[str]:
    """The English pieces of every msgid of our catalogue translated to something else."""
    with CATALOGUE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    pieces = set()
    for key, french in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04", 1)[-1]
        if not msgid or msgid == french:
            continue
        for piece in PLACEHOLDER.split(msgid):
            piece = " ".join(piece.split()).strip(" .,:;!?()«»\"'")
            if len(piece) >= MIN_LENGTH and len(piece.split()) >= MIN_WORDS and piece not in french:
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


TAG = re.compile(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", re.S | re.I)
ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')


def readable_text(page: str) -> str:
    """What a reader or a screen reader meets: text between tags and the spoken attributes."""
    page = TAG.sub(" ", page)
    spoken = " ".join(ATTRIBUTE.findall(page))
    text = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(f"{text} {spoken}").split())


CONTENT_APPS = ("wagtailcore", "courses", "policy", "advocacy_share", "certification")


def content_text() -> str:
    """Every text the editors wrote (pages, questions, shareable content...), lower-cased. A
    course in English is English on a French page: that is content, not a missed translation,
    so an English string that also occurs in content is not looked for."""
    from django.apps import apps
    from django.db import models
    from wagtail.fields import RichTextField, StreamField

    kinds = (models.CharField, models.TextField, models.JSONField, RichTextField, StreamField)
    texts = []
    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS or model._meta.proxy:
            continue
        fields = [field.name for field in model._meta.concrete_fields if isinstance(field, kinds)]
        for row in model._base_manager.values_list(*fields):
            texts.extend(str(value) for value in row if value)
    return html.unescape("\n".join(texts)).lower()


LINK = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"', re.I)


def crawl(client, start: list[str]) -> dict[str, str]:
    """``{path: readable text}`` of every page reachable from ``start`` (same site, GET)."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or SKIPPED.search(path):
            continue
        response = client.get(path)
        seen[path] = ""
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        assert '<html lang="fr"' in page, f"{path} is not served in French"
        seen[path] = readable_text(page)
        for href in LINK.findall(page):
            parts = urlsplit(html.unescape(urldefrag(href)[0]))
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
    return seen


@pytest.mark.slow
@pytest.mark.django_db
def test_the_french_pages_show_no_english_source_string(client):
    # given: the demo, its employee and advocate reading in French
    call_command("load_demo", stdout=StringIO())
    people = get_user_model().objects.filter(email__in=["employee@demo.example", "advocate@demo.example"])
    assert people.update(preferred_language="fr") == 2
    content = content_text()
    english = [piece for piece in english_strings() if piece.lower() not in content]
    assert len(english) > 300  # the catalogue was read

    # when: the site walked anonymously, then by each of them
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    pages = {("anonymous", path): text for path, text in crawl(client, ["/", "/accounts/login/", "/policy/"]).items()}
    for person in people.order_by("email"):
        client.force_login(person)
        walked = crawl(client, ["/me/", "/courses/", "/policy/", "/advocacy/", "/advocacy/leaderboard/"])
        pages.update({(person.email, path): text for path, text in walked.items()})
        client.logout()

    # then: the walk went wide, and no page shows one of our English strings
    read = [key for key, text in pages.items() if text]
    assert len(read) >= 25, read
    found = {f"{who} {path}: {piece!r}" for (who, path), text in pages.items() for piece in english if piece in text}
    assert sorted(found) == [], "\n".join(sorted(found))
