"""Stored XSS through the policy content: rich text is cleaned, plain text escaped."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import nested_form_data, streamfield

from policy.models import PolicyPage
from tests.factories.policy import edit_form_data, publish_change, section

HOSTILE_HTML = (
    "<p>Be kind.<script>alert('xss')</script>"
    ' <a href="javascript:alert(1)">click</a>'
    ' <a href="JaVaScRiPt&#58;alert(2)">again</a>'
    ' <a href=" java\tscript:alert(3)">tab</a>'
    ' <a href="https://acme.com/charte" onclick="alert(4)">charter</a>'
    ' <img src="x" onerror="alert(5)">'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style></p>'
)


def _hrefs(html):
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article", class_="policy-body")
    return article, [a.get("href") for a in article.find_all("a")]


def test_rich_text_saved_through_the_model_renders_without_script_or_javascript_links(policy_page, employee_client):
    # given
    publish_change(policy_page, material=False, body_en=[section("respect", "Respect", HOSTILE_HTML)])

    # when
    response = employee_client.get("/policy/")

    # then
    assert response.status_code == 200
    article, hrefs = _hrefs(response.content.decode())
    body = str(article)
    assert article.find("script") is None
    assert article.find("iframe") is None
    assert article.find("style") is None
    assert article.find("img") is None
    assert "onclick" not in body
    assert "onerror" not in body
    assert [href for href in hrefs if href and "script" in href.lower().replace("\t", "")] == []
    assert "https://acme.com/charte" in hrefs
    assert "Be kind." in body


def test_a_crafted_admin_post_cannot_store_a_javascript_link(policy_page, policy_hr_client, employee_client):
    # given: Draftail's contentstate, hand-written, with a javascript: link entity
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "depth": 0,
                "text": "click here",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 10, "key": 0}],
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}}},
    }
    data = edit_form_data(policy_page)
    data.update(
        nested_form_data(
            {
                "body_en": streamfield(
                    [("section", {"anchor": "respect", "heading": "Respect", "text": json.dumps(contentstate)})]
                )
            }
        )
    )

    # when
    response = policy_hr_client.post(reverse("wagtailadmin_pages:edit", args=[policy_page.id]), data)

    # then
    assert response.status_code == 302
    stored = PolicyPage.objects.get(pk=policy_page.pk).body_en[0].value["text"].source
    assert "javascript" not in stored
    article, hrefs = _hrefs(employee_client.get("/policy/").content.decode())
    assert "click here" in str(article)
    assert [href for href in hrefs if href and "javascript" in href] == []


@pytest.mark.parametrize(
    "field",
    ["heading", "anchor"],
)
def test_plain_text_fields_are_escaped(policy_page, employee_client, field):
    # given
    value = {"anchor": "respect", "heading": "Respect"}
    value[field] = '"><img src=x onerror=alert(1)>'
    blocks = [("section", {**value, "text": section("x", "x", "<p>ok</p>")[1]["text"]})]
    publish_change(policy_page, material=False, body_en=blocks)

    # when
    html = employee_client.get("/policy/").content.decode()

    # then
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_example_post_is_escaped(policy_page, employee_client):
    # given
    example = (
        "example_post",
        {
            "network": "x",
            "author": "<b>Mallory</b>",
            "text": "<script>alert(1)</script>",
            "image": None,
            "verdict": "no",
            "reason": "<img src=x onerror=alert(2)>",
        },
    )
    publish_change(policy_page, material=False, body_en=[example])

    # when
    html = employee_client.get("/policy/").content.decode()

    # then
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x onerror=alert(2)>" not in html
    assert "<b>Mallory</b>" not in html


def test_the_policy_page_sends_a_content_security_policy(policy_page, employee_client):
    # when
    response = employee_client.get("/policy/")

    # then
    directives = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert directives["script-src"].startswith("'self'")
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"


def test_what_the_editor_offers_still_renders(policy_page, site, employee_client):
    # given
    html = (
        f'<h3>Title</h3><p><b>bold</b> <i>italic</i> <a linktype="page" id="{site.pk}">home</a>'
        ' <a href="https://acme.com/x">out</a> <a href="mailto:press@acme.example">mail</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
    )
    publish_change(policy_page, material=False, body_en=[section("respect", "Respect", html)])

    # when
    response = employee_client.get("/policy/")

    # then
    article = BeautifulSoup(response.content, "html.parser").find("div", class_="rich-text")
    assert "".join(str(child) for child in article.children) == (
        '<h3>Title</h3><p><b>bold</b> <i>italic</i> <a href="/">home</a>'
        ' <a href="https://acme.com/x">out</a> <a href="mailto:press@acme.example">mail</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
    )


def test_the_disclosure_explanation_is_cleaned_too(policy_page, employee_client):
    # given
    disclosure = (
        "disclosure",
        {
            "anchor": "transparence",
            "title": "Say you work here",
            "required_text": "#AcmeEmployee",
            "explanation": RichText(HOSTILE_HTML),
        },
    )
    publish_change(policy_page, material=False, body_en=[disclosure])

    # when
    article, hrefs = _hrefs(employee_client.get("/policy/").content.decode())

    # then
    assert article.find("script") is None
    assert hrefs == ["#transparence", None, None, None, "https://acme.com/charte"]
