"""Guardrail rules in the admin: validation of what HR types, and the post checker following edits."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from policy import api
from policy.models import BlockedPhraseRule, LinkDomainRule
from tests.factories.policy import (
    BlockedPhraseRuleFactory,
    DisclosureRuleFactory,
    EmbargoRuleFactory,
    LengthRuleFactory,
    LinkDomainRuleFactory,
)

ADD_BLOCKED = "wagtailsnippets_policy_blockedphraserule:add"
ADD_LINKS = "wagtailsnippets_policy_linkdomainrule:add"


def _blocked_phrase_post(**fields):
    data = {
        "name": "Projets internes",
        "severity": "block",
        "clause": "confidentialite",
        "active": "on",
        "message": "Ce nom de projet est confidentiel.",
        "message_en": "This project name is confidential.",
        "category": "confidential",
        "phrases": "Project Falcon",
        "patterns": "",
    }
    data.update(fields)
    return data


def _link_domain_post(**fields):
    data = {
        "name": "Domaines autorisés",
        "severity": "warn",
        "clause": "partager",
        "active": "on",
        "message": "Lien inconnu.",
        "message_en": "Unknown link.",
        "domains": "acme.com",
    }
    data.update(fields)
    return data


# --- the add form -----------------------------------------------------------------------------


def test_hr_editor_adds_a_blocked_phrase_rule(policy_hr_client):
    # when
    response = policy_hr_client.post(reverse(ADD_BLOCKED), _blocked_phrase_post(patterns=r"\bfalcon-\d+\b"))

    # then
    assert response.status_code == 302
    rule = BlockedPhraseRule.objects.get()
    assert (rule.name, rule.category, rule.phrases, rule.patterns, rule.clause) == (
        "Projets internes",
        "confidential",
        "Project Falcon",
        r"\bfalcon-\d+\b",
        "confidentialite",
    )


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("en", "“([a-z” is not a valid pattern: unterminated character set at position 1."),
        ("fr", "«\u202f([a-z\u202f» n'est pas un motif valide\xa0: unterminated character set at position 1."),
    ],
)
def test_an_invalid_pattern_is_refused_with_a_message(policy_hr_client, accept_language, message):
    # when
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED),
        _blocked_phrase_post(patterns="Acme\n([a-z"),
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"patterns": [message]}
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert BlockedPhraseRule.objects.count() == 0


def test_a_pattern_matching_the_empty_text_is_refused_in_the_admin(policy_hr_client):
    # when
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED), _blocked_phrase_post(patterns="a*"), HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"patterns": ["“a*” matches an empty text, so it would flag every post."]}
    assert BlockedPhraseRule.objects.count() == 0


@pytest.mark.parametrize("pattern", ["x|", "^", "(?:acme)?", r"\s*", "(?m)$"])
def test_every_pattern_matching_the_empty_text_is_refused(pattern):
    # given
    rule = BlockedPhraseRuleFactory.build(phrases="", patterns=f"acme\n{pattern}")

    # when
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()

    # then
    assert caught.value.message_dict == {
        "patterns": [f"“{pattern}” matches an empty text, so it would flag every post."]
    }


def test_a_rule_without_phrase_or_pattern_is_refused(policy_hr_client):
    # when
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED), _blocked_phrase_post(phrases=" \n ", patterns=""), HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"phrases": ["Give at least one phrase or one pattern."]}
    assert BlockedPhraseRule.objects.count() == 0


def test_an_invalid_allowed_domain_is_refused_in_the_admin(policy_hr_client):
    # when
    response = policy_hr_client.post(
        reverse(ADD_LINKS), _link_domain_post(domains="acme.com\nhttp://evil.example"), HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"domains": ["“http://evil.example” is not a domain name."]}
    assert LinkDomainRule.objects.count() == 0


@pytest.mark.parametrize(
    "domain", ["acme", "acme..com", "-acme.com", "acme.com/path", "acme .com", "*.*.acme.com", "acme.c", "acme.com:443"]
)
def test_every_invalid_allowed_domain_is_refused(domain):
    # given
    rule = LinkDomainRuleFactory.build(domains=f"acme.com\n{domain}")

    # when
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()

    # then
    assert caught.value.message_dict == {"domains": [f"“{domain}” is not a domain name."]}


def test_valid_allowed_domains_are_saved(policy_hr_client):
    # when
    response = policy_hr_client.post(
        reverse(ADD_LINKS), _link_domain_post(domains="acme.com\n*.acme.example\n  LinkedIn.com  \nlnkd.in")
    )

    # then
    assert response.status_code == 302
    assert LinkDomainRule.objects.get().domains == "acme.com\n*.acme.example\n  LinkedIn.com  \nlnkd.in"


def test_a_clause_that_is_not_an_anchor_is_refused_in_the_admin(policy_hr_client):
    # when
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED), _blocked_phrase_post(clause="Confidentialité"), HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "clause": ["Use the anchor of a policy clause: lowercase letters, digits, dashes."]
    }
    assert BlockedPhraseRule.objects.count() == 0


@pytest.mark.parametrize(
    "anchor", ["-confidentialite", "with space", "UPPER", "a" * 62, "#confidentialite", "ia_photos"]
)
def test_every_clause_that_is_not_an_anchor_is_refused(anchor):
    # given
    rule = BlockedPhraseRuleFactory.build(clause=anchor)

    # when
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()

    # then
    assert list(caught.value.message_dict) == ["clause"]


@pytest.mark.parametrize("anchor", ["confidentialite", "ia-et-photos", "a1", "x" * 61])
def test_a_clause_anchor_is_accepted(anchor):
    # given
    rule = BlockedPhraseRuleFactory.build(clause=anchor)

    # when / then
    rule.full_clean()


@pytest.mark.parametrize(
    ("factory", "fields", "errors"),
    [
        (EmbargoRuleFactory, {"phrases": " \n "}, {"phrases": ["Give at least one phrase."]}),
        (DisclosureRuleFactory, {"required_text": "   "}, {"required_text": ["Give the text employees must add."]}),
        (LinkDomainRuleFactory, {"domains": " \n"}, {"domains": ["Give at least one domain."]}),
    ],
)
def test_other_rules_refuse_empty_lists(db, factory, fields, errors):
    # given
    rule = factory.build(**fields)

    # when
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()

    # then
    assert caught.value.message_dict == errors


def test_a_second_length_rule_for_the_same_network_is_refused(db):
    # given
    LengthRuleFactory(network="x")

    # when
    with pytest.raises(ValidationError) as caught:
        LengthRuleFactory.build(network="x").full_clean()

    # then
    assert list(caught.value.message_dict) == ["network"]


def test_a_learner_cannot_reach_the_guardrails_admin(employee_client):
    # when
    response = employee_client.get(reverse(ADD_BLOCKED))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("rule_factory", [BlockedPhraseRuleFactory, LinkDomainRuleFactory])
def test_the_rules_chooser_is_refused_to_an_advocacy_manager_and_shows_no_rule(site, rule_factory):
    # given a rule, and an advocacy manager (admin access, no right on the rules)
    from django.test import Client

    from lms.home.roles import roles_ensure
    from tests.factories.people import UserFactory

    rule = rule_factory(name="Projets internes confidentiels")
    manager = UserFactory(groups=[roles_ensure().advocacy_managers])
    client = Client()
    client.force_login(manager)
    namespace = f"wagtailsnippetchoosers_policy_{rule._meta.model_name}"

    # when: the chooser modal (an XHR) and its results, as Wagtail's modal asks for them
    modal = client.get(reverse(f"{namespace}:choose"), headers={"x-requested-with": "XMLHttpRequest"})
    results = client.get(reverse(f"{namespace}:choose_results"), headers={"x-requested-with": "XMLHttpRequest"})
    chosen = client.get(reverse(f"{namespace}:chosen", args=[rule.pk]), headers={"x-requested-with": "XMLHttpRequest"})

    # then
    assert [modal.status_code, results.status_code, chosen.status_code] == [403, 403, 403]
    assert "Projets internes" not in modal.content.decode() + results.content.decode() + chosen.content.decode()


def test_the_rules_chooser_lists_the_rules_for_an_hr_editor(policy_hr_client):
    # given
    BlockedPhraseRuleFactory(name="Projets internes confidentiels")

    # when
    response = policy_hr_client.get(
        reverse("wagtailsnippetchoosers_policy_blockedphraserule:choose_results"),
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    # then
    assert response.status_code == 200
    assert "Projets internes confidentiels" in response.content.decode()


# --- the checker follows rule changes -----------------------------------------------------------


def _kinds(text, **kwargs):
    return [(finding.kind, finding.excerpt) for finding in api.check_post(text, **kwargs)]


def test_a_rule_added_in_the_admin_applies_to_the_next_check(policy_hr_client):
    # given
    assert _kinds("About Project Falcon") == []

    # when
    policy_hr_client.post(reverse(ADD_BLOCKED), _blocked_phrase_post())

    # then
    assert _kinds("About Project Falcon") == [("confidential", "Project Falcon")]


def test_a_rule_edited_in_the_admin_applies_to_the_next_check(policy_hr_client):
    # given
    rule = BlockedPhraseRuleFactory(name="Projets internes", category="confidential", phrases="Project Falcon")
    assert _kinds("About Project Falcon and Operation Nova") == [("confidential", "Project Falcon")]

    # when
    response = policy_hr_client.post(
        reverse("wagtailsnippets_policy_blockedphraserule:edit", args=[rule.pk]),
        _blocked_phrase_post(phrases="Operation Nova"),
    )

    # then
    assert response.status_code == 302
    assert _kinds("About Project Falcon and Operation Nova") == [("confidential", "Operation Nova")]


def test_a_rule_deactivated_in_the_admin_no_longer_applies(policy_hr_client):
    # given
    rule = BlockedPhraseRuleFactory(name="Projets internes", category="confidential", phrases="Project Falcon")
    assert _kinds("About Project Falcon") == [("confidential", "Project Falcon")]
    data = _blocked_phrase_post()
    del data["active"]

    # when
    policy_hr_client.post(reverse("wagtailsnippets_policy_blockedphraserule:edit", args=[rule.pk]), data)

    # then
    assert BlockedPhraseRule.objects.get().active is False
    assert _kinds("About Project Falcon") == []


def test_a_rule_deleted_in_the_admin_no_longer_applies(policy_hr_client):
    # given
    rule = BlockedPhraseRuleFactory(category="confidential", phrases="Project Falcon")
    assert _kinds("About Project Falcon") == [("confidential", "Project Falcon")]

    # when
    response = policy_hr_client.post(reverse("wagtailsnippets_policy_blockedphraserule:delete", args=[rule.pk]))

    # then
    assert response.status_code == 302
    assert BlockedPhraseRule.objects.count() == 0
    assert _kinds("About Project Falcon") == []


def test_rules_bulk_deleted_in_the_admin_no_longer_apply(policy_hr_client):
    # given
    falcon = BlockedPhraseRuleFactory(category="confidential", phrases="Project Falcon")
    nova = BlockedPhraseRuleFactory(category="confidential", phrases="Operation Nova")
    assert _kinds("Project Falcon, Operation Nova") == [
        ("confidential", "Project Falcon"),
        ("confidential", "Operation Nova"),
    ]
    policy_hr_client.get(reverse("wagtailsnippets_policy_blockedphraserule:list"))

    # when
    response = policy_hr_client.post(
        reverse("wagtail_bulk_action", args=("policy", "blockedphraserule", "delete")) + f"?id={falcon.pk}&id={nova.pk}"
    )

    # then
    assert response.status_code == 302
    assert BlockedPhraseRule.objects.count() == 0
    assert _kinds("Project Falcon, Operation Nova") == []


def test_rules_saved_or_deleted_in_code_refresh_the_checker(db):
    # given
    assert _kinds("Try Acme Cloud, see https://evil.example") == []

    # when
    disclosure = DisclosureRuleFactory(trigger_phrases="Acme Cloud")
    links = LinkDomainRuleFactory(domains="acme.com")
    after_save = _kinds("Try Acme Cloud, see https://evil.example")
    disclosure.delete()
    after_delete = _kinds("Try Acme Cloud, see https://evil.example")
    LinkDomainRule.objects.filter(pk=links.pk).delete()
    after_queryset_delete = _kinds("Try Acme Cloud, see https://evil.example")

    # then
    assert after_save == [("disclosure", "Acme Cloud"), ("link", "https://evil.example")]
    assert after_delete == [("link", "https://evil.example")]
    assert after_queryset_delete == []


UNSUPPORTED = "which guardrail patterns do not support (they are matched by RE2, which keeps every check fast)."


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(falcon)-\1", f"“(falcon)-\\1” uses a backreference such as \\1 or (?P=name), {UNSUPPORTED}"),
        ("(?P<p>nova)(?P=p)", f"“(?P<p>nova)(?P=p)” uses a backreference such as \\1 or (?P=name), {UNSUPPORTED}"),
        ("falcon(?!s)", f"“falcon(?!s)” uses a lookahead such as (?=…) or (?!…), {UNSUPPORTED}"),
        ("(?<!super)falcon", f"“(?<!super)falcon” uses a lookbehind such as (?<=…) or (?<!…), {UNSUPPORTED}"),
        ("(a)?(?(1)b|c)", f"“(a)?(?(1)b|c)” uses a conditional group such as (?(1)…|…), {UNSUPPORTED}"),
        ("(?>fal+)con", f"“(?>fal+)con” uses an atomic group (?>…), {UNSUPPORTED}"),
        ("fal++con", f"“fal++con” uses a possessive repeat such as a++, {UNSUPPORTED}"),
        (r"falcon\Z", f"“falcon\\Z” uses \\Z (write \\z for the end of the text), {UNSUPPORTED}"),
        ("a{1001}", "“a{1001}” is not a valid pattern: invalid repetition size: {1001}."),
    ],
    ids=[
        "backreference",
        "named backreference",
        "lookahead",
        "lookbehind",
        "conditional",
        "atomic",
        "possessive",
        "\\Z",
        "too many repeats",
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_naming_what_it_lacks(policy_hr_client, pattern, message):
    # when
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED), _blocked_phrase_post(patterns=f"acme\n{pattern}"), HTTP_ACCEPT_LANGUAGE="en"
    )

    # then: the error, the patterns typed still in the form, nothing saved
    assert response.status_code == 200
    assert response.context["form"].errors == {"patterns": [message]}
    assert response.context["form"]["patterns"].value() == f"acme\n{pattern}"
    assert BlockedPhraseRule.objects.count() == 0


@pytest.mark.parametrize(
    ("pattern", "text", "excerpts"),
    [
        ("(a+)+$", "a" * 5_000 + "!", []),
        (r"\w*\w*\w*x", "a" * 5_000, []),
        ("(a|a)*b", "a" * 5_000 + " ab", ["ab"]),
        ("(.*a){20}", "b" * 5_000, []),
    ],
)
def test_a_pattern_that_backtracks_for_minutes_elsewhere_is_accepted_and_checks_a_long_post(
    policy_hr_client, pattern, text, excerpts
):
    # when
    response = policy_hr_client.post(reverse(ADD_BLOCKED), _blocked_phrase_post(phrases="", patterns=pattern))
    findings = api.check_post(text, language="en")

    # then
    assert response.status_code == 302
    assert BlockedPhraseRule.objects.get().patterns == pattern
    assert [f.excerpt for f in findings] == excerpts


@pytest.mark.parametrize(
    ("pattern", "post"),
    [(r"FALCON-\d+", "Launching falcon-7 today"), (r"falcon-\d+", "Launching FALCON-7 today")],
    ids=["pattern in capitals", "post in capitals"],
)
def test_a_pattern_saved_in_the_admin_flags_the_post_whatever_the_capitalisation(policy_hr_client, pattern, post):
    # given
    policy_hr_client.post(reverse(ADD_BLOCKED), _blocked_phrase_post(phrases="", patterns=pattern))

    # when
    findings = api.check_post(post, language="en")

    # then
    assert [(f.excerpt, f.message) for f in findings] == [(post[10:18], "This project name is confidential.")]


def test_the_rule_list_flags_patterns_the_checker_skips(policy_hr_client):
    # given: one rule saved before RE2 checked patterns, one since
    BlockedPhraseRuleFactory(name="Old rule", phrases="", patterns="(a)\\1\nfoo(?=bar)\nnova-\\d")
    BlockedPhraseRuleFactory(name="New rule", phrases="", patterns="nova-\\d")

    # when
    response = policy_hr_client.get(reverse("wagtailsnippets_policy_blockedphraserule:list"))

    # then
    assert response.status_code == 200
    rows = {rule.name: rule.skipped_patterns() for rule in response.context["object_list"]}
    assert rows == {"Old rule": [r"(a)\1", "foo(?=bar)"], "New rule": []}
    html = response.content.decode()
    assert "Patterns not applied" in html
    assert "(a)\\1; foo(?=bar)" in html


def test_a_clause_the_policy_does_not_have_is_refused(policy_page, policy_hr_client):
    # when: a rule citing a clause the published policy has no anchor for
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED), _blocked_phrase_post(clause="ia-et-photos"), HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "clause": ["The policy has no clause “ia-et-photos”. Its clauses: confidentialite, partager."]
    }
    assert BlockedPhraseRule.objects.count() == 0


def test_a_clause_the_policy_has_is_accepted(policy_page, policy_hr_client):
    # when
    response = policy_hr_client.post(reverse(ADD_BLOCKED), _blocked_phrase_post(clause="partager"))

    # then
    assert response.status_code == 302
    assert BlockedPhraseRule.objects.get().clause == "partager"


def test_a_pattern_re2_cannot_run_is_refused_in_french_too(policy_hr_client):
    # when
    response = policy_hr_client.post(
        reverse(ADD_BLOCKED), _blocked_phrase_post(patterns="(?<!super)falcon"), HTTP_ACCEPT_LANGUAGE="fr"
    )

    # then
    assert response.context["form"].errors == {
        "patterns": [
            "«\u202f(?<!super)falcon\u202f» utilise une assertion arrière comme (?<=…) ou (?<!…), ce que les motifs "
            "des garde-fous ne permettent pas (ils sont évalués par RE2, qui garde chaque vérification rapide)."
        ]
    }
    assert BlockedPhraseRule.objects.count() == 0
