"""Factories for ``advocacy_share``: campaigns, content and its suggested texts, shares,
tracked links and visits. Plain factory-boy; the policy rules that allow a link's domain are
the test's business (``tests.factories.policy.LinkDomainRuleFactory``)."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from advocacy_share.models import Campaign, Share, ShareableContent, SuggestedText, TrackedLink, Visit
from tests.factories.people import UserFactory


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")


class ShareableContentFactory(DjangoModelFactory):
    class Meta:
        model = ShareableContent

    url = factory.Sequence(lambda n: f"https://acme.com/news/article-{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    language = "fr"
    campaign = factory.SubFactory(CampaignFactory)
    kind = ShareableContent.Kind.COMPANY
    status = ShareableContent.Status.PUBLISHED


class SuggestedTextFactory(DjangoModelFactory):
    class Meta:
        model = SuggestedText

    content = factory.SubFactory(ShareableContentFactory)
    network = "linkedin"
    language = "fr"
    text = factory.Sequence(lambda n: f"Une lecture utile pour notre secteur, numéro {n}.")


class ShareFactory(DjangoModelFactory):
    class Meta:
        model = Share

    user = factory.SubFactory(UserFactory)
    content = factory.SubFactory(ShareableContentFactory)
    network = "linkedin"
    text = factory.Sequence(lambda n: f"À lire : un article qui m'a plu ({n}).")
    language = "fr"
    status = Share.Status.SHARED


class TrackedLinkFactory(DjangoModelFactory):
    class Meta:
        model = TrackedLink

    share = factory.SubFactory(ShareFactory)
    target_url = factory.LazyAttribute(lambda o: o.share.content.url if o.share.content_id else o.share.own_url)
    network = factory.LazyAttribute(lambda o: o.share.network)
    campaign_slug = factory.LazyAttribute(
        lambda o: o.share.content.campaign.slug if o.share.content_id and o.share.content.campaign_id else ""
    )


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    link = factory.SubFactory(TrackedLinkFactory)
    at = factory.LazyFunction(timezone.now)
    visitor = factory.Sequence(lambda n: f"{n:064x}")
    agent_family = "chrome"
