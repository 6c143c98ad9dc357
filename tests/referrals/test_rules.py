"""The referral rules, table by table, from the facts in DOMAIN.md; and properties
that hold for any intake facts (hypothesis)."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals.directory import DATA_FILE
from referrals.rules import DEFAULT_PARAMETERS, RULES, Facts, Verdict, advise

SCHOOL = frozenset({"teacher"})
SCHOOL_BOARD_AND_SWV = frozenset({"teacher", "school_board", "swv"})
# The parent complains that the government or school does not respect the right to education.
RIGHT_TO_EDUCATION = frozenset({"right_to_education"})


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
    # The parent's question (issue 21), each rule just inside and just outside.
    ("asks about rights and duties, no dispute: RegelRecht",
     Facts(questions=frozenset({"rights_duties"})), "regelrecht", Verdict.RECOMMENDED),
    ("asks for information, no dispute: no RegelRecht",
     Facts(questions=frozenset({"information"})), "regelrecht", None),
    ("asks about rights and duties: Het Juridisch Loket too",
     Facts(questions=frozenset({"rights_duties"})), "juridisch-loket", Verdict.RECOMMENDED),
    ("asks for mediation, no procedure: no Juridisch Loket",
     Facts(questions=frozenset({"mediation"})), "juridisch-loket", None),
    ("Het Juiste Loket asked, care unclear, board and SWV done: the onderwijszorgconsulent",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV | {"het_juiste_loket"}, care_involved=True, school_type="po"),
     "onderwijszorgconsulent", Verdict.RECOMMENDED),
    ("care unclear but Het Juiste Loket not asked, no dispute: no onderwijszorgconsulent",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV, care_involved=True, school_type="po"), "onderwijszorgconsulent", None),
    ("Het Juiste Loket asked but no care question: no onderwijszorgconsulent",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV | {"het_juiste_loket"}, school_type="po"), "onderwijszorgconsulent", None),
    ("Het Juiste Loket asked, board and SWV not yet: not yet the onderwijszorgconsulent",
     Facts(steps_taken=SCHOOL | {"het_juiste_loket"}, care_involved=True, school_type="po"),
     "onderwijszorgconsulent", Verdict.NOT_YET),
    ("Het Juiste Loket asked, at home without school: the onderwijszorgconsulent without those steps",
     Facts(steps_taken=frozenset({"het_juiste_loket"}), care_involved=True, at_home="yes", weeks_at_home=1,
           school_type="so"), "onderwijszorgconsulent", Verdict.RECOMMENDED),
    ("Het Juiste Loket asked, higher education: not here",
     Facts(steps_taken=SCHOOL_BOARD_AND_SWV | {"het_juiste_loket"}, care_involved=True, school_type="hbo_wo"),
     "onderwijszorgconsulent", Verdict.NOT_HERE),
    # Deliberate change: Het Juiste Loket is no longer advised to a parent who already asked it.
    ("care, Het Juiste Loket already asked: not Het Juiste Loket again",
     Facts(steps_taken=frozenset({"het_juiste_loket"}), care_involved=True), "het-juiste-loket", None),
    ("asks about care and education funding: Het Juiste Loket",
     Facts(questions=frozenset({"care_funding"})), "het-juiste-loket", Verdict.RECOMMENDED),
    ("complaint or signal: the Inspectie, as a signal",
     Facts(questions=frozenset({"complaint"})), "inspectie", Verdict.RECOMMENDED),
    ("asks for information, no dispute: no Inspectie",
     Facts(questions=frozenset({"information"}), steps_taken=SCHOOL_BOARD_AND_SWV), "inspectie", None),
    ("unequal treatment for a disability or chronic illness: College voor de Rechten van de Mens",
     Facts(questions=frozenset({"unequal_treatment"})), "college-rechten-mens", Verdict.RECOMMENDED),
    ("a complaint, but not of unequal treatment: no College voor de Rechten van de Mens",
     Facts(questions=frozenset({"complaint"})), "college-rechten-mens", None),
    ("complaint about the right to education, not at home: the Kinderombudsman",
     Facts(questions=RIGHT_TO_EDUCATION), "kinderombudsman", Verdict.RECOMMENDED),
    ("complaint about the right to education, at home 2 weeks: the Kinderombudsman before the threshold",
     Facts(questions=RIGHT_TO_EDUCATION, at_home="yes", weeks_at_home=2), "kinderombudsman",
     Verdict.RECOMMENDED),
    ("a complaint, not about the right to education, at home 12 weeks: no Kinderombudsman",
     Facts(questions=frozenset({"complaint"}), at_home="yes", weeks_at_home=12), "kinderombudsman", None),
    ("complaint about the right to education: the Kinderrechtenhelpdesk",
     Facts(questions=RIGHT_TO_EDUCATION), "kinderrechtenhelpdesk", Verdict.RECOMMENDED),
    ("at home 13 weeks: the Kinderrechtenhelpdesk", Facts(at_home="yes", weeks_at_home=13), "kinderrechtenhelpdesk",
     Verdict.RECOMMENDED),
    ("at home 12 weeks, no complaint: no Kinderrechtenhelpdesk", Facts(at_home="yes", weeks_at_home=12),
     "kinderrechtenhelpdesk", None),
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


def test_the_rights_question_is_advised_by_its_own_rule():
    advice = {a.loket: a for a in advise(Facts(questions=frozenset({"rights_duties"})))}
    assert advice["regelrecht"].rule == "rights-question"
    assert "ook als er geen conflict is" in advice["regelrecht"].reason
    assert advice["juridisch-loket"].rule == "rights-question-legal"


def test_a_running_procedure_keeps_its_own_reason_for_het_juridisch_loket():
    advice = advise(Facts(legal_procedure=True, questions=frozenset({"rights_duties"})))
    assert [a.rule for a in advice if a.loket == "juridisch-loket"] == ["legal-procedure"]


def test_the_inspectie_reason_says_it_does_not_solve_the_case():
    reason = reason_for(Facts(questions=frozenset({"complaint"})), "inspectie")
    assert "lost uw zaak niet op" in reason and "signaal" in reason


def test_the_onderwijszorgconsulent_after_het_juiste_loket_says_why():
    facts = Facts(steps_taken=SCHOOL_BOARD_AND_SWV | {"het_juiste_loket"}, care_involved=True, school_type="po")
    assert "Het Juiste Loket" in reason_for(facts, "onderwijszorgconsulent")
    not_yet = Facts(steps_taken=SCHOOL | {"het_juiste_loket"}, care_involved=True, school_type="po")
    assert "het samenwerkingsverband en het schoolbestuur" in reason_for(not_yet, "onderwijszorgconsulent")


def test_the_kinderombudsman_on_a_complaint_does_not_speak_of_weeks_at_home():
    reason = reason_for(Facts(questions=RIGHT_TO_EDUCATION), "kinderombudsman")
    assert "weken" not in reason and "recht op onderwijs" in reason
    assert "eerst bij de school" in reason  # the Kinderombudsman takes a complaint the organisation has answered


def test_lansbrekers_asks_the_professional_involved():
    with_professional = Facts(at_home="at_risk", steps_taken=frozenset({"professional"}))
    assert "professional die al bij uw kind betrokken is" in reason_for(with_professional, "lansbrekers")
    assert "professional die al" not in reason_for(Facts(at_home="at_risk"), "lansbrekers")


def test_every_rule_has_a_unique_id():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


# --- Properties over any intake facts -------------------------------------------------

STEPS = ["teacher", "care_coordinator", "school_management", "school_board", "swv", "attendance_officer",
         "onderwijsconsulent", "het_juiste_loket", "professional", "other"]
QUESTIONS = ["information", "rights_duties", "mediation", "complaint", "unequal_treatment", "right_to_education",
             "care_funding"]
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
    questions=st.frozensets(st.sampled_from(QUESTIONS)),
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
        assert verdicts(facts).get("onderwijszorgconsulent") != Verdict.RECOMMENDED


@given(any_facts, any_parameters)
def test_each_organisation_is_advised_once(facts, parameters):
    lokets = [advice.loket for advice in advise(facts, parameters)]
    assert len(lokets) == len(set(lokets))


def test_every_organisation_a_rule_names_is_in_the_directory():
    directory = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    codes = {loket["code"] for loket in directory["loketten"]}
    assert {rule.loket for rule in RULES} <= codes
    assert {key for key in DEFAULT_PARAMETERS} <= {row["key"] for row in directory["rule_parameters"]}
