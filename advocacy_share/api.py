"""The public surface of the advocacy layer: what ``lms`` may call."""

from advocacy_share.demo import demo_advocacy
from advocacy_share.roles import advocacy_manager_permissions, hr_editor_permissions

__all__ = [
    "advocacy_manager_permissions",
    "demo_advocacy",
    "hr_editor_permissions",
]
