"""A working day on Porte-Voix, for Locust (headless; ``bench/load.py`` starts it).

Three kinds of people, weighted like a day of a company rolling the training out:

- **learners** (6 in 10): sign in through ``/accounts/login/`` with the CSRF token like a
  browser, browse the catalogue, open courses and lessons (marking some read), look at their
  dashboard, and take the quiz of a course in their language: landing, start, the attempt
  form, submit, result. Some of them studied (``LOAD_KNOW_RATE``): they answer with the keys of
  the attempt's own snapshot and pass; the others tick what the form offers at random, and
  mostly fail. Each keeps count of its attempts and leaves a quiz whose three are used;
- **certified advocates** (1 in 10): the demo's, signed in; the leaderboard, the feed, /me/;
- **their audience** (3 in 10), anonymous: follows tracked links ``/s/<code>`` (never the
  redirect's target: the 302 is the answer) and now and then opens a certificate's public
  verification page.

Every answer is checked against the one status a working site gives (200 for pages, 302 for
sign-in, quiz start, submit, lesson read and tracked links): anything else is a failure, so
that the report's error count means what it says.

Figures go to ``LOAD_REPORT`` (JSON) when Locust quits. Input, from the environment: ``LOAD_PLAN`` (the JSON ``bench/load.py`` writes: courses,
link and certificate codes, advocates, learners, the password), ``LOAD_KNOW_RATE`` (default
0.4), ``LOAD_FORWARDED`` (1: every simulated person sends its own ``X-Forwarded-For``, as
nginx in front would; the server then reads it through ``PORTE_VOIX_TRUSTED_PROXY_HEADER``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from collections import Counter
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_data import form_answers  # noqa: E402 - next to this file

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read()) if os.environ.get("LOAD_PLAN") else {}
KNOW_RATE = float(os.environ.get("LOAD_KNOW_RATE", "0.4"))
FORWARDED = os.environ.get("LOAD_FORWARDED", "1") == "1"
MAX_ATTEMPTS = 3
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

_learners = iter(PLAN.get("learners") or [])
_advocates = itertools.cycle(PLAN.get("advocates") or [""])
_addresses = itertools.count(1)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The reason a refused form gives (the quiz's per-question error, or the error page's message).
ERROR = re.compile(r'class="(?:question__error|lead)"[^>]*>([^<]+)')
ATTEMPT = re.compile(r"/attempt/([0-9a-f-]{36})/$")

_knowledge = None


def attempt_keys(public_id: str) -> dict[str, list[str]]:
    """A learner who studied knows the answers: read from the attempt's snapshot (Django, set up
    once in this process on the server's own database)."""
    global _knowledge
    if _knowledge is None:
        import load_data

        load_data.setup()
        _knowledge = load_data.attempt_keys
    return _knowledge(public_id)


_environment = None


@events.init.add_listener
def _remember(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


@events.quit.add_listener
def _report(exit_code: int, **_kwargs) -> None:
    """The figures, to ``LOAD_REPORT``, once every user has stopped: Locust's own CSV is
    written by a periodic writer that stops with the test, before the users that finish the
    task in hand (``--stop-timeout``) are counted, so a submit answered then would be missing
    from it while the database has its row."""
    path = os.environ.get("LOAD_REPORT")
    if not path or _environment is None or _environment.runner is None:
        return
    stats = _environment.runner.stats
    endpoints = {}
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        endpoints[entry.name] = _figures(entry)
    endpoints["Aggregated"] = _figures(stats.total)
    errors = [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in stats.errors.values()
    ]
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"endpoints": endpoints, "failures": errors}, out, indent=2)


def _figures(entry) -> dict:
    def percentile(p: float) -> float | None:
        return entry.get_response_time_percentile(p) if entry.num_requests else None

    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 1),
        "p50": percentile(0.5),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
    }


