"""Role × URL matrix (TESTPLAN 34, 35, 37): anonymous, learner, certified advocate, HR editor,
advocacy manager and superuser against every URL the project serves.

The rule for which patterns need a row, applied to the resolver's patterns (walked from the root
URLconf, Wagtail's admin included):

- **Ours**: every pattern whose view is our code, or a Wagtail generic view that one of our
  viewsets built for one of our models (hooks ``register_admin_urls``/``register_admin_viewset``,
  snippets, choosers, reports, the user admin of ``lms.people``), and every route of our
  routable pages (``RoutablePageMixin``), served under Wagtail's page pattern. Each has a row in
  ``ROWS`` (or ``PAGE_ROUTES``): a concrete URL built from the objects of ``matrix_world`` and the
  answer each role gets.
- **Wagtail's own**: a representative set has rows (users, groups, sites, settings, collections,
  workflows, redirects, bulk actions, pages, documents, images, reports, sign-in pages); every
  other Wagtail pattern is named in ``WAGTAIL_NOT_CHECKED``, left to Wagtail's own permission
  tests. A pattern in neither list fails the coverage test with its name, so a new URL of ours,
  or of a Wagtail upgrade, is looked at before it ships.

Expected answers, one code per role in ``ROLES`` order (anonymous, learner, advocate, HR editor,
advocacy manager, superuser), as ``tests.lms.matrix_urls.outcome`` reads a response:
``o`` allowed (200, or a redirect to a page other than sign-in or the admin home), ``L`` refused:
redirect to sign-in (anonymous; or signed in without the admin right, whom Wagtail sends to its
sign-in page), ``H`` refused by Wagtail's "no permission" redirect to the admin home (on
``/admin/login/``: a signed-in editor is sent home), ``D`` refused: 403, ``N`` refused or hidden:
404; a number is that status (405: the method is not allowed).

POST-only endpoints (``method="POST"``): a role expected ``o`` must get 405 on GET (it is not
made to post); a role expected to be refused posts and must get that refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import get_page_models

from tests.lms.matrix_urls import is_ours, outcome, walk
from tests.lms.matrix_world import ROLES, build_world


@dataclass(frozen=True)
class R:
    """A row: the expected codes (space-separated, in ``ROLES`` order), the URL with
    ``{names}`` from ``World.ids``, and the method."""

    expect: str
    url: str
    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()


ROWS: dict[str, R] = {
    # --- ours ---------------------------------------------------------------------------
    "admin/courses/quiz/<int:quiz_id>/items/": R("L L L o H o", "/admin/courses/quiz/{quiz_page}/items/"),
    "admin/courses/quiz/<int:quiz_id>/try/": R("L L L o H o", "/admin/courses/quiz/{quiz_page}/try/"),
    "admin/questions/preview/<int:pk>/": R("L L L o H o", "/admin/questions/preview/{question}/"),
    "admin/questions/gift/import/": R("L L L o H o", "/admin/questions/gift/import/"),
    "admin/questions/gift/export/": R("L L L o H o", "/admin/questions/gift/export/"),
    "admin/reports/training/": R("L L L o H o", "/admin/reports/training/"),
    "admin/reports/training/results/": R("L L L o H o", "/admin/reports/training/results/"),
    "admin/reports/training/people/": R("L L L o H o", "/admin/reports/training/people/"),
    "admin/reports/training/people/results/": R("L L L o H o", "/admin/reports/training/people/results/"),
    "admin/reports/policy-acknowledgements/": R("L L L o H o", "/admin/reports/policy-acknowledgements/"),
    "admin/reports/policy-acknowledgements/results/": R(
        "L L L o H o", "/admin/reports/policy-acknowledgements/results/"
    ),
    "admin/reports/policy-acknowledgements/remind/": R("L L L o H o", "/admin/reports/policy-acknowledgements/remind/"),
    "admin/reports/certification/": R("L L L o H o", "/admin/reports/certification/"),
    "admin/reports/certification/results/": R("L L L o H o", "/admin/reports/certification/results/"),
    "admin/reports/certification/remind/": R("L L L o H o", "/admin/reports/certification/remind/?bucket=expired"),
    "admin/reports/certification/reminders/<int:pk>/": R(
        "L L L o H o", "/admin/reports/certification/reminders/{reminder_batch}/"
    ),
    "admin/sign-in-lockouts/": R("L L L o H o", "/admin/sign-in-lockouts/"),
    "admin/sign-in-lockouts/results/": R("L L L o H o", "/admin/sign-in-lockouts/results/"),
    "admin/sign-in-lockouts/unlock/<int:pk>/": R("L L L o H o", "/admin/sign-in-lockouts/unlock/{access_attempt}/"),
    "admin/questions/all/": R("L L L o H o", "/admin/questions/all/"),
    "admin/questions/all/results/": R("L L L o H o", "/admin/questions/all/results/"),
    "admin/questions/all/new/": R("L L L o H o", "/admin/questions/all/new/"),
    "admin/questions/all/edit/<int:pk>/": R("L L L o H o", "/admin/questions/all/edit/{question}/"),
    "admin/questions/all/delete/<int:pk>/": R("L L L o H o", "/admin/questions/all/delete/{question}/"),
    "admin/questions/all/history/<int:pk>/": R("L L L o H o", "/admin/questions/all/history/{question}/"),
    "admin/questions/all/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/questions/all/history-results/{question}/"
    ),
    "admin/questions/all/usage/<int:pk>/": R("L L L o H o", "/admin/questions/all/usage/{question}/"),
    "admin/questions/single-choice/": R("L L L o H o", "/admin/questions/single-choice/"),
    "admin/questions/single-choice/results/": R("L L L o H o", "/admin/questions/single-choice/results/"),
    "admin/questions/single-choice/new/": R("L L L o H o", "/admin/questions/single-choice/new/"),
    "admin/questions/single-choice/edit/<str:pk>/": R(
        "L L L o H o", "/admin/questions/single-choice/edit/{single_choice_question}/"
    ),
    "admin/questions/single-choice/delete/<str:pk>/": R(
        "L L L o H o", "/admin/questions/single-choice/delete/{single_choice_question}/"
    ),
    "admin/questions/single-choice/history/<str:pk>/": R(
        "L L L o H o", "/admin/questions/single-choice/history/{single_choice_question}/"
    ),
    "admin/questions/single-choice/history-results/<str:pk>/": R(
        "L L L o H o", "/admin/questions/single-choice/history-results/{single_choice_question}/"
    ),
    "admin/questions/single-choice/usage/<str:pk>/": R(
        "L L L o H o", "/admin/questions/single-choice/usage/{single_choice_question}/"
    ),
    "admin/questions/single-choice/copy/<str:pk>/": R(
        "L L L o H o", "/admin/questions/single-choice/copy/{single_choice_question}/"
    ),
    "admin/questions/multiple-choice/": R("L L L o H o", "/admin/questions/multiple-choice/"),
    "admin/questions/multiple-choice/results/": R("L L L o H o", "/admin/questions/multiple-choice/results/"),
    "admin/questions/multiple-choice/new/": R("L L L o H o", "/admin/questions/multiple-choice/new/"),
    "admin/questions/multiple-choice/edit/<str:pk>/": R(
        "L L L o H o", "/admin/questions/multiple-choice/edit/{multiple_choice_question}/"
    ),
    "admin/questions/multiple-choice/delete/<str:pk>/": R(
        "L L L o H o", "/admin/questions/multiple-choice/delete/{multiple_choice_question}/"
    ),
    "admin/questions/multiple-choice/history/<str:pk>/": R(
        "L L L o H o", "/admin/questions/multiple-choice/history/{multiple_choice_question}/"
    ),
    "admin/questions/multiple-choice/history-results/<str:pk>/": R(
        "L L L o H o", "/admin/questions/multiple-choice/history-results/{multiple_choice_question}/"
    ),
    "admin/questions/multiple-choice/usage/<str:pk>/": R(
        "L L L o H o", "/admin/questions/multiple-choice/usage/{multiple_choice_question}/"
    ),
    "admin/questions/multiple-choice/copy/<str:pk>/": R(
        "L L L o H o", "/admin/questions/multiple-choice/copy/{multiple_choice_question}/"
    ),
    "admin/questions/true-false/": R("L L L o H o", "/admin/questions/true-false/"),
    "admin/questions/true-false/results/": R("L L L o H o", "/admin/questions/true-false/results/"),
    "admin/questions/true-false/new/": R("L L L o H o", "/admin/questions/true-false/new/"),
    "admin/questions/true-false/edit/<str:pk>/": R(
        "L L L o H o", "/admin/questions/true-false/edit/{true_false_question}/"
    ),
    "admin/questions/true-false/delete/<str:pk>/": R(
        "L L L o H o", "/admin/questions/true-false/delete/{true_false_question}/"
    ),
    "admin/questions/true-false/history/<str:pk>/": R(
        "L L L o H o", "/admin/questions/true-false/history/{true_false_question}/"
    ),
    "admin/questions/true-false/history-results/<str:pk>/": R(
        "L L L o H o", "/admin/questions/true-false/history-results/{true_false_question}/"
    ),
    "admin/questions/true-false/usage/<str:pk>/": R(
        "L L L o H o", "/admin/questions/true-false/usage/{true_false_question}/"
    ),
    "admin/questions/true-false/copy/<str:pk>/": R(
        "L L L o H o", "/admin/questions/true-false/copy/{true_false_question}/"
    ),
    "admin/questions/ordering/": R("L L L o H o", "/admin/questions/ordering/"),
    "admin/questions/ordering/results/": R("L L L o H o", "/admin/questions/ordering/results/"),
    "admin/questions/ordering/new/": R("L L L o H o", "/admin/questions/ordering/new/"),
    "admin/questions/ordering/edit/<str:pk>/": R("L L L o H o", "/admin/questions/ordering/edit/{ordering_question}/"),
    "admin/questions/ordering/delete/<str:pk>/": R(
        "L L L o H o", "/admin/questions/ordering/delete/{ordering_question}/"
    ),
    "admin/questions/ordering/history/<str:pk>/": R(
        "L L L o H o", "/admin/questions/ordering/history/{ordering_question}/"
    ),
    "admin/questions/ordering/history-results/<str:pk>/": R(
        "L L L o H o", "/admin/questions/ordering/history-results/{ordering_question}/"
    ),
    "admin/questions/ordering/usage/<str:pk>/": R(
        "L L L o H o", "/admin/questions/ordering/usage/{ordering_question}/"
    ),
    "admin/questions/ordering/copy/<str:pk>/": R("L L L o H o", "/admin/questions/ordering/copy/{ordering_question}/"),
    "admin/questions/post-scenario/": R("L L L o H o", "/admin/questions/post-scenario/"),
    "admin/questions/post-scenario/results/": R("L L L o H o", "/admin/questions/post-scenario/results/"),
    "admin/questions/post-scenario/new/": R("L L L o H o", "/admin/questions/post-scenario/new/"),
    "admin/questions/post-scenario/edit/<str:pk>/": R(
        "L L L o H o", "/admin/questions/post-scenario/edit/{post_scenario_question}/"
    ),
    "admin/questions/post-scenario/delete/<str:pk>/": R(
        "L L L o H o", "/admin/questions/post-scenario/delete/{post_scenario_question}/"
    ),
    "admin/questions/post-scenario/history/<str:pk>/": R(
        "L L L o H o", "/admin/questions/post-scenario/history/{post_scenario_question}/"
    ),
    "admin/questions/post-scenario/history-results/<str:pk>/": R(
        "L L L o H o", "/admin/questions/post-scenario/history-results/{post_scenario_question}/"
    ),
    "admin/questions/post-scenario/usage/<str:pk>/": R(
        "L L L o H o", "/admin/questions/post-scenario/usage/{post_scenario_question}/"
    ),
    "admin/questions/post-scenario/copy/<str:pk>/": R(
        "L L L o H o", "/admin/questions/post-scenario/copy/{post_scenario_question}/"
    ),
    "admin/questions/categories/": R("L L L o H o", "/admin/questions/categories/"),
    "admin/questions/categories/results/": R("L L L o H o", "/admin/questions/categories/results/"),
    "admin/questions/categories/new/": R("L L L o H o", "/admin/questions/categories/new/"),
    "admin/questions/categories/edit/<int:pk>/": R(
        "L L L o H o", "/admin/questions/categories/edit/{question_category}/"
    ),
    "admin/questions/categories/delete/<int:pk>/": R(
        "L L L o H o", "/admin/questions/categories/delete/{question_category}/"
    ),
    "admin/questions/categories/history/<int:pk>/": R(
        "L L L o H o", "/admin/questions/categories/history/{question_category}/"
    ),
    "admin/questions/categories/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/questions/categories/history-results/{question_category}/"
    ),
    "admin/questions/categories/usage/<int:pk>/": R(
        "L L L o H o", "/admin/questions/categories/usage/{question_category}/"
    ),
    "admin/questions/categories/copy/<int:pk>/": R(
        "L L L o H o", "/admin/questions/categories/copy/{question_category}/"
    ),
    "admin/questions/chooser/": R("L L L o H o", "/admin/questions/chooser/"),
    "admin/questions/chooser/results/": R("L L L o H o", "/admin/questions/chooser/results/"),
    "admin/questions/chooser/chosen/<str:pk>/": R("L L L o H o", "/admin/questions/chooser/chosen/{question}/"),
    "admin/questions/chooser/chosen-multiple/": R("L L L o H o", "/admin/questions/chooser/chosen-multiple/"),
    "admin/questions/chooser/create/": R("L L L o H o", "/admin/questions/chooser/create/"),
    "admin/courses/assignments/": R("L L L o H o", "/admin/courses/assignments/"),
    "admin/courses/assignments/results/": R("L L L o H o", "/admin/courses/assignments/results/"),
    "admin/courses/assignments/new/": R("L L L o H o", "/admin/courses/assignments/new/"),
    "admin/courses/assignments/edit/<int:pk>/": R("L L L o H o", "/admin/courses/assignments/edit/{assignment}/"),
    "admin/courses/assignments/delete/<int:pk>/": R("L L L o H o", "/admin/courses/assignments/delete/{assignment}/"),
    "admin/courses/assignments/history/<int:pk>/": R("L L L o H o", "/admin/courses/assignments/history/{assignment}/"),
    "admin/courses/assignments/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/courses/assignments/history-results/{assignment}/"
    ),
    "admin/courses/assignments/usage/<int:pk>/": R("L L L o H o", "/admin/courses/assignments/usage/{assignment}/"),
    "admin/guardrails/blocked-phrases/": R("L L L o H o", "/admin/guardrails/blocked-phrases/"),
    "admin/guardrails/blocked-phrases/results/": R("L L L o H o", "/admin/guardrails/blocked-phrases/results/"),
    "admin/guardrails/blocked-phrases/add/": R("L L L o H o", "/admin/guardrails/blocked-phrases/add/"),
    "admin/guardrails/blocked-phrases/edit/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/blocked-phrases/edit/{blocked_phrase_rule}/"
    ),
    "admin/guardrails/blocked-phrases/delete/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/blocked-phrases/delete/{blocked_phrase_rule}/"
    ),
    "admin/guardrails/blocked-phrases/usage/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/blocked-phrases/usage/{blocked_phrase_rule}/"
    ),
    "admin/guardrails/blocked-phrases/history/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/blocked-phrases/history/{blocked_phrase_rule}/"
    ),
    "admin/guardrails/blocked-phrases/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/blocked-phrases/history-results/{blocked_phrase_rule}/"
    ),
    "admin/guardrails/blocked-phrases/copy/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/blocked-phrases/copy/{blocked_phrase_rule}/"
    ),
    "admin/snippets/choose/policy/blockedphraserule/": R(
        "L L L o H o", "/admin/snippets/choose/policy/blockedphraserule/"
    ),
    "admin/snippets/choose/policy/blockedphraserule/results/": R(
        "L L L o H o", "/admin/snippets/choose/policy/blockedphraserule/results/"
    ),
    "admin/snippets/choose/policy/blockedphraserule/chosen/<str:pk>/": R(
        "L L L o H o", "/admin/snippets/choose/policy/blockedphraserule/chosen/{blocked_phrase_rule}/"
    ),
    "admin/snippets/choose/policy/blockedphraserule/chosen-multiple/": R(
        "L L L o H o", "/admin/snippets/choose/policy/blockedphraserule/chosen-multiple/"
    ),
    "admin/snippets/choose/policy/blockedphraserule/create/": R(
        "L L L o H o", "/admin/snippets/choose/policy/blockedphraserule/create/"
    ),
    "admin/guardrails/embargoes/": R("L L L o H o", "/admin/guardrails/embargoes/"),
    "admin/guardrails/embargoes/results/": R("L L L o H o", "/admin/guardrails/embargoes/results/"),
    "admin/guardrails/embargoes/add/": R("L L L o H o", "/admin/guardrails/embargoes/add/"),
    "admin/guardrails/embargoes/edit/<int:pk>/": R("L L L o H o", "/admin/guardrails/embargoes/edit/{embargo_rule}/"),
    "admin/guardrails/embargoes/delete/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/embargoes/delete/{embargo_rule}/"
    ),
    "admin/guardrails/embargoes/usage/<int:pk>/": R("L L L o H o", "/admin/guardrails/embargoes/usage/{embargo_rule}/"),
    "admin/guardrails/embargoes/history/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/embargoes/history/{embargo_rule}/"
    ),
    "admin/guardrails/embargoes/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/embargoes/history-results/{embargo_rule}/"
    ),
    "admin/guardrails/embargoes/copy/<int:pk>/": R("L L L o H o", "/admin/guardrails/embargoes/copy/{embargo_rule}/"),
    "admin/snippets/choose/policy/embargorule/": R("L L L o H o", "/admin/snippets/choose/policy/embargorule/"),
    "admin/snippets/choose/policy/embargorule/results/": R(
        "L L L o H o", "/admin/snippets/choose/policy/embargorule/results/"
    ),
    "admin/snippets/choose/policy/embargorule/chosen/<str:pk>/": R(
        "L L L o H o", "/admin/snippets/choose/policy/embargorule/chosen/{embargo_rule}/"
    ),
    "admin/snippets/choose/policy/embargorule/chosen-multiple/": R(
        "L L L o H o", "/admin/snippets/choose/policy/embargorule/chosen-multiple/"
    ),
    "admin/snippets/choose/policy/embargorule/create/": R(
        "L L L o H o", "/admin/snippets/choose/policy/embargorule/create/"
    ),
    "admin/guardrails/disclosures/": R("L L L o H o", "/admin/guardrails/disclosures/"),
    "admin/guardrails/disclosures/results/": R("L L L o H o", "/admin/guardrails/disclosures/results/"),
    "admin/guardrails/disclosures/add/": R("L L L o H o", "/admin/guardrails/disclosures/add/"),
    "admin/guardrails/disclosures/edit/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/disclosures/edit/{disclosure_rule}/"
    ),
    "admin/guardrails/disclosures/delete/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/disclosures/delete/{disclosure_rule}/"
    ),
    "admin/guardrails/disclosures/usage/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/disclosures/usage/{disclosure_rule}/"
    ),
    "admin/guardrails/disclosures/history/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/disclosures/history/{disclosure_rule}/"
    ),
    "admin/guardrails/disclosures/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/disclosures/history-results/{disclosure_rule}/"
    ),
    "admin/guardrails/disclosures/copy/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/disclosures/copy/{disclosure_rule}/"
    ),
    "admin/snippets/choose/policy/disclosurerule/": R("L L L o H o", "/admin/snippets/choose/policy/disclosurerule/"),
    "admin/snippets/choose/policy/disclosurerule/results/": R(
        "L L L o H o", "/admin/snippets/choose/policy/disclosurerule/results/"
    ),
    "admin/snippets/choose/policy/disclosurerule/chosen/<str:pk>/": R(
        "L L L o H o", "/admin/snippets/choose/policy/disclosurerule/chosen/{disclosure_rule}/"
    ),
    "admin/snippets/choose/policy/disclosurerule/chosen-multiple/": R(
        "L L L o H o", "/admin/snippets/choose/policy/disclosurerule/chosen-multiple/"
    ),
    "admin/snippets/choose/policy/disclosurerule/create/": R(
        "L L L o H o", "/admin/snippets/choose/policy/disclosurerule/create/"
    ),
    "admin/guardrails/link-domains/": R("L L L o H o", "/admin/guardrails/link-domains/"),
    "admin/guardrails/link-domains/results/": R("L L L o H o", "/admin/guardrails/link-domains/results/"),
    "admin/guardrails/link-domains/add/": R("L L L o H o", "/admin/guardrails/link-domains/add/"),
    "admin/guardrails/link-domains/edit/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/link-domains/edit/{link_domain_rule}/"
    ),
    "admin/guardrails/link-domains/delete/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/link-domains/delete/{link_domain_rule}/"
    ),
    "admin/guardrails/link-domains/usage/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/link-domains/usage/{link_domain_rule}/"
    ),
    "admin/guardrails/link-domains/history/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/link-domains/history/{link_domain_rule}/"
    ),
    "admin/guardrails/link-domains/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/link-domains/history-results/{link_domain_rule}/"
    ),
    "admin/guardrails/link-domains/copy/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/link-domains/copy/{link_domain_rule}/"
    ),
    "admin/snippets/choose/policy/linkdomainrule/": R("L L L o H o", "/admin/snippets/choose/policy/linkdomainrule/"),
    "admin/snippets/choose/policy/linkdomainrule/results/": R(
        "L L L o H o", "/admin/snippets/choose/policy/linkdomainrule/results/"
    ),
    "admin/snippets/choose/policy/linkdomainrule/chosen/<str:pk>/": R(
        "L L L o H o", "/admin/snippets/choose/policy/linkdomainrule/chosen/{link_domain_rule}/"
    ),
    "admin/snippets/choose/policy/linkdomainrule/chosen-multiple/": R(
        "L L L o H o", "/admin/snippets/choose/policy/linkdomainrule/chosen-multiple/"
    ),
    "admin/snippets/choose/policy/linkdomainrule/create/": R(
        "L L L o H o", "/admin/snippets/choose/policy/linkdomainrule/create/"
    ),
    "admin/guardrails/lengths/": R("L L L o H o", "/admin/guardrails/lengths/"),
    "admin/guardrails/lengths/results/": R("L L L o H o", "/admin/guardrails/lengths/results/"),
    "admin/guardrails/lengths/add/": R("L L L o H o", "/admin/guardrails/lengths/add/"),
    "admin/guardrails/lengths/edit/<int:pk>/": R("L L L o H o", "/admin/guardrails/lengths/edit/{length_rule}/"),
    "admin/guardrails/lengths/delete/<int:pk>/": R("L L L o H o", "/admin/guardrails/lengths/delete/{length_rule}/"),
    "admin/guardrails/lengths/usage/<int:pk>/": R("L L L o H o", "/admin/guardrails/lengths/usage/{length_rule}/"),
    "admin/guardrails/lengths/history/<int:pk>/": R("L L L o H o", "/admin/guardrails/lengths/history/{length_rule}/"),
    "admin/guardrails/lengths/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/guardrails/lengths/history-results/{length_rule}/"
    ),
    "admin/guardrails/lengths/copy/<int:pk>/": R("L L L o H o", "/admin/guardrails/lengths/copy/{length_rule}/"),
    "admin/snippets/choose/policy/lengthrule/": R("L L L o H o", "/admin/snippets/choose/policy/lengthrule/"),
    "admin/snippets/choose/policy/lengthrule/results/": R(
        "L L L o H o", "/admin/snippets/choose/policy/lengthrule/results/"
    ),
    "admin/snippets/choose/policy/lengthrule/chosen/<str:pk>/": R(
        "L L L o H o", "/admin/snippets/choose/policy/lengthrule/chosen/{length_rule}/"
    ),
    "admin/snippets/choose/policy/lengthrule/chosen-multiple/": R(
        "L L L o H o", "/admin/snippets/choose/policy/lengthrule/chosen-multiple/"
    ),
    "admin/snippets/choose/policy/lengthrule/create/": R(
        "L L L o H o", "/admin/snippets/choose/policy/lengthrule/create/"
    ),
    "admin/policy/versions/": R("L L L o H o", "/admin/policy/versions/"),
    "admin/policy/versions/results/": R("L L L o H o", "/admin/policy/versions/results/"),
    "admin/policy/versions/inspect/<int:pk>/": R("L L L o H o", "/admin/policy/versions/inspect/{policy_version}/"),
    "admin/certification/programmes/": R("L L L o H o", "/admin/certification/programmes/"),
    "admin/certification/programmes/results/": R("L L L o H o", "/admin/certification/programmes/results/"),
    "admin/certification/programmes/new/": R("L L L o H o", "/admin/certification/programmes/new/"),
    "admin/certification/programmes/edit/<int:pk>/": R(
        "L L L o H o", "/admin/certification/programmes/edit/{programme}/"
    ),
    "admin/certification/programmes/history/<int:pk>/": R(
        "L L L o H o", "/admin/certification/programmes/history/{programme}/"
    ),
    "admin/certification/programmes/history-results/<int:pk>/": R(
        "L L L o H o", "/admin/certification/programmes/history-results/{programme}/"
    ),
    "admin/certification/programmes/usage/<int:pk>/": R(
        "L L L o H o", "/admin/certification/programmes/usage/{programme}/"
    ),
    "admin/certification/programmes/reissue/<int:pk>/": R(
        "L L L o H o", "/admin/certification/programmes/reissue/{programme}/"
    ),
    "admin/certification/programmes/assign/<int:pk>/": R(
        "L L L o H o", "/admin/certification/programmes/assign/{programme}/"
    ),
    "admin/certification/certificates/": R("L L L o H o", "/admin/certification/certificates/"),
    "admin/certification/certificates/results/": R("L L L o H o", "/admin/certification/certificates/results/"),
    "admin/certification/certificates/inspect/<int:pk>/": R(
        "L L L o H o", "/admin/certification/certificates/inspect/{certificate}/"
    ),
    "admin/certification/certificates/revoke/<int:pk>/": R(
        "L L L o H o", "/admin/certification/certificates/revoke/{certificate}/"
    ),
    "admin/certification/certificates/reinstate/<int:pk>/": R(
        "L L L o H o", "/admin/certification/certificates/reinstate/{revoked_certificate}/"
    ),
    "admin/certification/events/": R("L L L o H o", "/admin/certification/events/"),
    "admin/certification/events/results/": R("L L L o H o", "/admin/certification/events/results/"),
    "admin/certification/events/inspect/<int:pk>/": R(
        "L L L o H o", "/admin/certification/events/inspect/{certificate_event}/"
    ),
    "admin/certification/bulk-renders/": R("L L L o H o", "/admin/certification/bulk-renders/"),
    "admin/certification/bulk-renders/results/": R("L L L o H o", "/admin/certification/bulk-renders/results/"),
    "admin/certification/bulk-renders/inspect/<int:pk>/": R(
        "L L L o H o", "/admin/certification/bulk-renders/inspect/{bulk_render}/"
    ),
    "admin/advocacy/content/": R("L L L o o o", "/admin/advocacy/content/"),
    "admin/advocacy/content/results/": R("L L L o o o", "/admin/advocacy/content/results/"),
    "admin/advocacy/content/add/": R("L L L o o o", "/admin/advocacy/content/add/"),
    "admin/advocacy/content/edit/<int:pk>/": R("L L L o o o", "/admin/advocacy/content/edit/{shareable_content}/"),
    "admin/advocacy/content/delete/<int:pk>/": R("L L L H o o", "/admin/advocacy/content/delete/{shareable_content}/"),
    "admin/advocacy/content/usage/<int:pk>/": R("L L L o o o", "/admin/advocacy/content/usage/{shareable_content}/"),
    "admin/advocacy/content/history/<int:pk>/": R(
        "L L L o o o", "/admin/advocacy/content/history/{shareable_content}/"
    ),
    "admin/advocacy/content/history-results/<int:pk>/": R(
        "L L L o o o", "/admin/advocacy/content/history-results/{shareable_content}/"
    ),
    "admin/advocacy/content/copy/<int:pk>/": R("L L L o o o", "/admin/advocacy/content/copy/{shareable_content}/"),
    "admin/advocacy/content/moderation/": R("L L L o o o", "/admin/advocacy/content/moderation/"),
    "admin/advocacy/content/moderate/<int:pk>/": R(
        "L L L o o o", "/admin/advocacy/content/moderate/{suggestion}/", method="POST"
    ),
    "admin/snippets/choose/advocacy_share/shareablecontent/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/shareablecontent/"
    ),
    "admin/snippets/choose/advocacy_share/shareablecontent/results/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/shareablecontent/results/"
    ),
    "admin/snippets/choose/advocacy_share/shareablecontent/chosen/<str:pk>/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/shareablecontent/chosen/{shareable_content}/"
    ),
    "admin/snippets/choose/advocacy_share/shareablecontent/chosen-multiple/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/shareablecontent/chosen-multiple/"
    ),
    "admin/snippets/choose/advocacy_share/shareablecontent/create/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/shareablecontent/create/"
    ),
    "admin/advocacy/campaigns/": R("L L L o o o", "/admin/advocacy/campaigns/"),
    "admin/advocacy/campaigns/results/": R("L L L o o o", "/admin/advocacy/campaigns/results/"),
    "admin/advocacy/campaigns/add/": R("L L L o o o", "/admin/advocacy/campaigns/add/"),
    "admin/advocacy/campaigns/edit/<int:pk>/": R("L L L o o o", "/admin/advocacy/campaigns/edit/{campaign}/"),
    "admin/advocacy/campaigns/delete/<int:pk>/": R("L L L H o o", "/admin/advocacy/campaigns/delete/{campaign}/"),
    "admin/advocacy/campaigns/usage/<int:pk>/": R("L L L o o o", "/admin/advocacy/campaigns/usage/{campaign}/"),
    "admin/advocacy/campaigns/history/<int:pk>/": R("L L L o o o", "/admin/advocacy/campaigns/history/{campaign}/"),
    "admin/advocacy/campaigns/history-results/<int:pk>/": R(
        "L L L o o o", "/admin/advocacy/campaigns/history-results/{campaign}/"
    ),
    "admin/advocacy/campaigns/copy/<int:pk>/": R("L L L o o o", "/admin/advocacy/campaigns/copy/{campaign}/"),
    "admin/snippets/choose/advocacy_share/campaign/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/campaign/"
    ),
    "admin/snippets/choose/advocacy_share/campaign/results/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/campaign/results/"
    ),
    "admin/snippets/choose/advocacy_share/campaign/chosen/<str:pk>/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/campaign/chosen/{campaign}/"
    ),
    "admin/snippets/choose/advocacy_share/campaign/chosen-multiple/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/campaign/chosen-multiple/"
    ),
    "admin/snippets/choose/advocacy_share/campaign/create/": R(
        "L L L o o o", "/admin/snippets/choose/advocacy_share/campaign/create/"
    ),
    "admin/advocacy/pauses/": R("L L L H o o", "/admin/advocacy/pauses/"),
    "admin/advocacy/pauses/results/": R("L L L H o o", "/admin/advocacy/pauses/results/"),
    "admin/advocacy/points/": R("L L L H o o", "/admin/advocacy/points/"),
    "admin/advocacy/points/results/": R("L L L H o o", "/admin/advocacy/points/results/"),
    "admin/advocacy/points/reverse/<int:pk>/": R("L L L H o o", "/admin/advocacy/points/reverse/{points_entry}/"),
    "admin/advocacy/points/adjust/": R("L L L H o o", "/admin/advocacy/points/adjust/"),
    "admin/advocacy/points/recompute/": R("L L L H o o", "/admin/advocacy/points/recompute/"),
    "admin/advocacy/points/people/": R("L L L H o o", "/admin/advocacy/points/people/"),
    "admin/advocacy/points/people/results/": R("L L L H o o", "/admin/advocacy/points/people/results/"),
    "admin/advocacy/points/people/chosen/<str:pk>/": R("L L L H o o", "/admin/advocacy/points/people/chosen/{user}/"),
    "admin/advocacy/points/people/chosen-multiple/": R("L L L H o o", "/admin/advocacy/points/people/chosen-multiple/"),
    "admin/users/": R("L L L H H o", "/admin/users/"),
    "admin/users/results/": R("L L L H H o", "/admin/users/results/"),
    "admin/users/new/": R("L L L H H o", "/admin/users/new/"),
    "admin/users/edit/<int:pk>/": R("L L L H H o", "/admin/users/edit/{user}/"),
    "admin/users/delete/<int:pk>/": R("L L L H H o", "/admin/users/delete/{user}/"),
    "admin/users/history/<int:pk>/": R("L L L H H o", "/admin/users/history/{user}/"),
    "admin/users/history-results/<int:pk>/": R("L L L H H o", "/admin/users/history-results/{user}/"),
    "admin/users/usage/<int:pk>/": R("L L L H H o", "/admin/users/usage/{user}/"),
    "admin/users/copy/<int:pk>/": R("L L L H H o", "/admin/users/copy/{user}/"),
    "certificates/issuer.json": R("o o o o o o", "/certificates/issuer.json"),
    "certificates/issuer-key.json": R("o o o o o o", "/certificates/issuer-key.json"),
    "certificates/status/1.json": R("o o o o o o", "/certificates/status/1.json"),
    "certificates/programs/<str:slug>": R("o o o o o o", "/certificates/programs/{programme_slug}"),
    "certificates/<str:code>/": R("o o o o o o", "/certificates/{certificate_code}/"),
    "certificates/<str:code>/pdf/": R("o o o o o o", "/certificates/{certificate_code}/pdf/"),
    "certificates/<str:code>/og.png": R("o o o o o o", "/certificates/{certificate_code}/og.png"),
    "certificates/<str:code>/credential.json": R("o o o o o o", "/certificates/{certificate_code}/credential.json"),
    "advocacy/suggest/": R("L D o D D D", "/advocacy/suggest/"),
    "advocacy/leaderboard/": R("L D o D D D", "/advocacy/leaderboard/"),
    "advocacy/": R("L D o D D D", "/advocacy/"),
    "advocacy/analytics/": R("L D D D o o", "/advocacy/analytics/"),
    "advocacy/compose/": R("L D o D D D", "/advocacy/compose/"),
    "advocacy/compose/<int:content_id>/": R("L D o D D D", "/advocacy/compose/{shareable_content}/"),
    "advocacy/check/": R("L D o D D D", "/advocacy/check/", method="POST"),
    "advocacy/^shares/(?P<ids>\\d+(?:,\\d+){0,2})/$": R("L D o D D D", "/advocacy/shares/{share}/"),
    "me/": R("L o o o o o", "/me/"),
    "me/data/": R("L o o o o o", "/me/data/"),
    "admin/people/erase/": R("L L L o H o", "/admin/people/erase/"),
    "certificates/keys/<str:public_key>.json": R("o o o o o o", "/certificates/keys/{public_key}.json"),
    "admin/advocacy/goals/": R("L L L H o o", "/admin/advocacy/goals/"),
    "admin/advocacy/goals/results/": R("L L L H o o", "/admin/advocacy/goals/results/"),
    "admin/advocacy/goals/new/": R("L L L H o o", "/admin/advocacy/goals/new/"),
    "admin/advocacy/goals/edit/<int:pk>/": R("L L L H o o", "/admin/advocacy/goals/edit/{goal}/"),
    "admin/advocacy/goals/delete/<int:pk>/": R("L L L H o o", "/admin/advocacy/goals/delete/{goal}/"),
    "admin/advocacy/goals/usage/<int:pk>/": R("L L L H o o", "/admin/advocacy/goals/usage/{goal}/"),
    "admin/advocacy/goals/history/<int:pk>/": R("L L L H o o", "/admin/advocacy/goals/history/{goal}/"),
    "admin/advocacy/goals/history-results/<int:pk>/": R("L L L H o o", "/admin/advocacy/goals/history-results/{goal}/"),
    "me/language/": R("o o o o o o", "/me/language/", method="POST"),
    "me/advocacy/": R("L o o o o o", "/me/advocacy/", method="POST"),
    "healthz": R("o o o o o o", "/healthz"),
    # Public to every role alike; 503 here because no Celery worker runs in this test, so the
    # readiness check sees no worker heartbeat (tests/lms/test_health.py covers readiness).
    "readyz": R("503 503 503 503 503 503", "/readyz"),
    "s/<str:code>": R("o o o o o o", "/s/{tracked_link_code}"),
    "^media/(?P<path>.+)$": R("o o o o o o", "/media/{image_file}"),
    # --- Wagtail's own: the representative set -------------------------------------------
    "admin/": R("L L L o o o", "/admin/"),
    "admin/pages/": R("L L L o H o", "/admin/pages/"),
    "admin/pages/<int:parent_page_id>/": R("L L L o H o", "/admin/pages/{course_page}/"),
    "admin/pages/<int:page_id>/edit/": R("L L L o H o", "/admin/pages/{course_page}/edit/"),
    "admin/pages/<int:parent_page_id>/add_subpage/": R("L L L o H o", "/admin/pages/{course_page}/add_subpage/"),
    "admin/pages/<int:page_id>/delete/": R("L L L H H o", "/admin/pages/{course_page}/delete/"),
    "admin/pages/<int:page_id>/unpublish/": R("L L L o H o", "/admin/pages/{course_page}/unpublish/"),
    "admin/pages/<int:page_id>/privacy/": R("L L L o H o", "/admin/pages/{course_page}/privacy/"),
    "admin/pages/<int:page_id>/lock/": R("L L L o H o", "/admin/pages/{course_page}/lock/", method="POST"),
    "admin/pages/<int:page_id>/history/": R("L L L o H o", "/admin/pages/{course_page}/history/"),
    "admin/pages/<int:page_to_move_id>/move/": R("L L L o H o", "/admin/pages/{lesson_page}/move/"),
    "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/": R(
        "L L L H H o", "/admin/bulk/people/user/delete/?id={user}"
    ),
    "admin/collections/": R("L L L H H o", "/admin/collections/"),
    "admin/collections/<int:pk>/": R("L L L H H o", "/admin/collections/{collection}/"),
    "admin/collections/<int:collection_id>/privacy/": R("L L L H H o", "/admin/collections/{collection}/privacy/"),
    "admin/workflows/list/": R("L L L H H o", "/admin/workflows/list/"),
    "admin/workflows/edit/<int:pk>/": R("L L L H H o", "/admin/workflows/edit/{workflow}/"),
    "admin/workflows/tasks/index/": R("L L L H H o", "/admin/workflows/tasks/index/"),
    "admin/reports/site-history/": R("L L L o o o", "/admin/reports/site-history/"),
    "admin/reports/locked/": R("L L L o H o", "/admin/reports/locked/"),
    "admin/redirects/": R("L L L H H o", "/admin/redirects/"),
    "admin/redirects/<int:redirect_id>/": R("L L L H H o", "/admin/redirects/{redirect}/"),
    # redirects to the edit URL below (the right is checked there)
    "admin/settings/<slug:app_name>/<slug:model_name>/": R(
        "L L L o o o", "/admin/settings/advocacy_share/advocacysettings/"
    ),
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/": R(
        "L L L H o o", "/admin/settings/advocacy_share/advocacysettings/{advocacy_settings}/"
    ),
    "admin/documents/": R("L L L o H o", "/admin/documents/"),
    "admin/documents/edit/<int:document_id>/": R("L L L o H o", "/admin/documents/edit/{document}/"),
    "admin/images/": R("L L L o o o", "/admin/images/"),
    "admin/images/<int:image_id>/": R("L L L H H o", "/admin/images/{image}/"),
    "admin/sites/": R("L L L H H o", "/admin/sites/"),
    "admin/sites/edit/<int:pk>/": R("L L L H H o", "/admin/sites/edit/{site}/"),
    "admin/groups/": R("L L L H H o", "/admin/groups/"),
    "admin/groups/edit/<int:pk>/": R("L L L H H o", "/admin/groups/edit/{group}/"),
    "admin/account/": R("L L L o o o", "/admin/account/"),
    "admin/login/": R("o o o H H H", "/admin/login/"),
    "admin/api/main/^pages/": R("L L L o o o", "/admin/api/main/pages/"),
    "admin/forms/": R("L L L o H o", "/admin/forms/"),
    "documents/^(\\d+)/(.*)$": R("o o o o o o", "/documents/{document}/{document_filename}"),
    "accounts/login/": R("o o o o o o", "/accounts/login/"),
    "accounts/logout/": R("o o o o o o", "/accounts/logout/", method="POST"),
    "^((?:[\\w\\-]+/)*)$": R("o o o o o o", "/"),
}

# Wagtail's own patterns left to Wagtail's permission tests (see the module docstring).
WAGTAIL_NOT_CHECKED = frozenset(
    {
        "admin/test404/",
        "admin/api/main/^pages/<int:pk>/",
        "admin/api/main/^pages/find/",
        "admin/api/main/^pages/<int:pk>/action/<str:action_name>/",
        "admin/api/main/^documents/",
        "admin/api/main/^documents/<int:pk>/",
        "admin/api/main/^documents/find/",
        "admin/api/main/^images/",
        "admin/api/main/^images/<int:pk>/",
        "admin/api/main/^images/find/",
        "admin/failwhale/",
        "admin/pages/<int:parent_page_id>/results/",
        "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/",
        "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/preview/",
        "admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/",
        "admin/pages/create/<slug:app_label>/<slug:model_name>",
        "admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/results/",
        "admin/pages/<int:page_id>/usage/",
        "admin/pages/<int:page_id>/edit/preview/",
        "admin/pages/<int:page_id>/view_draft/",
        "admin/pages/<int:page_id>/convert_alias/",
        "admin/pages/search/",
        "admin/pages/search/results/",
        "admin/pages/<int:page_to_move_id>/move/<int:destination_id>/confirm/",
        "admin/pages/<int:page_to_move_id>/set_position/",
        "admin/pages/<int:page_id>/copy/",
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        "admin/pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        "admin/pages/workflow/confirm_cancellation/<int:page_id>/",
        "admin/pages/workflow/preview/<int:page_id>/<int:task_id>/",
        "admin/pages/<int:page_id>/unlock/",
        "admin/pages/<int:page_id>/revisions/",
        "admin/pages/<int:page_id>/revisions/<int:revision_id>/view/",
        "admin/pages/<int:page_id>/revisions/<int:revision_id>/revert/",
        "admin/pages/<int:page_id>/revisions/<int:revision_id>/unschedule/",
        "admin/pages/^(?P<pk>\\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$",
        "admin/pages/<int:page_id>/workflow_history/",
        "admin/pages/<int:page_id>/workflow_history/detail/<int:workflow_state_id>/",
        "admin/pages/<int:page_id>/history/results/",
        "admin/choose-page/",
        "admin/choose-page/<int:parent_page_id>/",
        "admin/choose-page/search/",
        "admin/choose-page/chosen-multiple/",
        "admin/choose-external-link/",
        "admin/choose-email-link/",
        "admin/choose-phone-link/",
        "admin/choose-anchor-link/",
        "admin/tag-autocomplete/",
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        "admin/collections/add/",
        "admin/collections/<int:pk>/delete/",
        "admin/workflows/list/results/",
        "admin/workflows/add/",
        "admin/workflows/enable/<int:pk>/",
        "admin/workflows/disable/<int:pk>/",
        "admin/workflows/usage/<int:pk>/",
        "admin/workflows/usage/<int:pk>/results/",
        "admin/workflows/remove/<int:page_pk>/",
        "admin/workflows/remove/<int:page_pk>/<int:workflow_pk>/",
        "admin/workflows/tasks/add/<str:app_label>/<str:model_name>/",
        "admin/workflows/tasks/select_type/",
        "admin/workflows/tasks/index/results/",
        "admin/workflows/tasks/edit/<int:pk>/",
        "admin/workflows/tasks/disable/<int:pk>/",
        "admin/workflows/tasks/enable/<int:pk>/",
        "admin/workflows/task_chooser/",
        "admin/workflows/task_chooser/results/",
        "admin/workflows/task_chooser/create/",
        "admin/workflows/task_chooser/<int:task_id>/",
        "admin/reports/locked/results/",
        "admin/reports/workflow/",
        "admin/reports/workflow/results/",
        "admin/reports/workflow_tasks/",
        "admin/reports/workflow_tasks/results/",
        "admin/reports/site-history/results/",
        "admin/reports/aging-pages/",
        "admin/reports/aging-pages/results/",
        "admin/reports/page-types-usage/",
        "admin/reports/page-types-usage/results/",
        "admin/logout/",
        "admin/dismissibles/",
        "admin/editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/",
        "admin/editing-sessions/release/<int:session_id>/",
        "admin/block-preview/",
        "admin/forms/results/",
        "admin/forms/submissions/<int:page_id>/",
        "admin/forms/submissions/<int:page_id>/results/",
        "admin/forms/submissions/<int:page_id>/delete/",
        "admin/redirects/results/",
        "admin/redirects/add/",
        "admin/redirects/<int:redirect_id>/delete/",
        "admin/redirects/import/",
        "admin/redirects/import/process/",
        "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/preview/",
        "admin/embeds/chooser/",
        "admin/embeds/chooser/upload/",
        "admin/snippets/",
        "admin/documents/results/",
        "admin/documents/add/",
        "admin/documents/delete/<int:document_id>/",
        "admin/documents/multiple/add/",
        "admin/documents/multiple/<int:doc_id>/",
        "admin/documents/multiple/create_from_uploaded_document/<int:uploaded_file_id>/",
        "admin/documents/multiple/<int:doc_id>/delete/",
        "admin/documents/multiple/delete_upload/<int:uploaded_file_id>/",
        "admin/documents/usage/<int:document_id>/",
        "admin/images/results/",
        "admin/images/<int:image_id>/delete/",
        "admin/images/<int:image_id>/generate_url/",
        "admin/images/<int:image_id>/generate_url/output/",
        "admin/images/<int:image_id>/preview/<str:filter_spec>/",
        "admin/images/add/",
        "admin/images/usage/<int:image_id>/",
        "admin/images/multiple/add/",
        "admin/images/multiple/<int:image_id>/",
        "admin/images/multiple/create_from_uploaded_image/<int:uploaded_file_id>/",
        "admin/images/multiple/<int:image_id>/delete/",
        "admin/images/multiple/delete_upload/<int:uploaded_file_id>/",
        "admin/sites/results/",
        "admin/sites/new/",
        "admin/sites/delete/<int:pk>/",
        "admin/sites/history/<int:pk>/",
        "admin/sites/history-results/<int:pk>/",
        "admin/sites/usage/<int:pk>/",
        "admin/sites/copy/<int:pk>/",
        "admin/groups/results/",
        "admin/groups/new/",
        "admin/groups/delete/<int:pk>/",
        "admin/groups/history/<int:pk>/",
        "admin/groups/history-results/<int:pk>/",
        "admin/groups/usage/<int:pk>/",
        "admin/documents/chooser/",
        "admin/documents/chooser/results/",
        "admin/documents/chooser/chosen/<str:pk>/",
        "admin/documents/chooser/chosen-multiple/",
        "admin/documents/chooser/create/",
        "admin/images/chooser/",
        "admin/images/chooser/results/",
        "admin/images/chooser/chosen/<str:pk>/",
        "admin/images/chooser/chosen-multiple/",
        "admin/images/chooser/create/",
        "admin/images/chooser/<int:image_id>/select_format/",
        "admin/sprite/",
        "admin/password_reset/",
        "admin/password_reset/done/",
        "admin/password_reset/confirm/<uidb64>/<token>/",
        "admin/password_reset/complete/",
        "admin/jsi18n/",
        "admin/^.*/$",
        "documents/authenticate_with_password/<int:restriction_id>/",
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        "_util/login/",
    }
)

# The routes of our routable pages, served under Wagtail's page pattern, keyed
# "<page class> <route>"; plus our plain pages (the catalogue, a course).
PAGE_ROUTES: dict[str, R] = {
    # The training is for signed-in people (TESTPLAN 35): the catalogue, courses, lessons and
    # the quiz send an anonymous visitor to the sign-in page. The policy is public (a company
    # publishes it); acknowledging it, and every other action, needs a sign-in.
    "CourseIndexPage": R("L o o o o o", "{catalogue_url}"),
    "CoursePage": R("L o o o o o", "{course_url}"),
    "LessonPage ": R("L o o o o o", "{lesson_url}"),
    "LessonPage complete/": R("L o o o o o", "{lesson_url}complete/", method="POST"),
    "QuizPage ": R("L o o o o o", "{quiz_url}"),
    "QuizPage start/": R("L o o o o o", "{quiz_url}start/", method="POST"),
    # the learner's attempt in progress: nobody else may open it, save it (anonymous: the JSON
    # 403), or read its result; its review is not open yet, to the learner either
    "QuizPage attempt/<uuid:attempt_id>/": R("L o N N N N", "{quiz_url}attempt/{attempt}/"),
    "QuizPage attempt/<uuid:attempt_id>/save/": R("D o N N N N", "{quiz_url}attempt/{attempt}/save/", method="POST"),
    "QuizPage attempt/<uuid:attempt_id>/result/": R("L o N N N N", "{quiz_url}attempt/{attempt}/result/"),
    "QuizPage attempt/<uuid:attempt_id>/review/": R("L D N N N N", "{quiz_url}attempt/{attempt}/review/"),
    "PolicyPage ": R("o o o o o o", "{policy_url}"),
    "PolicyPage acknowledge/": R("L o o o o o", "{policy_url}acknowledge/", method="POST"),
    "PolicyPage changes/": R("o o o o o o", "{policy_url}changes/"),
    "PolicyPage check/": R("L o o o o o", "{policy_url}check/"),
}


def routable_page_routes() -> set[str]:
    """ "<page class> <route>" for every route of every routable page model."""
    routes = set()
    for model in get_page_models():
        if issubclass(model, RoutablePageMixin):
            own = {str(pattern.pattern) for pattern in model.get_subpage_urls()}
            routes |= {f"{model.__name__} {route}" for route in own}
    return routes


# --- the matrix ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The objects and signed-in clients, built once for the module in a transaction rolled back
    at its end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters: every row starts with none (the verify page allows 30 a minute)."""
    cache.clear()
    yield
    cache.clear()


