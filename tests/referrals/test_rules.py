"""The referral rules, table by table, from the facts in DOMAIN.md; and properties
that hold for any intake facts (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals.rules import DEFAULT_PARAMETERS, RULES, Facts, Verdict, advise

SCHOOL = frozenset({"teacher"})
SCHOOL_BOARD_AND_SWV = frozenset({"teacher", "school_board", "swv"})


def verdicts(facts: Facts, **parameters) -> dict[str, Verdict]:
    return {a.loket: a.verdict for a in advise(facts, parameters)}


def reason_for(facts: Facts, loket: str) -> str:
    return next(a.reason for a in advise(facts) if a.loket == loket)


# Each row: what the parent tells, and what the advice must say of one organisation.
TABLE = [
    # The school first, always, until the parent has talked to it.
    ("no steps yet: the school", Facts(), "school", Verdict.RECOMMENDED),
    ("talked to the teacher: not the school again", Facts(steps_taken=SCHOOL), "school", None),
    # The board and the SWV next, when it is not resolved with the school.
    ("dispute after the school: the board", Facts(steps_taken=SCHOOL, conflict="yes"), "schoolbestuur",
     Verdict.RECOMMENDED),
    ("no dispute: no board", Facts(steps_taken=SCHOOL, conflict="no"), "schoolbestuur", None),
    ("disagrees with advice: the SWV (PO)",
     Facts(steps_taken=SCHOOL, disagrees_with_advice=True, school_type="po"), "samenwerkingsverband",
     Verdict.RECOMMENDED),
    ("no SWV for MBO", Facts(steps_taken=SCHOOL, conflict="yes", school_type="mbo"), "samenwerkingsverband", None),
    ("SWV already contacted", Facts(steps_taken=SCHOOL | {"swv"}, conflict="yes", school_type="vo"),
     "samenwerkingsverband", None),
    # The onderwijsconsulent: preconditions, the at-home exception, every exclusion.
    ("dispute, board and SWV done: consultant",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV, conflict="yes", school_type="vo"), "onderwijsconsulent",
     Verdict.RECOMMENDED),
    ("dispute, SWV and board not yet: not yet",
     Facts(steps_taken=SCHOOL, conflict="yes", school_type="po"), "onderwijsconsulent", Verdict.NOT_YET),
    ("dispute, only the board missing: not yet",
     Facts(steps_taken=SCHOOL | {"swv"}, conflict="yes", school_type="po"), "onderwijsconsulent", Verdict.NOT_YET),
    ("at home 6 weeks, no steps: consultant anyway",
     Facts(at_home="yes", weeks_at_home=6, school_type="po"), "onderwijsconsulent", Verdict.RECOMMENDED),
    ("at home 3 weeks, no dispute: not yet a consultant case",
     Facts(at_home="yes", weeks_at_home=3, school_type="po"), "onderwijsconsulent", None),
    ("at home exactly 4 weeks: not more than four",
     Facts(at_home="yes", weeks_at_home=4, school_type="po"), "onderwijsconsulent", None),
    ("at risk of staying home, dispute, no steps: not yet",
     Facts(at_home="at_risk", conflict="yes", school_type="vo", steps_taken=SCHOOL), "onderwijsconsulent",
     Verdict.NOT_YET),
    ("MBO is in scope", Facts(steps_taken=SCHOOL_BOARD_AND_SWV, conflict="yes", school_type="mbo"),
     "onderwijsconsulent", Verdict.RECOMMENDED),
    ("higher education: not here",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV, conflict="yes", school_type="hbo_wo"), "onderwijsconsulent",
     Verdict.NOT_HERE),
    ("legal procedure running: not here",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV, conflict="yes", school_type="vo", legal_procedure=True),
     "onderwijsconsulent", Verdict.NOT_HERE),
    ("truancy: not here",
     Facts(at_home="yes", weeks_at_home=8, school_type="vo", truancy=True), "onderwijsconsulent", Verdict.NOT_HERE),
    ("repeating a year or the level advice: not here",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV, disagrees_with_advice=True, school_type="po",
           topics=frozenset({"schooladvies"})), "onderwijsconsulent", Verdict.NOT_HERE),
    # Care and education.
    ("care involved: Het Juiste Loket", Facts(care_involved=True), "het-juiste-loket", Verdict.RECOMMENDED),
    ("care and a consultant case: the onderwijszorgconsulent",
     Facts(at_home="yes", weeks_at_home=6, school_type="so", care_involved=True), "onderwijszorgconsulent",
     Verdict.RECOMMENDED),
    ("care but excluded from the consultants: no onderwijszorgconsulent",
     Facts(at_home="yes", weeks_at_home=6, school_type="hbo_wo", care_involved=True), "onderwijszorgconsulent",
     None),
    # The others.
    ("truancy: the attendance officer", Facts(truancy=True), "leerplichtambtenaar", Verdict.RECOMMENDED),
    ("at risk: LANSbrekers is mentioned, never referred", Facts(at_home="at_risk"), "lansbrekers", Verdict.MENTION),
    ("not at home: no LANSbrekers", Facts(), "lansbrekers", None),
    ("legal procedure: Juridisch Loket", Facts(legal_procedure=True), "juridisch-loket", Verdict.RECOMMENDED),
    ("dispute: RegelRecht on rights and duties", Facts(conflict="yes"), "regelrecht", Verdict.RECOMMENDED),
    ("dispute on removal after the board: Geschillencommissie",
     Facts(steps_taken=frozenset({"teacher", "school_board"}), conflict="yes", topics=frozenset({"verwijdering"})),
     "geschillencommissie", Verdict.RECOMMENDED),
    ("removal dispute without the board: no Geschillencommissie yet",
     Facts(steps_taken=SCHOOL, conflict="yes", topics=frozenset({"verwijdering"})), "geschillencommissie", None),
    ("dispute with board and SWV done: a signal to the Inspectie",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV, conflict="yes"), "inspectie", Verdict.RECOMMENDED),
    ("at home 13 weeks: the Kinderombudsman", Facts(at_home="yes", weeks_at_home=13), "kinderombudsman",
     Verdict.RECOMMENDED),
    ("at home 12 weeks: not yet the Kinderombudsman", Facts(at_home="yes", weeks_at_home=12), "kinderombudsman",
     None),
]


@pytest.mark.parametrize(("facts", "loket", "expected"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_the_rule_table(facts, loket, expected):
    assert verdicts(facts).get(loket) == expected


def test_not_yet_for_the_consultant_names_the_missing_steps_and_the_exception():
    reason = reason_for(Facts(steps_taken=SCHOOL, conflict="yes", school_type="po"), "onderwijsconsulent")
    assert "het samenwerkingsverband en het schoolbestuur" in reason
    assert "thuiszit zonder onderwijs" in reason


def test_the_at_home_reason_says_how_long():
    assert "6 weken" in reason_for(Facts(at_home="yes", weeks_at_home=6, school_type="po"), "onderwijsconsulent")


def test_recommendations_come_before_what_is_not_yet_or_not_here():
    order = [a.verdict for a in advise(Facts(steps_taken=SCHOOL, conflict="yes", school_type="po", care_involved=True))]
    ranks = {Verdict.RECOMMENDED: 0, Verdict.MENTION: 1, Verdict.NOT_YET: 2, Verdict.NOT_HERE: 3}
    assert order == sorted(order, key=ranks.get)


def test_the_threshold_is_a_parameter():
    facts = Facts(at_home="yes", weeks_at_home=3, school_type="po")
    assert "onderwijsconsulent" not in verdicts(facts)
    assert verdicts(facts, at_home_weeks_threshold=2)["onderwijsconsulent"] == Verdict.RECOMMENDED


def test_every_rule_has_a_unique_id():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


# --- Properties over any intake facts -------------------------------------------------

STEPS = ["teacher", "care_coordinator", "school_management", "school_board", "swv", "attendance_officer",
         "onderwijsconsulent", "other"]
any_facts = st.builds(
    Facts,
    steps_taken=st.frozensets(st.sampled_from(STEPS)),
    conflict=st.sampled_from(["yes", "no", "unknown"]),
    disagrees_with_advice=st.booleans(),
    at_home=st.sampled_from(["no", "at_risk", "yes"]),
    weeks_at_home=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    school_type=st.sampled_from(["", "po", "sbo", "so", "vo", "vso", "mbo", "hbo_wo", "none"]),
    care_involved=st.booleans(),
    legal_procedure=st.booleans(),
    truancy=st.booleans(),
    topics=st.frozensets(st.sampled_from(["schooladvies", "thuiszitten", "verwijdering", "opp", "toelating"])),
)
any_parameters = st.fixed_dictionaries({key: st.integers(min_value=0, max_value=60) for key in DEFAULT_PARAMETERS})


@given(any_facts, any_parameters)
def test_lansbrekers_is_never_a_direct_referral(facts, parameters):
    for advice in advise(facts, parameters):
        if advice.loket == "lansbrekers":
            assert not advice.can_be_referred


@given(any_facts, any_parameters)
def test_an_excluded_case_never_gets_the_onderwijsconsulent(facts, parameters):
    excluded = (facts.school_type == "hbo_wo" or facts.legal_procedure or facts.truancy
                or "schooladvies" in facts.topics)
    if excluded:
        for advice in advise(facts, parameters):
            if advice.loket in ("onderwijsconsulent", "onderwijszorgconsulent"):
                assert advice.verdict != Verdict.RECOMMENDED


@given(any_facts, any_parameters)
def test_every_advice_has_a_reason_and_a_known_rule(facts, parameters):
    known = {rule.id for rule in RULES}
    for advice in advise(facts, parameters):
        assert advice.reason.strip() and advice.rule in known and advice.rule_version


@given(any_facts)
def test_without_the_preconditions_and_not_at_home_the_consultant_is_not_recommended(facts):
    if facts.at_home != "yes" and not {"swv", "school_board"} <= facts.steps_taken:
        assert verdicts(facts).get("onderwijsconsulent") != Verdict.RECOMMENDED
