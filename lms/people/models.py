"""The people every layer may reference: users (email login) and departments."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager):
    """Users sign in with their email address, in any case; there is no username."""

    use_in_migrations = True

    def get_by_natural_key(self, username):
        """The user whose email is ``username`` regardless of case (what ModelBackend signs in).

        ``LOWER`` on both sides: the same function as the case-insensitive unique constraint,
        whose index serves the lookup.
        """
        return self.alias(email_lower=Lower("email")).get(email_lower=Lower(Value(username)))

    def _create_user_object(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.password = ""  # replaced just below by a hash or an unusable password  # nosec B105
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def _create_user(self, email, password, **extra_fields):
        user = self._create_user_object(email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=120,
        blank=True,
        help_text=_("Shown on certificates and leaderboards. Defaults to first and last name."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    erased_at = models.DateTimeField(
        _("personal data erased on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when HR erased this former employee's personal data; the account stays as an anonymous row."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("erase_user", _("Can erase a former employee's personal data"))]
        constraints = [
            # Sign-in ignores case, so two accounts must not differ only by it.
            models.UniqueConstraint(
                Lower("email"),
                name="people_user_email_ci_unique",
                violation_error_code="unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_display_name()

    def clean(self) -> None:
        """Store emails lowercased, as ``UserManager.create_user`` does (admin forms call this)."""
        super().clean()
        self.email = self.email.lower()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@")[0]
