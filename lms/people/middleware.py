"""The UI language follows the user's preference, then the browser's (LocaleMiddleware)."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UserLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a signed-in user's stored preference wins.

    Sits before AuthenticationMiddleware in the list, so it reads the user lazily in
    ``process_view`` (by then ``request.user`` exists).
    """

    def process_request(self, request):
        super().process_request(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None
