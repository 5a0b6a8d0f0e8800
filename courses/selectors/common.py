"""What the reads of the courses layer share: who is reading."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, cast

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lms.people.models import User

# Pages may be read by visitors who are not signed in.
Visitor: TypeAlias = "User | AnonymousUser"


def signed_in(user: Visitor) -> User | None:
    """``user`` if signed in; a visitor who is not has no progress or attempts to read."""
    if getattr(user, "is_authenticated", False):
        return cast("User", user)
    return None
