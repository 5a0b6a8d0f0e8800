"""Security settings (``lms.settings.base`` imports them): sign-in lock-outs (django-axes),
cookies and headers, and the content security policy of learner pages. ``production.py`` adds
HTTPS and the deployment's checks."""

from datetime import timedelta

from .environment import env

# Brute-force protection on every sign-in form (/accounts/login/ and the admin's): after
# AXES_FAILURE_LIMIT failures, an account (whatever address tries it) and an address (whatever
# account it tries) are locked for AXES_COOLOFF_MINUTES. Attempts live in the database, so
# every web process sees the same count. HR unlocks from the admin (Settings > Sign-in lock-outs).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_MINUTES = int(env("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lms.http.client_ip"
AXES_USERNAME_CALLABLE = "lms.people.lockout.username"
AXES_LOCKOUT_CALLABLE = "lms.people.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # Django's admin is not mounted; the Wagtail admin has the view
AXES_VERBOSE = False
# No log of successful sign-ins (address and browser of every session, kept forever): only the
# failures, which the cool-off clears.
AXES_DISABLE_ACCESS_LOG = True

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# JSON clients (the quiz autosave) get {"error": {"code": "csrf_failed", …}}, browsers the page.
CSRF_FAILURE_VIEW = "lms.home.views.csrf_failure"

# django-csp 4: strict policy on learner pages; the Wagtail admin needs inline scripts and
# styles of its own, so it is left out.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
