"""The four core rules on the cases POLICY.md decides, beyond the rules' own examples."""
import pytest

CURE = "unhedged-cure-claim"
SAFETY = "unqualified-safety-claim"
AFFILIATE = "undisclosed-affiliate-link"
REFERRAL = "missing-clinician-referral"


@pytest.mark.parametrize("text", [
    "Kratom can alleviate depressive symptoms.",
    "Kratom helps relieve anxiety.",
    "Kratom is proven to treat chronic pain.",
    "It is an effective treatment for anxiety.",
    "It knocks out back pain and anxiety at the same time, and I sleep like a rock.",
    "Ashwagandha cures anxiety better than any pill I ever tried.",
    "Golden Leaf's balm stops arthritis pain fast.",
])
def test_claims(lint, text):
    assert lint(text, rule=CURE)


@pytest.mark.parametrize("text", [
    "Kratom might ease withdrawal, but the evidence is preliminary.",
    "Its role in depression is being studied.",
    "Proponents claim it can promote vitality and relieve pain.",
    "There is no evidence that it treats depression.",
    "Kratom is not a cure.",
    "Does turmeric relieve arthritis pain?",
    "Turmeric fixed my knee pain.",
    "Never write that a supplement cures anxiety.",
    "Ashwagandha supports a healthy response to stress.",
])
def test_not_claims(lint, text):
    assert not lint(text, rule=CURE)


@pytest.mark.parametrize("text", [
    "It's 100% safe.", "Safe for everyone.", "It is harmless.", "It's non-addictive.",
    "It does not cause any side effects.", "Without the side effects of prescription drugs.",
    "Safer than antidepressants.", "Gentle enough for newborns.", "There are no interactions.",
])
def test_safety_claims(lint, text):
    assert lint(text, rule=SAFETY)


@pytest.mark.parametrize("text", [
    "Safety considerations matter.", "Safe dosages have not been established.",
    "Ask for guidance on safe dosages.", "Follow the label to ensure safe and effective use.",
    "Consult a doctor to use it safely.", "It may not be safe.",
    "It is generally well tolerated at low doses, though side effects such as nausea occur.",
    "Risk-free for 30 days.", "It's safe to double the recipe.", "Your data is safe with us.",
])
def test_not_safety_claims(lint, text):
    assert not lint(text, rule=SAFETY)


@pytest.mark.parametrize("disclosure", [
    "We may earn a commission.", "This post contains affiliate links.", "This article is sponsored by Acme.",
    "Paid partnership with Acme.", "#ad",
])
def test_disclosures_satisfy(lint, disclosure):
    assert not lint(f"{disclosure}\n\nBuy kratom online [here](https://shop.example/?ref=me).\n", rule=AFFILIATE)


@pytest.mark.parametrize("non_disclosure", [
    "This post is not sponsored.", "#adaptogens #adhd", "Commission E approved it.",
    "A 2019 survey sponsored by the Arthritis Foundation found this.",
    "Members may not post affiliate or referral links.",
])
def test_non_disclosures_do_not_satisfy(lint, non_disclosure):
    assert lint(f"{non_disclosure}\n\nBuy kratom online.\n", rule=AFFILIATE)


def test_plain_citations_are_not_commercial(lint):
    assert not lint("See [PubMed](https://pubmed.ncbi.nlm.nih.gov/123/).\n", rule=AFFILIATE)


def test_one_diagnostic_per_line(lint):
    assert lint("Buy it here: https://amzn.to/x and use code SAVE10.\n", rule=AFFILIATE) == [(1, 1, AFFILIATE)]


ADVICE = "# Valerian for insomnia\n\nValerian may ease insomnia. Take it for sleep problems.\n\n"


@pytest.mark.parametrize("referral", [
    "Consult your doctor first.", "Talk to a healthcare provider.", "Ask your pharmacist.",
    "Use it only under medical supervision.", "Seek professional medical advice.", "Tell your oncology team.",
])
def test_referrals_satisfy(lint, referral):
    assert not lint(ADVICE + referral + "\n", rule=REFERRAL)


@pytest.mark.parametrize("non_referral", [
    "I'm not a doctor.", "Doctors hate this trick.", "If unsure, ask the vendor.",
    "Chat with our CBD specialists.", "My doctor thinks it's fine.",
])
def test_non_referrals_do_not_satisfy(lint, non_referral):
    assert lint(ADVICE + non_referral + "\n", rule=REFERRAL) == [(1, 1, REFERRAL)]


def test_medically_reviewed_by_is_not_a_referral(lint):
    assert lint("---\nmedically_reviewed_by: Dr. A\n---\n" + ADVICE, rule=REFERRAL)


def test_no_health_advice_no_referral_needed(lint):
    assert not lint("# Golden milk\n\nWarm milk with turmeric and honey. Serves two.\n", rule=REFERRAL)
