"""The error contract in one place: ``wants_json``, ``error_response`` and the middleware
that renders a ``DomainError`` raised by any view."""

import json
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from lms.http import DomainError, error_response, wants_json
from lms.urls import urlpatterns as project_urlpatterns

rf = RequestFactory()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, False),
        ({"HTTP_ACCEPT": "*/*"}, False),
        ({"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, False),
        ({"HTTP_ACCEPT": "application/json"}, True),
        ({"HTTP_ACCEPT": "application/json, text/html"}, True),
        ({"HTTP_ACCEPT": "text/html, application/json"}, False),
        ({"HTTP_ACCEPT": "text/html;q=0.5, application/json"}, True),
        ({"HTTP_ACCEPT": "application/ld+json"}, False),
    ],
)
def test_wants_json_follows_the_accept_header(kwargs, expected):
    # when / then
    assert wants_json(rf.get("/", **kwargs)) is expected


def test_a_json_body_or_format_json_asks_for_json():
    # when / then
    assert wants_json(rf.post("/", data="{}", content_type="application/json")) is True
    assert wants_json(rf.get("/", {"format": "json"}, HTTP_ACCEPT="text/html")) is True


def test_error_response_answers_json_with_extra_keys(db):
    # when
    response = error_response(
        rf.get("/", HTTP_ACCEPT="application/json"),
        code="revoked",
        message="Gone.",
        status=410,
        extra={"revoked": True},
    )

    # then
    assert response.status_code == 410
    assert json.loads(response.content) == {"revoked": True, "error": {"code": "revoked", "message": "Gone."}}


def test_error_response_renders_the_page_with_a_way_back(db):
    # when
    response = error_response(
        rf.get("/", HTTP_ACCEPT="text/html"),
        code="nope",
        message="Not now.",
        status=409,
        title="Wait",
        back_url="/courses/",
        back_label="To the catalogue",
    )

    # then
    html = response.content.decode()
    assert response.status_code == 409
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Not now." in html and "<code>nope</code>" in html
    assert '<a class="button" href="/courses/">To the catalogue</a>' in html


def test_as_json_forces_the_form(db):
    # when
    response = error_response(rf.get("/"), code="not_found", message="None.", status=404, as_json=True)

    # then
    assert json.loads(response.content) == {"error": {"code": "not_found", "message": "None."}}


# --- the middleware --------------------------------------------------------------------------


@dataclass
class OutOfStock(DomainError):
    code: str
    message: str
    status: int = 409


def raises_domain_error(request):
    raise OutOfStock("out_of_stock", "None left.")


def raises_plain_error(request):
    raise DomainError("bad_input", "That is not a number.", 400)


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("domain-error/", raises_domain_error),
    path("plain-domain-error/", raises_plain_error),
    *project_urlpatterns,
]


@pytest.mark.urls("tests.lms.test_http")
def test_a_domain_error_raised_by_a_view_is_the_json_error_for_json_clients(client, site):
    # when
    response = client.get("/domain-error/", HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "out_of_stock", "message": "None left."}}


@pytest.mark.urls("tests.lms.test_http")
def test_a_domain_error_raised_by_a_view_is_the_page_for_browsers(client, site):
    # when
    response = client.get("/plain-domain-error/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "That is not a number." in html
    assert "This cannot be done" in html
    assert [t.name for t in response.templates][:2] == ["error.html", "base.html"]


def test_a_domain_error_reads_as_its_code_and_message():
    # when / then
    assert str(OutOfStock("out_of_stock", "None left.")) == "out_of_stock: None left."
    assert (DomainError("x", "y").status, OutOfStock("a", "b").status) == (400, 409)