class Person(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.headers = {"User-Agent": BROWSER, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"}
        if FORWARDED:
            n = next(_addresses)
            self.headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.arrive()

    def arrive(self) -> None:
        """What the person does first (signing in)."""

    def expect(self, method: str, url: str, status: int, *, name: str | None = None, data=None):
        """One request; a failure unless the answer is ``status``. The response, or None.
        ``data``: form fields, a value or a list of values each, sent as a browser does."""
        headers = self.headers
        if data is not None:
            data = urlencode(data, doseq=True)
            headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.request(
            method,
            url,
            name=name or url,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != status:
                reason = ERROR.search(response.text or "")
                detail = f" ({reason.group(1).strip()})" if reason else ""
                response.failure(f"{method} {name or url}: {response.status_code}, expected {status}{detail}")
                return None
            response.success()
            return response

    def post_form(self, page_html: str, url: str, fields: dict, *, name: str, status: int = 302):
        token = CSRF.search(page_html)
        if token is None:
            self.expect("GET", "/__no_csrf_token__", 200, name=f"{name} (no CSRF token on the page)")
            return None
        data = {"csrfmiddlewaretoken": token.group(1), **fields}
        return self.expect("POST", url, status, name=name, data=data)

    def sign_in(self, email: str) -> bool:
        page = self.expect("GET", "/accounts/login/", 200, name="login page")
        if page is None:
            return False
        signed = self.post_form(
            page.text, "/accounts/login/", {"username": email, "password": PLAN["password"]}, name="login"
        )
        return signed is not None


class Learner(Person):
    weight = 6

    def arrive(self) -> None:
        learner = next(_learners)
        self.email, self.language = learner["email"], learner["language"]
        self.headers["Accept-Language"] = "en" if self.language == "en" else "fr-FR,fr;q=0.9"
        self.courses = [c for c in PLAN["courses"] if c["language"] == self.language] or PLAN["courses"]
        self.studied = self.rng.random() < KNOW_RATE
        self.attempts: Counter = Counter()
        self.signed_in = self.sign_in(self.email)

    @task(4)
    def catalogue(self) -> None:
        self.expect("GET", "/courses/", 200)

    @task(3)
    def course(self) -> None:
        self.expect("GET", self.rng.choice(self.courses)["url"], 200, name="course page")

    @task(4)
    def lesson(self) -> None:
        lesson = self.rng.choice(self.rng.choice(self.courses)["lessons"])
        page = self.expect("GET", lesson, 200, name="lesson page")
        if page is not None and self.signed_in and self.rng.random() < 0.5:
            self.post_form(page.text, lesson + "complete/", {}, name="lesson complete")

    @task(1)
    def dashboard(self) -> None:
        self.expect("GET", "/me/", 200, name="/me/")

    @task(2)
    def quiz(self) -> None:
        open_quizzes = [c["quiz"] for c in self.courses if c["quiz"] and self.attempts[c["quiz"]] < MAX_ATTEMPTS]
        if not self.signed_in or not open_quizzes:
            return
        quiz = self.rng.choice(open_quizzes)
        landing = self.expect("GET", quiz, 200, name="quiz landing")
        if landing is None:
            return
        started = self.post_form(landing.text, quiz + "start/", {}, name="quiz start")
        if started is None:
            return
        self.attempts[quiz] += 1
        attempt_url = started.headers.get("Location", "")
        form = self.expect("GET", attempt_url, 200, name="quiz attempt form")
        if form is None:
            return
        if self.studied:
            answers = attempt_keys(ATTEMPT.search(attempt_url).group(1))
        else:
            answers = form_answers(form.text, self.rng)
        submitted = self.post_form(form.text, attempt_url, {"action": "submit", **answers}, name="quiz submit")
        if submitted is not None:
            self.expect("GET", submitted.headers.get("Location", ""), 200, name="quiz result")


class Advocate(Person):
    weight = 1

    def arrive(self) -> None:
        self.signed_in = self.sign_in(next(_advocates))

    @task(3)
    def leaderboard(self) -> None:
        self.expect("GET", "/advocacy/leaderboard/", 200)

    @task(2)
    def feed(self) -> None:
        self.expect("GET", "/advocacy/", 200)

    @task(1)
    def dashboard(self) -> None:
        self.expect("GET", "/me/", 200, name="/me/")


class Audience(Person):
    weight = 3

    @task(8)
    def tracked_link(self) -> None:
        self.expect("GET", "/s/" + self.rng.choice(PLAN["link_codes"]), 302, name="/s/[code]")

    @task(1)
    def verification(self) -> None:
        code = self.rng.choice(PLAN["certificate_codes"])
        self.expect("GET", f"/certificates/{code}/", 200, name="/certificates/[code]/")