def answer(client, row: R, url: str, method: str) -> str:
    """The outcome code of one request, undone afterwards (a refused POST that got through must
    not change what the next role sees)."""
    savepoint = transaction.savepoint()
    try:
        if method == "POST":
            return outcome(client.post(url, dict(row.data)))
        return outcome(client.get(url))
    finally:
        transaction.savepoint_rollback(savepoint)


def observed(world, row: R) -> str:
    """What each role gets, as a string comparable to ``row.expect``. For a POST-only row a role
    expected ``o`` is asked with GET (and must get 405); a role expected refused posts."""
    url = row.url.format(**world.ids)
    codes = []
    for role, expected in zip(ROLES, row.expect.split(), strict=True):
        client = world.clients[role]
        if row.method == "POST" and expected == "o":
            got = answer(client, row, url, "GET")
            codes.append("o" if got == "405" else f"GET:{got}")
        else:
            codes.append(answer(client, row, url, row.method))
    return " ".join(codes)


ALL_ROWS = {**ROWS, **{f"page {key}": row for key, row in PAGE_ROUTES.items()}}


@pytest.mark.parametrize("key", list(ALL_ROWS))
def test_each_role_gets_the_expected_answer(matrix_world, db, key):
    # given
    row = ALL_ROWS[key]

    # when
    got = observed(matrix_world, row)

    # then
    assert got == row.expect, f"{key} ({row.method} {row.url}): expected {row.expect!r}, got {got!r}"


