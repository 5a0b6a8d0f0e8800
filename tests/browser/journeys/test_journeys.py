"""Three journeys end to end, as people meet the product: in Chromium, against the server that
`make run` starts (gunicorn, a real Celery worker and beat, SQLite, the demo), see conftest.py.

They run in this order on one server (pytest keeps the order of a module; `make test-journeys`
runs them in one process): the HR journey publishes a material policy change, which would lock
the advocate of the second journey out if it ran first.

Each step leaves a screenshot pair (desktop 1280 px, phone 390 px) under
var/browser-artefacts/<journey>/ (conftest.py).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

from tests.browser.journeys.conftest import CHROMIUM
from tests.browser.journeys.helpers import (
    WORKER_TIMEOUT,
    answer,
    attempt_questions,
    chromium_user_agent,
    poll,
    sign_in,
    text,
)

# Skipped where Chromium is missing, except under PORTE_VOIX_REQUIRE_BROWSER (CI sets it after
# installing the package), so that CI cannot pass without running the journeys.
MISSING = not shutil.which(CHROMIUM) and not os.environ.get("PORTE_VOIX_REQUIRE_BROWSER")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.journey,
    pytest.mark.skipif(MISSING, reason="Debian's chromium package is not installed"),
]

EMPLOYEE = "employee@demo.example"
EMPLOYEE_NAME = "Camille Martin"
COURSE = "/courses/politique-reseaux-sociaux-essentiel/"
COURSE_TITLE = "Politique réseaux sociaux\u00a0: l'essentiel"
ISSUE_TASK = "certification.tasks.certificates_issue_for_user_task"
QUALIFY_TASK = "advocacy_share.tasks.visits_qualify_task"


def test_employee(live_site, new_context, camera):
    site = live_site
    page = new_context("fr-FR")

    # given the demo employee, whose certificate has expired; they sign in and open the catalogue
    sign_in(page, site, EMPLOYEE, "/courses/")
    camera.shoot(page, "catalogue")
    # when they open the policy course from the catalogue
    page.get_by_role("link", name=COURSE_TITLE).first.click()
    page.wait_for_url(f"{site.url}{COURSE}")
    camera.shoot(page, "course")

    # and read its four lessons in order, each one leading to the next, the last one to the quiz
    page.get_by_role("link", name="Commencer la formation").click()
    camera.shoot(page, "first lesson")
    lessons = []
    while "/quiz/" not in page.url:
        lessons.append(page.url.removeprefix(site.url))
        page.locator("form[action$='/complete/'] button[type=submit]").click()
        page.wait_for_load_state()
    assert lessons == [
        f"{COURSE}pourquoi-une-politique/",
        f"{COURSE}transparence-acmeemployee/",
        f"{COURSE}confidentiel-pas-encore-public/",
        f"{COURSE}votre-voix-et-alerte/",
    ]
    camera.shoot(page, "quiz")

    # when they start the quiz and answer every question wrongly
    page.locator("form[action$='/start/'] button[type=submit]").click()
    page.wait_for_url("**/attempt/**")
    questions = attempt_questions(site, EMPLOYEE)
    assert len(questions) == 8
    answer(page, questions, correctly=False)
    camera.shoot(page, "first attempt answered")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url("**/result/")
    # then the attempt failed, two attempts are left
    camera.shoot(page, "first attempt failed")
    result = text(page)
    assert "Pas réussi cette fois" in result
    assert "2 tentatives restantes." in result

    # and the review shows what the policy allows after a failed attempt: right or wrong, no key
    page.get_by_role("link", name="Voir quelles réponses étaient justes").click()
    page.wait_for_url("**/review/")
    camera.shoot(page, "review after the failed attempt")
    review = text(page)
    assert review.count("Faux · 0 / 1 pt") == 8
    assert "Les bonnes réponses et les explications seront visibles une fois le quiz réussi." in review
    assert page.locator(".review-option--correct").count() == 0
    for question in questions:
        assert question["explanation"] not in review

    # when they try again and answer correctly
    page.goto(f"{site.url}{COURSE}quiz/")
    page.locator("form[action$='/start/'] button[type=submit]").click()
    page.wait_for_url("**/attempt/**")
    answer(page, attempt_questions(site, EMPLOYEE), correctly=True)
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url("**/result/")
    # then they passed with every answer right
    camera.shoot(page, "second attempt passed")
    result = text(page)
    assert "Bravo, vous avez réussi !" in result
    assert "100 %" in result

    # when they acknowledge the current policy
    issued_before = site.worker_runs(ISSUE_TASK)
    page.goto(f"{site.url}/policy/")
    camera.shoot(page, "policy")
    page.get_by_role("button", name="Je prends connaissance de la charte").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Je prends connaissance de la charte").count() == 0

    # then the worker issues the renewed certificate: it appears on their page, valid
    poll(page, f"{site.url}/me/", lambda page: "Le partage est débloqué : votre certificat est valide." in text(page))
    camera.shoot(page, "certificate issued")
    assert site.worker_runs(ISSUE_TASK) > issued_before
    (code,) = site.read(
        "SELECT c.code FROM certification_certificate c JOIN people_user u ON u.id = c.user_id "
        "WHERE u.email = ? ORDER BY c.issued_at DESC LIMIT 1",
        (EMPLOYEE,),
    )[0]
    certificate_url = f"{site.url}/certificates/{code}/"

    # and "Add to LinkedIn" carries the certificate's name, issuer, dates, address and code
    add_to_linkedin = page.get_by_role("link", name="Ajouter à LinkedIn")
    link = urlsplit(add_to_linkedin.get_attribute("href"))
    assert (link.scheme, link.netloc, link.path) == ("https", "www.linkedin.com", "/profile/add")
    year = re.search(r"Délivré le \d+ \w+ (\d{4}) · valable", text(page)).group(1)
    params = parse_qs(link.query)
    assert params["startTask"] == ["CERTIFICATION_NAME"]
    assert params["name"] == ["Ambassadeur certifié"]
    assert params["organizationName"] == ["Acme"]
    assert params["certUrl"] == [certificate_url]
    assert params["certId"] == [code]
    assert params["issueYear"] == [year]
    assert int(params["expirationYear"][0]) == int(year) + 1
    assert params["expirationMonth"] == params["issueMonth"]

    # when they open the verification page
    page.goto(certificate_url)
    camera.shoot(page, "verification")
    verification = text(page)
    # then it says the certificate is valid and whose it is
    assert "Valide" in verification
    assert EMPLOYEE_NAME in verification
    assert code in verification

    # when they download the PDF from it (Chromium shows a PDF it is sent inline: the test
    # fetches the link's address with the browser's session, as "Save as" would)
    pdf_link = page.get_by_role("link", name="Télécharger le PDF")
    pdf_url = urljoin(page.url, pdf_link.get_attribute("href"))
    response = page.request.get(pdf_url)
    # The worker renders the PDF after issuance: until then the link answers 503 "being
    # prepared" with Retry-After, and the person tries again, as the test does (sooner).
    deadline = time.monotonic() + WORKER_TIMEOUT
    while response.status == 503 and time.monotonic() < deadline:
        time.sleep(1)
        response = page.request.get(pdf_url)
    # then it is a PDF named after the code, with their name and the code in its text
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="certificate-{code}.pdf"' in response.headers["content-disposition"]
    pdf = PdfReader(io.BytesIO(response.body()))
    pdf_text = " ".join(pdf_page.extract_text() for pdf_page in pdf.pages)
    assert EMPLOYEE_NAME in pdf_text
    assert code in pdf_text

    assert page.console_errors == []


ADVOCATE = "advocate@demo.example"
CONTENT_TITLE = "Acme Cloud now in Belgium, Switzerland and Luxembourg"
CONTENT_URL = "https://acme.com/en/blog/acme-cloud-three-new-countries"


def _standing(page, site) -> tuple[int, int]:
    """(rank, points) of the viewer on the all-time company leaderboard."""
    page.goto(f"{site.url}/advocacy/leaderboard/?period=all&scope=company")
    rank, points = re.search(r"Rank (\d+) with (\d+) points\.", text(page)).groups()
    return int(rank), int(points)


def _qualified_clicks(page, site) -> int:
    page.goto(f"{site.url}/advocacy/")
    card = page.locator("li.advocacy-card").filter(has=page.get_by_role("heading", name=CONTENT_TITLE))
    found = re.search(r"(\d+) qualified clicks?", card.inner_text())
    return int(found.group(1)) if found else 0


def test_advocate(live_site, new_context, camera, chromium):
    site = live_site
    page = new_context("en-GB")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    (points_click,) = site.read("SELECT points_click FROM advocacy_share_advocacysettings")[0]
    assert points_click > 0

    # given the demo's certified advocate on their feed
    sign_in(page, site, ADVOCATE, "/advocacy/")
    camera.shoot(page, "feed")
    clicks_before = _qualified_clicks(page, site)

    # when they open the composer for a company article, keep LinkedIn and X, and write their
    # own LinkedIn text without saying they work at Acme
    page.get_by_role("link", name=re.compile(f"^Share.*{re.escape(CONTENT_TITLE)}", re.S)).first.click()
    page.wait_for_url("**/advocacy/compose/**")
    camera.shoot(page, "composer")
    page.get_by_role("checkbox", name="Facebook").uncheck()
    linkedin = page.get_by_role("textbox", name="Text for LinkedIn")
    linkedin.fill("Acme Cloud just opened in Belgium, Switzerland and Luxembourg. Proud of the team!")
    share = page.get_by_role("button", name="Continue")

    # then the guardrail blocks it, and sharing is disabled
    finding = page.locator("[data-findings=linkedin] .finding--block")
    finding.wait_for()
    assert "Add #AcmeEmployee: your readers must know you work at Acme." in finding.inner_text()
    assert share.is_disabled()
    assert page.get_by_text("Fix the blocking findings before sharing.").is_visible()
    camera.shoot(page, "blocking finding")

    # when they take the one-click fix
    page.get_by_role("button", name="Add “#AcmeEmployee”").click()
    finding.wait_for(state="detached")
    # then the disclosure is in the text and sharing is enabled again
    assert linkedin.input_value().endswith("#AcmeEmployee")
    page.wait_for_function("() => !document.querySelector('[data-share-button]').disabled")
    assert share.is_enabled()
    camera.shoot(page, "disclosure added")

    # when they continue
    share.click()
    page.wait_for_url("**/advocacy/shares/**")
    camera.shoot(page, "post it now")
    standing_after_share = _standing(page, site)
    page.go_back()

    # then each network opens with a tracked link of its own, shown on the page
    tracked = [code.inner_text() for code in page.locator("main code").all()]
    assert len(tracked) == 2 and tracked[0] != tracked[1]
    for link in tracked:
        assert re.fullmatch(rf"{re.escape(site.url)}/s/[\w-]+", link), link
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Open LinkedIn").click()
    linkedin_intent = urlsplit(popup_info.value.url)
    assert (linkedin_intent.netloc, linkedin_intent.path) == ("www.linkedin.com", "/sharing/share-offsite/")
    assert parse_qs(linkedin_intent.query) == {"url": [tracked[0]]}
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Open X").click()
    x_intent = urlsplit(popup_info.value.url)
    assert x_intent.netloc in {"twitter.com", "x.com"}
    x_params = parse_qs(x_intent.query)
    assert x_params["url"] == [tracked[1]]
    assert x_params["text"][0].endswith("#AcmeEmployee")
    slugs = [link.rsplit("/", 1)[1] for link in tracked]
    rows = site.read(
        "SELECT l.code, s.network FROM advocacy_share_trackedlink l JOIN advocacy_share_share s ON s.id = l.share_id "
        "JOIN people_user u ON u.id = s.user_id WHERE u.email = ? AND l.code IN (?, ?) ORDER BY s.network",
        (ADVOCATE, *slugs),
    )
    assert rows == [(slugs[0], "linkedin"), (slugs[1], "x")]

    # when someone else follows the X link in their own browser
    qualified_before = site.worker_runs(QUALIFY_TASK)
    visitor = new_context("en-GB", user_agent=chromium_user_agent(chromium))
    requests = []
    visitor.on("request", lambda request: requests.append(request))
    try:
        visitor.goto(tracked[1])
    except PlaywrightError as error:  # the article's host does not resolve here (conftest.py)
        assert "ERR_NAME_NOT_RESOLVED" in error.message
    # then the link sends them on to the article
    landing = requests[-1]
    assert landing.url.startswith(CONTENT_URL)
    assert landing.redirected_from is not None and landing.redirected_from.url == tracked[1]

    # and once the worker has qualified the click, the card counts it and the points follow
    poll(page, f"{site.url}/advocacy/", lambda page: _qualified_clicks(page, site) == clicks_before + 1)
    camera.shoot(page, "feed with the click")
    assert site.worker_runs(QUALIFY_TASK) > qualified_before
    poll(page, f"{site.url}/advocacy/", lambda page: _standing(page, site)[1] == standing_after_share[1] + points_click)
    camera.shoot(page, "leaderboard")
    assert page.console_errors == []


HR = "hr@demo.example"
LOCKED_403 = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
NEW_COURSE = "Publier au nom de son équipe"
NEW_LESSON = "Qui parle quand vous publiez ?"
NEW_QUIZ = "Quiz : publier au nom de son équipe"
SCENARIO_PROMPT = "Faut-il partager cette publication telle quelle ?"


def _admin_sign_in(page, site, email: str) -> None:
    page.goto(f"{site.url}/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(site.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site.url}/admin/")


def _publish(page) -> None:
    """Wagtail's "Publish", in the footer's action menu."""
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target=toggle]").first.click()
    page.get_by_role("button", name="Publier").click()
    page.locator(".messages .success").first.wait_for()
    assert page.locator(".messages .error, .help-critical").count() == 0, text(page, "body")


def test_hr(live_site, new_context, camera):
    site = live_site
    page = new_context("fr-FR")
    # A number of this run in the titles, so that a journey run again on a reused server
    # (PORTE_VOIX_JOURNEY_REUSE) does not trip over the course of the previous run.
    run = f"{int(time.time()) % 100000:05d}"
    course_title, lesson_title, quiz_title = f"{NEW_COURSE} {run}", f"{NEW_LESSON} {run}", f"{NEW_QUIZ} {run}"
    prompt = f"{SCENARIO_PROMPT} {run}"

    # given the HR editor in the Wagtail admin
    _admin_sign_in(page, site, HR)
    camera.shoot(page, "admin dashboard")

    # when they write a post-scenario question in the question bank
    page.goto(f"{site.url}/admin/questions/post-scenario/new/")
    page.locator("#id_prompt").fill(prompt)
    page.locator("#id_language").select_option("fr")
    page.locator("#id_post_author").fill("Léa, cheffe de projet")
    page.locator("#id_post_network").select_option(index=1)
    page.locator("#id_post_text").fill("Notre nouvelle offre arrive lundi, chut ! #AcmeEmployee")
    page.locator("#id_correct_action").select_option(index=3)
    page.locator("#id_feedback_share_as_is").fill("Non : l'offre n'est pas encore publique.")
    page.locator("#id_feedback_share_after_change").fill("Non : aucune modification ne la rend publique.")
    page.locator("#id_feedback_dont_share").fill("Oui : on attend l'annonce officielle.")
    camera.shoot(page, "post-scenario question")
    page.get_by_role("button", name="Créer", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/questions/post-scenario/(?!new/).*"))
    assert page.locator(".messages .error").count() == 0, text(page, "body")

    # and a course under the catalogue, with one lesson and a quiz drawing that question
    (catalogue_id,) = site.read(
        "SELECT p.id FROM wagtailcore_page p JOIN django_content_type t ON t.id = p.content_type_id "
        "WHERE t.app_label = 'courses' AND t.model = 'courseindexpage'"
    )[0]
    page.goto(f"{site.url}/admin/pages/add/courses/coursepage/{catalogue_id}/")
    page.locator("#id_title").fill(course_title)
    page.locator("#id_summary").fill("Quand vous publiez pour votre équipe : ce qui change, ce qui ne change pas.")
    page.locator("#id_language").select_option("fr")
    camera.shoot(page, "new course")
    _publish(page)
    ((course_id,),) = site.read("SELECT id FROM wagtailcore_page WHERE title = ?", (course_title,))

    page.goto(f"{site.url}/admin/pages/add/courses/lessonpage/{course_id}/")
    page.locator("#id_title").fill(lesson_title)
    page.locator("#id_intro").fill("Votre compte, votre voix : même quand vous parlez de l'équipe.")
    body = page.locator("[data-contentpath=body]")
    body.get_by_role("button", name="Insérer un bloc").first.click()
    page.get_by_role("option", name="Texte", exact=True).click()
    body.locator("[contenteditable=true]").first.fill("Vous parlez en votre nom, pas au nom d'Acme.")
    camera.shoot(page, "new lesson")
    _publish(page)

    page.goto(f"{site.url}/admin/pages/add/courses/quizpage/{course_id}/")
    page.locator("#id_title").fill(quiz_title)
    page.get_by_role("button", name=re.compile("Choisir une question")).first.click()
    chooser = page.locator(".modal")
    chooser.get_by_role("link", name=prompt).click()
    chooser.wait_for(state="hidden")
    camera.shoot(page, "new quiz")
    _publish(page)

    # then the course is in the catalogue, with its lesson and quiz
    page.goto(f"{site.url}/courses/")
    camera.shoot(page, "catalogue with the new course")
    page.get_by_role("link", name=course_title).first.click()
    assert lesson_title in text(page)
    assert quiz_title in text(page)
    camera.shoot(page, "new course page")
    slots = site.read(
        "SELECT q.prompt FROM courses_quizslot s JOIN courses_question q ON q.id = s.question_id "
        "JOIN wagtailcore_page p ON p.id = s.quiz_id WHERE p.title = ?",
        (quiz_title,),
    )
    assert slots == [(prompt,)]

    # given the advocate of the demo, free to share
    advocate = new_context("en-GB")
    sign_in(advocate, site, ADVOCATE, "/advocacy/")
    assert advocate.get_by_role("heading", name="Content to share").count() == 1

    # when HR publishes a material change of the policy
    (policy_id,) = site.read(
        "SELECT p.id FROM wagtailcore_page p JOIN django_content_type t ON t.id = p.content_type_id "
        "WHERE t.app_label = 'policy' AND t.model = 'policypage'"
    )[0]
    page.goto(f"{site.url}/admin/pages/{policy_id}/edit/")
    intro = page.locator("#id_intro")
    intro.fill(f"{intro.input_value()} Les publications d'équipe suivent les mêmes règles ({run}).")
    # A material change reaches readers of both languages: the English text changes too.
    page.get_by_role("tab", name="Anglais").click()
    intro_en = page.locator("#id_intro_en")
    intro_en.fill(f"{intro_en.input_value()} Team posts follow the same rules ({run}).")
    page.get_by_role("tab", name="Changement").click()
    page.get_by_label("ce changement est important").check()
    page.get_by_label("ce qui a changé (français)").fill("Les publications d'équipe suivent les mêmes règles.")
    page.get_by_label("ce qui a changé (anglais)").fill("Team posts follow the same rules.")
    camera.shoot(page, "material policy change")
    _publish(page)

    # then the advocate is locked out of sharing until they acknowledge the new version
    advocate.goto(f"{site.url}/advocacy/")
    assert advocate.get_by_role("heading", name="Sharing is locked").count() == 1
    camera.shoot(advocate, "advocate locked out by the policy change")
    advocate.get_by_role("link", name="Read what changed").click()
    advocate.wait_for_url(f"{site.url}/policy/changes/")
    assert "Team posts follow the same rules." in text(advocate)
    camera.shoot(advocate, "what changed")
    advocate.get_by_role("link", name="Read the policy and acknowledge it").click()
    advocate.wait_for_url(f"{site.url}/policy/")
    advocate.get_by_role("button", name="I acknowledge the policy").click()
    advocate.wait_for_load_state()
    advocate.goto(f"{site.url}/advocacy/")
    assert advocate.get_by_role("heading", name="Content to share").count() == 1
    camera.shoot(advocate, "advocate back after acknowledging")

    # when HR revokes the advocate's certificate, giving a reason
    ((code,),) = site.read(
        "SELECT c.code FROM certification_certificate c JOIN people_user u ON u.id = c.user_id "
        "WHERE u.email = ? AND c.revoked_at IS NULL ORDER BY c.issued_at DESC LIMIT 1",
        (ADVOCATE,),
    )
    page.goto(f"{site.url}/admin/certification/certificates/")
    page.get_by_role("link", name=code).first.click()
    page.get_by_role("link", name="Révoquer").first.click()
    page.get_by_label("Motif").fill("Publication d'un chiffre non public (test de parcours).")
    camera.shoot(page, "revoke certificate")
    page.locator("main form button[type=submit]").filter(has_text="Révoquer").click()
    page.wait_for_load_state()
    assert f"{code}" in text(page, "body")

    # then the public verification page says revoked, to anyone
    verifier = new_context("en-GB")
    verifier.goto(f"{site.url}/certificates/{code}/")
    camera.shoot(verifier, "verification revoked")
    assert "It is no longer valid." in text(verifier)
    assert "Valid until" not in text(verifier)

    # and sharing locks for the advocate
    advocate.goto(f"{site.url}/advocacy/")
    assert advocate.get_by_role("heading", name="Sharing is locked").count() == 1
    camera.shoot(advocate, "advocate locked out by the revocation")
    advocate.goto(f"{site.url}/advocacy/compose/")
    assert advocate.get_by_role("heading", name="Sharing is locked").count() == 1
    # (a locked page answers 403, which Chromium logs as a failed resource: nothing else)
    assert set(advocate.console_errors) == {LOCKED_403}
    assert page.console_errors == verifier.console_errors == []
