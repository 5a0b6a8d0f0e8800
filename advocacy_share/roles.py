"""The admin rights the advocacy screens need, named ``app_label.codename`` for
``lms.home.roles`` (which grants them to the staff groups).

- **Advocacy managers** run the programme: the content library (add, change, delete, view; the
  suggested texts are edited inline with their content, so they need no right of their own),
  campaigns, the programme goals per department (add, change, delete, view), the moderation queue (a change of the content), the programme settings (a Wagtail
  setting: ``change_advocacysettings``), the crisis-switch audit (view only), and the points
  ledger: read it (``view_pointsentry``), reverse entries and adjust points (both add an entry:
  ``add_pointsentry``) and rebuild the totals from it (``change_pointstotal``); and the
  advocacy dashboard ``/advocacy/analytics/`` (``view_analytics``).
- **HR editors** may also manage content: add, change and view content and campaigns, no delete.
"""

from __future__ import annotations

ADVOCACY_MANAGER_PERMISSIONS = (
    "advocacy_share.add_shareablecontent",
    "advocacy_share.change_shareablecontent",
    "advocacy_share.delete_shareablecontent",
    "advocacy_share.view_shareablecontent",
    "advocacy_share.add_campaign",
    "advocacy_share.change_campaign",
    "advocacy_share.delete_campaign",
    "advocacy_share.view_campaign",
    "advocacy_share.add_departmentgoal",
    "advocacy_share.change_departmentgoal",
    "advocacy_share.delete_departmentgoal",
    "advocacy_share.view_departmentgoal",
    "advocacy_share.change_advocacysettings",
    "advocacy_share.view_pauselog",
    "advocacy_share.view_pointsentry",
    "advocacy_share.add_pointsentry",
    "advocacy_share.change_pointstotal",
    "advocacy_share.view_analytics",
)

HR_EDITOR_PERMISSIONS = (
    "advocacy_share.add_shareablecontent",
    "advocacy_share.change_shareablecontent",
    "advocacy_share.view_shareablecontent",
    "advocacy_share.add_campaign",
    "advocacy_share.change_campaign",
    "advocacy_share.view_campaign",
)


def advocacy_manager_permissions() -> list[str]:
    """The model permissions (``app_label.codename``) the Advocacy managers group needs."""
    return list(ADVOCACY_MANAGER_PERMISSIONS)


def hr_editor_permissions() -> list[str]:
    """The model permissions (``app_label.codename``) HR editors need here."""
    return list(HR_EDITOR_PERMISSIONS)
