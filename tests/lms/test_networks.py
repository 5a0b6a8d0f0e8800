"""The one list of networks, read by the lessons' and the policy's example posts, the checker's
length rules and the templates."""

from advocacy_share.intents import intent_url
from certification.sharing import x_share_url
from courses.blocks import SocialPostBlock
from courses.models import PostScenarioQuestion
from lms.networks import NETWORK_CHOICES, network_label, x_intent_url
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


def test_the_x_intent_is_the_one_x_documents_with_each_parameter_encoded_once():
    # when / then
    assert x_intent_url(text="Certifié·e\u202f! 100% & co", url="https://acme.example/certificates/A-B/?x=1") == (
        "https://x.com/intent/tweet?text=Certifi%C3%A9%C2%B7e%E2%80%AF%21%20100%25%20%26%20co"
        "&url=https%3A%2F%2Facme.example%2Fcertificates%2FA-B%2F%3Fx%3D1"
    )
    assert x_intent_url(text="Hello world") == "https://x.com/intent/tweet?text=Hello%20world"


def test_the_certificate_and_the_composer_open_the_same_x_intent():
    # when
    from_certificate = x_share_url("https://acme.example/certificates/A-B/", "I am now certified: Basics")
    from_composer = intent_url("x", text="I am now certified: Basics", url="https://acme.example/certificates/A-B/")

    # then
    assert from_certificate == from_composer