def test_every_url_pattern_has_a_row_or_is_left_to_wagtail():
    # given
    patterns = list(walk())
    routes = [pattern.route for pattern in patterns]

    # when
    ours_missing = sorted(p.route + f" (name {p.name!r})" for p in patterns if is_ours(p) and p.route not in ROWS)
    wagtail_missing = sorted(
        p.route + f" (name {p.name!r})"
        for p in patterns
        if not is_ours(p) and p.route not in ROWS and p.route not in WAGTAIL_NOT_CHECKED
    )
    stale = sorted((set(ROWS) | WAGTAIL_NOT_CHECKED) - set(routes))

    # then
    assert ours_missing == [], f"URL patterns of ours without a row in ROWS: {ours_missing}"
    assert wagtail_missing == [], f"Wagtail URL patterns in neither ROWS nor WAGTAIL_NOT_CHECKED: {wagtail_missing}"
    assert stale == [], f"rows for URL patterns that no longer exist: {stale}"
    assert set(ROWS).isdisjoint(WAGTAIL_NOT_CHECKED)


def test_every_route_of_a_routable_page_has_a_row():
    # when
    missing = sorted(routable_page_routes() - set(PAGE_ROUTES))

    # then
    assert missing == [], f"routes of routable pages without a row in PAGE_ROUTES: {missing}"


def test_the_coverage_rule_fails_on_a_new_url(settings):
    # given: a URLconf with one view of ours that no row names
    settings.ROOT_URLCONF = "tests.lms.matrix_extra_urls"
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        # when
        new = [p.route for p in walk() if is_ours(p) and p.route not in ROWS]
    finally:
        clear_url_caches()

    # then
    assert new == ["matrix-new/"]
