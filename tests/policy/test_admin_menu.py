"""The admin menu lists each guardrail rule type once: under "Guardrails", not again under
"Snippets"."""

from django.urls import reverse
from wagtail.snippets.views.snippets import get_snippet_models_for_index_view

from advocacy_share.models import Campaign, ShareableContent
from policy.models import RULE_MODELS


def rule_list_urls():
    return [reverse(f"wagtailsnippets_policy_{model._meta.model_name}:list") for model in RULE_MODELS]


def test_the_guardrail_rules_have_their_menu_group_and_are_not_snippets_again(superuser_client):
    # when
    home = superuser_client.get(reverse("wagtailadmin_home"))
    snippets = superuser_client.get(reverse("wagtailsnippets:index"))

    # then: the menu links each rule list; the Snippets index leaves them out
    assert home.status_code == 200
    for url in rule_list_urls():
        assert url.encode() in home.content
    assert [model for model in get_snippet_models_for_index_view() if model in RULE_MODELS] == []
    assert [url for url in rule_list_urls() if url.encode() in snippets.content] == []


def test_the_advocacy_snippets_are_not_listed_twice_either():
    # when
    listed = get_snippet_models_for_index_view()

    # then
    assert ShareableContent not in listed
    assert Campaign not in listed


def test_a_rule_s_clause_is_picked_among_the_published_clauses(policy_page, superuser_client):
    # when
    response = superuser_client.get(reverse("wagtailsnippets_policy_blockedphraserule:add"), HTTP_ACCEPT_LANGUAGE="en")

    # then: a select of the policy's clauses, no free text
    html = response.content.decode()
    assert response.status_code == 200
    assert '<select name="clause"' in html
    assert '<option value="partager">' in html
    assert '<option value="confidentialite">' in html
    assert '<input type="text" name="clause"' not in html
