"""The objects the role × URL matrix fills path parameters with, and the people who try them.

Built once per test module (``matrix_world``) inside a transaction that is rolled back when the
module ends; each test runs in a savepoint inside it, so a request that changes something is
undone before the next test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import wagtail_factories
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.models import Collection, GroupApprovalTask, Page, Site, Workflow

from advocacy_share.models import AdvocacySettings, DepartmentGoal, PauseLog, PointsEntry, ShareableContent
from certification import signing
from certification.models import BulkRender, CertificateEvent, ReminderBatch
from courses.models import CourseIndexPage, QuizPage
from courses.services.attempts import attempt_start
from lms.home.roles import roles_ensure
from lms.home.services import site_ensure
from policy import api as policy_api
from policy.models import PolicyVersion
from tests.factories.advocacy import CampaignFactory, ShareableContentFactory, ShareFactory, TrackedLinkFactory
from tests.factories.certification import CertificateFactory, CertificationProgramFactory, ProgramRequirementFactory
from tests.factories.courses import (
    QUESTION_FACTORIES,
    AssignmentFactory,
    CoursePageFactory,
    LessonPageFactory,
    QuestionCategoryFactory,
    QuizPageFactory,
)
from tests.factories.people import SuperuserFactory, UserFactory
from tests.factories.policy import (
    BlockedPhraseRuleFactory,
    DisclosureRuleFactory,
    EmbargoRuleFactory,
    LengthRuleFactory,
    LinkDomainRuleFactory,
    PolicyPageFactory,
)

# The smallest valid PNG (1 × 1), the certificate's preview image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

ROLES = ("anonymous", "learner", "advocate", "hr_editor", "advocacy_manager", "superuser")


@dataclass
class World:
    """``ids`` maps a name (``"certificate"``, ``"course_page"``…) to the value a path parameter
    takes; ``clients`` holds one signed-in client per role (anonymous: no session)."""

    ids: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)


def build_world() -> World:
    world = World()
    ids = world.ids
    home = site_ensure()
    roles = roles_ensure()
    catalogue = CourseIndexPage.objects.get()

    # people: a learner, a certified advocate (valid certificate of a programme that unlocks
    # advocacy, policy accepted), the two staff roles and a superuser
    learner = UserFactory(email="learner@example.com")
    advocate = UserFactory(email="advocate@example.com")
    hr_editor = UserFactory(email="hr@example.com", groups=[roles.hr_editors])
    manager = UserFactory(email="manager@example.com", groups=[roles.advocacy_managers])
    superuser = SuperuserFactory(email="admin@example.com")
    world.users = {
        "learner": learner,
        "advocate": advocate,
        "hr_editor": hr_editor,
        "advocacy_manager": manager,
        "superuser": superuser,
    }

    # the policy, accepted by the advocate
    policy_page = PolicyPageFactory(parent=home)
    roles_ensure()  # the HR editors' rights on the policy page, now that it exists
    policy_api.acknowledge_current(advocate, language="en")
    ids["policy_page"] = policy_page.pk
    ids["policy_url"] = policy_page.url
    ids["policy_version"] = PolicyVersion.objects.filter(page=policy_page).latest("pk").pk

    # training: a course with a lesson and a quiz, every question type, a category
    course = CoursePageFactory(parent=catalogue, title="Social media basics")
    lesson = LessonPageFactory(parent=course)
    bank = {type_key: factory() for type_key, factory in QUESTION_FACTORIES.items()}
    quiz = QuizPageFactory(parent=course, questions=[bank["single_choice"]])
    quiz = QuizPage.objects.get(pk=quiz.pk)
    category = QuestionCategoryFactory()
    ids.update(
        home_page=home.pk,
        catalogue_page=catalogue.pk,
        course_page=course.pk,
        lesson_page=lesson.pk,
        quiz_page=quiz.pk,
        course_url=course.url,
        lesson_url=lesson.url,
        quiz_url=quiz.url,
        catalogue_url=catalogue.url,
        question=bank["single_choice"].pk,
        single_choice_question=bank["single_choice"].pk,
        multiple_choice_question=bank["multiple_choice"].pk,
        true_false_question=bank["true_false"].pk,
        ordering_question=bank["ordering"].pk,
        post_scenario_question=bank["post_scenario"].pk,
        question_category=category.pk,
    )
    ids["assignment"] = AssignmentFactory(course=course, user=learner).pk

    # the learner's attempt in progress (nobody else may open it)
    ids["attempt"] = attempt_start(user=learner, quiz=quiz).public_id

    # certification: a programme requiring the course, the advocate's certificate, an event, a bulk render
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=True)
    ProgramRequirementFactory(program=program, courses=[course])
    certificate = CertificateFactory(program=program, user=advocate)
    certificate.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    certificate.og_image.save("matrix.png", ContentFile(PNG), save=False)
    certificate.save()
    revoked = CertificateFactory(program=program, user=learner, revoked=True)
    event = CertificateEvent.objects.create(certificate=certificate, action="issued", key="issued")
    ids.update(
        programme=program.pk,
        programme_slug=program.slug,
        certificate=certificate.pk,
        certificate_code=certificate.code,
        revoked_certificate=revoked.pk,
        certificate_event=event.pk,
        bulk_render=BulkRender.objects.create(program=program, total=1).pk,
        reminder_batch=ReminderBatch.objects.create(day=certificate.issued_at.date()).pk,
    )

    # advocacy: content, a campaign, the advocate's share and tracked link, points, the pause log
    campaign = CampaignFactory(slug="launch")
    content = ShareableContentFactory(campaign=campaign, url="https://acme.com/news/launch")
    suggestion = ShareableContentFactory(
        campaign=None, url="https://acme.com/news/idea", status=ShareableContent.Status.SUGGESTED, suggested_by=advocate
    )
    share = ShareFactory(user=advocate, content=content)
    link = TrackedLinkFactory(share=share)
    entry = PointsEntry.objects.create(user=advocate, kind="share", points=10, key="matrix:share", share=share)
    ids.update(
        shareable_content=content.pk,
        suggestion=suggestion.pk,
        campaign=campaign.pk,
        share=share.pk,
        tracked_link_code=link.code,
        points_entry=entry.pk,
        pause_log=PauseLog.objects.create(paused=False, reason="Back to normal").pk,
        advocacy_settings=AdvocacySettings.load().pk,
        goal=DepartmentGoal.objects.create(
            department=None, metric=DepartmentGoal.Metric.ACTIVE_ADVOCATES, target=10
        ).pk,
    )
    ids["public_key"] = signing.public_key_multibase()

    # policy rules
    ids.update(
        blocked_phrase_rule=BlockedPhraseRuleFactory().pk,
        embargo_rule=EmbargoRuleFactory().pk,
        disclosure_rule=DisclosureRuleFactory().pk,
        link_domain_rule=LinkDomainRuleFactory(domains="acme.com").pk,
        length_rule=LengthRuleFactory().pk,
    )

    # a sign-in lock-out
    ids["access_attempt"] = AccessAttempt.objects.create(
        username="someone@example.com", ip_address="203.0.113.9", failures_since_start=10, user_agent="test"
    ).pk

    # Wagtail's own objects
    image = wagtail_factories.ImageFactory()
    document = _document()
    ids.update(
        image=image.pk,
        image_file=image.file.name,
        document=document.pk,
        document_filename=document.filename,
        collection=Collection.get_first_root_node().add_child(name="HR only").pk,
        redirect=Redirect.objects.create(old_path="/old", redirect_link="https://acme.com/").pk,
        workflow=Workflow.objects.get_or_create(name="Moderators approval")[0].pk,
        task=GroupApprovalTask.objects.create(name="HR approval").pk,
        group=Group.objects.get(name=roles.hr_editors.name).pk,
        user=learner.pk,
        site=Site.objects.get(is_default_site=True).pk,
        root_page=Page.get_first_root_node().pk,
    )

    world.clients["anonymous"] = Client()
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        world.clients[role] = client
    return world


def _document() -> Document:
    document = Document(title="Handbook")
    document.file.save("handbook.pdf", ContentFile(b"%PDF-1.4 handbook"), save=False)
    document.save()
    return document
