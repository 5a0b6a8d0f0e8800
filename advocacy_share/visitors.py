"""Who is asking for a tracked link, told from the request alone and cheaply (no query, no
session): automated fetchers and link previews, browser prefetches, and the visitor's salted
hash.

Automated agents (``is_bot``). Link-preview fetchers of social networks and chat apps
(LinkedInBot, Twitterbot, facebookexternalhit, Facebot, Slackbot and Slackbot-LinkExpanding,
WhatsApp, TelegramBot, Discordbot, Mastodon and other fediverse servers fanning a post out,
SkypeUriPreview, Applebot, Pinterest…), search engine crawlers (Googlebot, bingbot…), any
agent calling itself a bot, crawler, spider or preview, headless browsers, and command-line or
library HTTP clients (curl, Wget, python-requests, python-urllib, aiohttp, httpx, Go's,
Java's, okhttp, libwww-perl, axios/node-fetch). The last group is counted as automated on
purpose: people who click a link on a social network do it in a browser or in a network's
app, which identify themselves as browsers; a script replaying the link 1,000 times must not
earn points. A request without any User-Agent is automated too. Every one of them still gets
its redirect (previews must work); they only do not count.

Visitor hash: HMAC-SHA256 of the client address (``lms.http.client_ip``, which honours the
trusted proxy setting only) and the User-Agent, keyed with a salt derived from SECRET_KEY and
the UTC date. The salt changes every day, so a hash cannot be linked to one of another day
and no address is ever stored. A repeat across midnight (UTC) therefore counts as a new
visitor: the privacy of the rotation wins over a few extra clicks.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from lms.http import client_ip

# (family, pattern), tried in order; the first match names the family. Lower-case patterns
# matched against the lower-cased User-Agent.
BOT_FAMILIES: tuple[tuple[str, str], ...] = (
    ("linkedinbot", r"linkedinbot"),
    ("twitterbot", r"twitterbot"),
    ("facebookexternalhit", r"facebookexternalhit|facebookcatalog"),
    ("facebot", r"facebot"),
    ("slackbot", r"slackbot|slack-imgproxy"),
    ("whatsapp", r"whatsapp"),
    ("telegrambot", r"telegrambot"),
    ("discordbot", r"discordbot"),
    ("mastodon", r"mastodon|pleroma|misskey|akkoma|friendica|fediverse"),
    ("skypeuripreview", r"skypeuripreview"),
    ("googlebot", r"googlebot|google-inspectiontool|googleother|google-read-aloud|adsbot-google|mediapartners-google"),
    ("bingbot", r"bingbot|bingpreview|msnbot"),
    ("applebot", r"applebot"),
    ("pinterest", r"pinterest"),
    ("redditbot", r"redditbot"),
    ("yandexbot", r"yandex"),
    ("duckduckbot", r"duckduckbot|duckassistbot"),
    ("headless", r"headlesschrome|phantomjs|puppeteer|playwright|selenium|lighthouse"),
    ("curl", r"^curl/|\bcurl/"),
    ("wget", r"wget"),
    ("python", r"python-requests|python-urllib|python-httpx|aiohttp|httpx|scrapy"),
    ("http-library", r"go-http-client|java/|okhttp|libwww-perl|axios|node-fetch|undici|apache-httpclient"),
    ("generic-bot", r"bot\b|bot/|crawl|spider|slurp|preview|fetcher|scanner|monitor|checker"),
)
_BOT_RE = re.compile("|".join(f"(?P<g{i}>{pattern})" for i, (_, pattern) in enumerate(BOT_FAMILIES)))
_BROWSER_FAMILIES: tuple[tuple[str, str], ...] = (
    ("edge", "edg/"),
    ("opera", "opr/"),
    ("samsung", "samsungbrowser"),
    ("firefox", "firefox/"),
    ("chrome", "chrome/"),
    ("chrome", "crios/"),
    ("safari", "safari/"),
)
NO_AGENT = "no-agent"
MAX_AGENT_LENGTH = 512
PREFETCH_VALUES = ("prefetch", "prerender", "preview")


@dataclass(frozen=True, slots=True)
class Agent:
    is_bot: bool
    family: str


@lru_cache(maxsize=4096)
def agent_of(user_agent: str) -> Agent:
    """Whether ``user_agent`` is an automated fetcher, and its family ("linkedinbot", "curl",
    "generic-bot"… for automated agents; "chrome", "firefox", "safari", "edge", "opera",
    "samsung" or "other" for browsers). Remembered per User-Agent string: the answer depends
    on nothing else, a few browser builds send most clicks, and the patterns cost more than
    the rest of the redirect."""
    ua = user_agent[:MAX_AGENT_LENGTH].lower().strip()
    if not ua:
        return Agent(True, NO_AGENT)
    match = _BOT_RE.search(ua)
    if match is not None and match.lastgroup is not None:
        return Agent(True, BOT_FAMILIES[int(match.lastgroup[1:])][0])
    for family, token in _BROWSER_FAMILIES:
        if token in ua:
            return Agent(False, family)
    return Agent(False, "other")


def is_prefetch(request: HttpRequest) -> bool:
    """Whether the browser fetched the link ahead of a click: ``Sec-Purpose: prefetch`` (or
    ``prefetch;prerender``), the older ``Purpose: prefetch``, Safari's ``X-Purpose: preview``
    and Firefox's ``X-Moz: prefetch``."""
    meta = request.META
    for header in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ"):
        value = meta.get(header)
        if value and any(word in value.lower() for word in PREFETCH_VALUES):
            return True
    return False


_salts: dict[date, bytes] = {}


def daily_salt(day: date) -> bytes:
    """The visitor-hash key of ``day`` (UTC): derived from SECRET_KEY and the date, the same in
    every process, unknown outside the server, different every day."""
    salt = _salts.get(day)
    if salt is None:
        secret = settings.SECRET_KEY.encode()
        salt = hmac.new(secret, f"porte-voix:advocacy-visitor:{day.isoformat()}".encode(), hashlib.sha256).digest()
        if len(_salts) > 4:
            _salts.clear()
        _salts[day] = salt
    return salt


def visitor_hash(ip: str, user_agent: str, day: date) -> str:
    """64 hex characters identifying (address, browser) on ``day`` only; the address cannot be
    read back from it."""
    message = f"{ip}\n{user_agent[:MAX_AGENT_LENGTH]}".encode("utf-8", "replace")
    return hmac.new(daily_salt(day), message, hashlib.sha256).hexdigest()


def request_visitor(request: HttpRequest, day: date) -> str:
    """The visitor hash of ``request`` on ``day``: its client address as ``lms.http.client_ip``
    reads it (the trusted proxy setting) and its User-Agent."""
    return visitor_hash(client_ip(request), request.headers.get("user-agent", ""), day)
