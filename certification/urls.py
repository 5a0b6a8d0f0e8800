from django.urls import path

from certification import views

app_name = "certification"

urlpatterns = [
    path("issuer.json", views.issuer_profile, name="issuer"),
    path("issuer-key.json", views.issuer_key, name="issuer_key"),
    path("keys/<str:public_key>.json", views.issuer_key, name="key"),
    path("status/1.json", views.status_list, name="status_list"),
    path("programs/<str:slug>", views.achievement, name="achievement"),
    path("<str:code>/", views.verify, name="verify"),
    path("<str:code>/pdf/", views.certificate_pdf, name="pdf"),
    path("<str:code>/og.png", views.certificate_og_image, name="og_image"),
    path("<str:code>/credential.json", views.credential_json, name="credential"),
]
