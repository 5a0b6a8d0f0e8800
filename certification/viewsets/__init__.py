"""Admin UI of the certification layer (registered in ``wagtail_hooks.py``).

- Programmes: the usual listing and forms (panels from the model), plus "Re-issue all PDFs",
  which starts a ``BulkRender`` whose progress page refreshes itself until it is done.
  Programmes are never deleted (their certificates stay verifiable): HR deactivates them.
- Certificates: listing with the state computed now, an inspect view with the audit trail,
  and Revoke / Reinstate, each asking for a reason (``certification.admin_views``). Nothing
  else changes a certificate here: no add, edit or delete views exist.
- Certificate events: the audit trail, read-only — listing and inspect, no other view.
- PDF re-issues: their progress, read-only.

Labels come from the models' verbose names. Permissions are the models' own:
``view_certificate`` to list and inspect, ``change_certificate`` to revoke and reinstate,
``change_certificationprogram`` to edit a programme and re-issue its PDFs,
``view_certificateevent`` for the audit trail.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from certification.admin_views import BULK_RENDERS, CERTIFICATES, EVENTS, PROGRAMMES
from certification.viewsets.certificates import (
    CertificateEventIndexView,
    CertificateEventViewSet,
    CertificateFilterSet,
    CertificateIndexView,
    CertificateInspectView,
    CertificateViewSet,
    StateColumn,
    event_change,
)
from certification.viewsets.programmes import (
    BulkRenderIndexView,
    BulkRenderInspectView,
    BulkRenderViewSet,
    CertificationProgramViewSet,
)
from certification.viewsets.report import FORMULA_PREFIXES, CertificationReportView, report_urls


class CertificationViewSetGroup(ViewSetGroup):
    menu_label = _("Certification")
    menu_icon = "success"
    menu_order = 230
    items = (
        CertificationProgramViewSet(PROGRAMMES),
        CertificateViewSet(CERTIFICATES),
        CertificateEventViewSet(EVENTS),
        BulkRenderViewSet(BULK_RENDERS),
    )


__all__ = [
    "FORMULA_PREFIXES",
    "BulkRenderIndexView",
    "BulkRenderInspectView",
    "BulkRenderViewSet",
    "CertificateEventIndexView",
    "CertificateEventViewSet",
    "CertificateFilterSet",
    "CertificateIndexView",
    "CertificateInspectView",
    "CertificateViewSet",
    "CertificationProgramViewSet",
    "CertificationReportView",
    "CertificationViewSetGroup",
    "StateColumn",
    "event_change",
    "report_urls",
]
