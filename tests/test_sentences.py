from healthlint.text.sentences import split_sentences


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text, 0, len(text))]


def test_splits_at_terminal_punctuation():
    assert sentences("Kratom is a leaf. It acts on receptors! Is it safe? Yes.") == [
        "Kratom is a leaf.", "It acts on receptors!", "Is it safe?", "Yes."]


def test_abbreviations_do_not_split():
    text = "Dr. Rao spoke to the U.S. Food and Drug Administration, e.g. about labels. Then she left."
    assert sentences(text) == [
        "Dr. Rao spoke to the U.S. Food and Drug Administration, e.g. about labels.", "Then she left."]


def test_decimals_and_initials_do_not_split():
    assert sentences("Take 2.5 mg daily. J. Smith agreed.") == ["Take 2.5 mg daily.", "J. Smith agreed."]


def test_soft_line_breaks_join_a_sentence():
    text = "Kratom acts on opioid receptors, which is why it\nrelieves chronic pain so well."
    assert sentences(text) == [text]


def test_list_markers_start_sentences():
    text = "Benefits\n1. Treats depression\n2. Eases anxiety\n- Heals wounds"
    assert sentences(text) == ["Benefits", "1. Treats depression", "2. Eases anxiety", "- Heals wounds"]


def test_closing_quotes_stay_with_their_sentence():
    assert sentences('He said "it works." Then he left.') == ['He said "it works."', "Then he left."]
