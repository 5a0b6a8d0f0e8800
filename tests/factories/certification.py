"""Factories for the certification layer: programmes, requirements, completions, certificates.

``eligible_learner(course_index)`` builds the usual starting point of the certification
tests: an active programme with one required course, and a learner who completed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from certification.models import Certificate, CertificateEvent, CertificationProgram, ProgramRequirement
from courses.models import CoursePage, Enrollment
from tests.factories.courses import CoursePageFactory
from tests.factories.people import UserFactory

# Far above what ``_allocate_status_index`` hands out in a test, so that certificates made
# here never collide with certificates issued by the service.
STATUS_INDEX_OFFSET = 1_000_000


class CertificationProgramFactory(DjangoModelFactory):
    class Meta:
        model = CertificationProgram

    name = factory.Sequence(lambda n: f"Programme {n} (fr)")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    description = factory.Sequence(lambda n: f"Ce que le programme {n} certifie.")
    description_en = factory.Sequence(lambda n: f"What programme {n} certifies.")
    # The policy gate has tests of its own; by default a programme asks for courses only.
    requires_policy_acknowledgement = False
    validity_months = 12
    active = True


class ProgramRequirementFactory(DjangoModelFactory):
    """A requirement satisfied by any of ``courses=[...]``."""

    class Meta:
        model = ProgramRequirement
        skip_postgeneration_save = True

    program = factory.SubFactory(CertificationProgramFactory)
    title = factory.Sequence(lambda n: f"Requirement {n}")
    sort_order = factory.Sequence(int)

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        # A ParentalManyToManyField is written to the database when the instance is saved.
        if create and extracted:
            self.courses.set(extracted)
            self.save()


class CompletedEnrollmentFactory(DjangoModelFactory):
    """An enrolment completed ``completed_at`` (default: an hour ago)."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = None
    completed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class CertificateFactory(DjangoModelFactory):
    """A certificate as the service stores it (without the issue event or the PDF)."""

    class Meta:
        model = Certificate

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(CertificationProgramFactory)
    cycle = 1
    status = Certificate.Status.ISSUED
    holder_name = factory.LazyAttribute(lambda o: o.user.get_display_name())
    issued_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.issued_at + timedelta(days=365))
    status_list_index = factory.Sequence(lambda n: STATUS_INDEX_OFFSET + n)

    class Params:
        revoked = factory.Trait(
            status=Certificate.Status.REVOKED,
            revoked_at=factory.LazyFunction(timezone.now),
            revocation_reason="Attempt invalidated after review.",
        )


class CertificateEventFactory(DjangoModelFactory):
    class Meta:
        model = CertificateEvent

    certificate = factory.SubFactory(CertificateFactory)
    action = CertificateEvent.Action.ISSUED
    key = ""


@dataclass
class Learner:
    """A learner who completed the course required by an active programme."""

    user: object
    program: CertificationProgram
    course: CoursePage


def eligible_learner(course_index, *, user=None, **program_fields) -> Learner:
    """An active programme requiring one course (published under ``course_index``), and a
    learner with a completed enrolment in it."""
    course = CoursePageFactory(parent=course_index)
    program = CertificationProgramFactory(**program_fields)
    ProgramRequirementFactory(program=program, courses=[course])
    user = user or UserFactory()
    CompletedEnrollmentFactory(user=user, course=course)
    return Learner(user=user, program=program, course=course)
