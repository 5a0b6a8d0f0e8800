from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("certificates/", include("certification.urls")),
    path("me/", home_views.dashboard, name="dashboard"),
    path("me/language/", home_views.set_language, name="set_language"),
    path("healthz", home_views.healthz, name="healthz"),
    path("readyz", home_views.readyz, name="readyz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
else:
    from django.urls import re_path
    from django.views.static import serve

    # Images only; documents go through Wagtail's serve_view (TESTPLAN 33).
    urlpatterns += [
        re_path(r"^media/(?P<path>(images|original_images)/.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "lms.home.views.not_found"
