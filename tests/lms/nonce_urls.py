"""URLconf for the CSP tests: the project's URLs plus a page with an inline script and style,
as a template carries them (no served page has one yet)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from lms.urls import urlpatterns as project_urlpatterns

PAGE = """<!DOCTYPE html><html><head>
<style nonce="{{ request.csp_nonce }}">body { color: black; }</style>
</head><body><script nonce="{{ request.csp_nonce }}">document.body.dataset.ready = "1";</script></body></html>"""


def inline(request):
    return HttpResponse(engines["django"].from_string(PAGE).render(request=request))


urlpatterns = [path("inline-script/", inline), *project_urlpatterns]
