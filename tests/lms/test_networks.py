"""The one list of networks, read by the lessons' and the policy's example posts, the checker's
length rules and the templates."""

from courses.blocks import SocialPostBlock
from courses.models import PostScenarioQuestion
from lms.networks import NETWORK_CHOICES, network_label
from policy.blocks import ExamplePostBlock
from policy.forms import PostCheckForm
from policy.models import LengthRule


def test_every_place_offers_the_same_networks():
    # given
    codes = [code for code, _label in NETWORK_CHOICES]

    # when
    offered = {
        "lesson example post": [c for c, _ in SocialPostBlock().child_blocks["network"].field.choices if c],
        "policy example post": [c for c, _ in ExamplePostBlock().child_blocks["network"].field.choices if c],
        "post scenario": [c for c, _ in PostScenarioQuestion._meta.get_field("post_network").choices],
        "length rule": [c for c, _ in LengthRule._meta.get_field("network").choices],
        "post checker": [c for c, _ in PostCheckForm().fields["network"].choices],
    }

    # then
    assert codes == ["linkedin", "x", "facebook", "instagram"]
    assert offered == dict.fromkeys(offered, codes)


def test_network_labels():
    # when / then
    assert [network_label(code) for code in ("linkedin", "x", "mastodon", "")] == ["LinkedIn", "X", "mastodon", ""]
