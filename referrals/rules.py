"""Where can this parent go now, and why there: the helpline's referral rules.

The rules are data (RULES, below), read top to bottom like the advice an
experienced advisor gives; `advise()` is a pure function from a case's intake
facts and the rule parameters (numbers a team lead keeps in the management
site) to an ordered list of advice. Every piece of advice names its rule and
carries a Dutch sentence the advisor can read to the parent. Besides
"recommended", a rule may answer "not yet" (a step comes first) or "not here"
(this organisation does not take such cases), with the reason.

An organisation gets one piece of advice: where several rules speak of it
(RegelRecht in a dispute and for a question about rights), the first rule in
RULES that has something to say gives the advice, so list the rule whose
reason fits best first.

The facts follow DOMAIN.md. Change a rule: edit it here, raise RULES_VERSION,
and add a row to the table test in tests/referrals/test_rules.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

RULES_VERSION = "2026.2"

# Parameters with their defaults; the database's RuleParameter rows override them.
DEFAULT_PARAMETERS: dict[str, int] = {
    # A child at home longer than this is a case for the onderwijsconsulent.
    "at_home_weeks_threshold": 4,
    # A child at home this long: the child's right to education is at stake.
    "long_at_home_weeks": 12,
}

SCHOOL_CONTACT = frozenset({"teacher", "care_coordinator", "school_management"})
# Where a samenwerkingsverband exists: primary and secondary education, special included.
SWV_SCHOOL_TYPES = frozenset({"po", "sbo", "so", "vo", "vso"})
CONSULTANT_SCHOOL_TYPES = SWV_SCHOOL_TYPES | {"mbo"}
# Topics the onderwijsconsulenten do not take: repeating a year, the level advised.
CONSULTANT_EXCLUDED_TOPICS = frozenset({"schooladvies"})


class Verdict(StrEnum):
    RECOMMENDED = "recommended"
    NOT_YET = "not_yet"
    NOT_HERE = "not_here"
    # Mentioned, never referred to (LANSbrekers is a network, not a loket).
    MENTION = "mention"


@dataclass(frozen=True)
class Facts:
    """What the intake knows of a case, as the rules read it."""

    steps_taken: frozenset[str] = frozenset()
    conflict: str = "unknown"  # yes / no / unknown
    disagrees_with_advice: bool = False
    at_home: str = "no"  # no / at_risk / yes
    weeks_at_home: int | None = None
    school_type: str = ""  # po, sbo, so, vo, vso, mbo, hbo_wo, none, or "" when unknown
    care_involved: bool = False
    legal_procedure: bool = False
    truancy: bool = False
    topics: frozenset[str] = frozenset()
    # What the parent asks for (intake's ParentQuestion): information, rights_duties, mediation,
    # complaint (a complaint or signal), unequal_treatment and right_to_education (two kinds of
    # complaint), care_funding.
    questions: frozenset[str] = frozenset()

    @property
    def talked_to_school(self) -> bool:
        return bool(self.steps_taken & SCHOOL_CONTACT)

    @property
    def in_dispute(self) -> bool:
        return self.conflict == "yes" or self.disagrees_with_advice

    @property
    def at_home_without_school(self) -> bool:
        return self.at_home == "yes"

    @property
    def care_unclear(self) -> bool:
        """Care and education meet, or the parent asks who funds them: Het Juiste Loket's ground."""
        return self.care_involved or "care_funding" in self.questions

    @property
    def unequal_treatment(self) -> bool:
        """The parent complains of unequal treatment because of a disability or chronic illness."""
        return "unequal_treatment" in self.questions

    @property
    def right_to_education_complaint(self) -> bool:
        """The parent complains that the government or the school does not respect the right to education."""
        return "right_to_education" in self.questions


@dataclass(frozen=True)
class Advice:
    loket: str  # Loket.code
    verdict: Verdict
    reason: str
    rule: str
    rule_version: str = RULES_VERSION

    @property
    def can_be_referred(self) -> bool:
        return self.verdict == Verdict.RECOMMENDED


Parameters = Mapping[str, int]
Answer = Callable[[Facts, Parameters], tuple[Verdict, str] | None]


@dataclass(frozen=True)
class Rule:
    id: str
    loket: str
    answer: Answer = field(repr=False)  # None when the rule has nothing to say about these facts


# --- The rules, in the order their advice is given ------------------------------------


def _school(facts: Facts, p: Parameters):
    if not facts.talked_to_school:
        return Verdict.RECOMMENDED, (
            "Praat eerst met de school zelf: de leerkracht, de intern begeleider of de schoolleiding. "
            "De eigen school is altijd het eerste aanspreekpunt."
        )
    return None


def _school_board(facts: Facts, p: Parameters):
    if facts.talked_to_school and facts.in_dispute and "school_board" not in facts.steps_taken:
        return Verdict.RECOMMENDED, (
            "U komt er met de school niet uit. De volgende stap is het schoolbestuur, "
            "met zijn klachtenregeling."
        )
    return None


def _swv(facts: Facts, p: Parameters):
    if facts.school_type not in SWV_SCHOOL_TYPES or "swv" in facts.steps_taken:
        return None
    if facts.talked_to_school and (facts.in_dispute or facts.at_home != "no"):
        return Verdict.RECOMMENDED, (
            "School en ouders zijn het niet eens over passend onderwijs. Het samenwerkingsverband "
            "is verantwoordelijk voor passend onderwijs in de regio: leg de situatie daar voor."
        )
    return None


def _consultant_exclusion(facts: Facts) -> str | None:
    if facts.school_type == "hbo_wo":
        return "Onderwijsconsulenten werken niet voor het hoger onderwijs (hbo en universiteit)."
    if facts.legal_procedure:
        return "Er loopt al een juridische procedure; de onderwijsconsulent neemt zo'n zaak niet aan."
    if facts.truancy:
        return "Het kind blijft thuis uit eigen onwil (spijbelen): dat is aan de leerplichtambtenaar."
    if facts.topics & CONSULTANT_EXCLUDED_TOPICS:
        return "Over zittenblijven of het niveau van het schooladvies bemiddelen onderwijsconsulenten niet."
    return None


def _consultant_case(facts: Facts, p: Parameters) -> bool:
    """A dispute about placement or support, or a child at home too long."""
    long_at_home = facts.at_home_without_school and (facts.weeks_at_home or 0) > p["at_home_weeks_threshold"]
    return facts.in_dispute or long_at_home


def _in_consultant_scope(facts: Facts) -> bool:
    """Primary, secondary and MBO, or a school type not yet known."""
    return not facts.school_type or facts.school_type in CONSULTANT_SCHOOL_TYPES


def _consultant_steps_missing(facts: Facts) -> list[str]:
    """The steps an onderwijs(zorg)consulent needs first; none for a child at home without school."""
    if facts.at_home_without_school:
        return []
    return [name for step, name in (("swv", "het samenwerkingsverband"), ("school_board", "het schoolbestuur"))
            if step not in facts.steps_taken]


def _consultant_steps_first(facts: Facts, consultant: str) -> str:
    return (
        f"Neem eerst contact op met {' en '.join(_consultant_steps_missing(facts))}; pas daarna kan {consultant} "
        "de zaak aannemen. Dat hoeft niet als uw kind thuiszit zonder onderwijs."
    )


def _onderwijsconsulent(facts: Facts, p: Parameters):
    if not _consultant_case(facts, p):
        return None
    excluded = _consultant_exclusion(facts)
    if excluded:
        return Verdict.NOT_HERE, excluded
    if not _in_consultant_scope(facts):
        return None
    if facts.at_home_without_school:
        weeks = f" al {facts.weeks_at_home} weken" if facts.weeks_at_home else ""
        return Verdict.RECOMMENDED, (
            f"Uw kind zit{weeks} thuis zonder onderwijs. Een onderwijsconsulent bemiddelt onafhankelijk en "
            "gratis tussen u en de school, en kan dat dan ook zonder dat u eerst het samenwerkingsverband "
            "en het schoolbestuur benadert."
        )
    if _consultant_steps_missing(facts):
        return Verdict.NOT_YET, _consultant_steps_first(facts, "een onderwijsconsulent")
    return Verdict.RECOMMENDED, (
        "U heeft de school, het schoolbestuur en het samenwerkingsverband gesproken en komt er niet uit. "
        "Een onderwijsconsulent bemiddelt onafhankelijk en gratis tussen u en de school."
    )


def _onderwijszorgconsulent(facts: Facts, p: Parameters):
    consultant = _onderwijsconsulent(facts, p)
    if facts.care_involved and consultant and consultant[0] == Verdict.RECOMMENDED:
        return Verdict.RECOMMENDED, (
            "Er speelt ook zorg mee. Een onderwijszorgconsulent kent zowel onderwijs als zorg; "
            "u bereikt hem via de onderwijsconsulenten."
        )
    return None


def _onderwijszorgconsulent_after_het_juiste_loket(facts: Facts, p: Parameters):
    """Care stays unclear after Het Juiste Loket: an onderwijszorgconsulent, on the consultants' own terms."""
    if not (facts.care_unclear and "het_juiste_loket" in facts.steps_taken):
        return None
    excluded = _consultant_exclusion(facts)
    if excluded:
        return Verdict.NOT_HERE, excluded
    if not _in_consultant_scope(facts):
        return None
    if _consultant_steps_missing(facts):
        return Verdict.NOT_YET, _consultant_steps_first(facts, "een onderwijszorgconsulent")
    return Verdict.RECOMMENDED, (
        "U heeft Het Juiste Loket al gevraagd en het blijft onduidelijk wie voor de zorg op school verantwoordelijk "
        "is. Een onderwijszorgconsulent kent zowel onderwijs als zorg en zoekt dat met u en de school uit; "
        "u bereikt hem via de onderwijsconsulenten."
    )


def _het_juiste_loket(facts: Facts, p: Parameters):
    # Not again to a parent who asked it already: then the onderwijszorgconsulent is next.
    if facts.care_unclear and "het_juiste_loket" not in facts.steps_taken:
        return Verdict.RECOMMENDED, (
            "Zorg en onderwijs komen samen en het is niet duidelijk wie betaalt. "
            "Het Juiste Loket weet wie waarvoor verantwoordelijk is."
        )
    return None


def _leerplicht(facts: Facts, p: Parameters):
    if facts.truancy:
        return Verdict.RECOMMENDED, (
            "Bij verzuim en spijbelen is de leerplichtambtenaar van de gemeente aan zet."
        )
    return None


def _lansbrekers(facts: Facts, p: Parameters):
    if facts.at_home == "no":
        return None
    ask = ("Vraag de professional die al bij uw kind betrokken is of hij of zij erbij hoort."
           if "professional" in facts.steps_taken else "Vraag of een professional rond uw kind erbij hoort.")
    return Verdict.MENTION, (
        f"LANSbrekers is geen loket maar een netwerk van professionals die doorbreken waar een kind thuiszit. {ask}"
    )


def _juridisch_loket(facts: Facts, p: Parameters):
    if facts.legal_procedure:
        return Verdict.RECOMMENDED, (
            "Er loopt een juridische procedure: Het Juridisch Loket geeft gratis juridisch advies."
        )
    return None


def _asks_about_rights(facts: Facts) -> bool:
    return "rights_duties" in facts.questions


def _juridisch_loket_for_rights(facts: Facts, p: Parameters):
    if _asks_about_rights(facts):
        return Verdict.RECOMMENDED, (
            "U vraagt naar uw rechten en plichten. Ook bij Het Juridisch Loket beantwoorden juristen "
            "gratis juridische vragen."
        )
    return None


def _regelrecht_for_rights(facts: Facts, p: Parameters):
    if _asks_about_rights(facts):
        return Verdict.RECOMMENDED, (
            "U vraagt naar de rechten en plichten van u als ouder of van de school. RegelRecht beantwoordt "
            "zulke vragen, ook als er geen conflict is."
        )
    return None


def _regelrecht(facts: Facts, p: Parameters):
    if facts.in_dispute:
        return Verdict.RECOMMENDED, "Voor vragen over de rechten en plichten van ouders en scholen: RegelRecht."
    return None


def _geschillencommissie(facts: Facts, p: Parameters):
    about_admission = facts.topics & {"toelating", "verwijdering", "opp"}
    if about_admission and facts.conflict == "yes" and "school_board" in facts.steps_taken:
        return Verdict.RECOMMENDED, (
            "Het geschil gaat over toelating, verwijdering of het ontwikkelingsperspectief en het "
            "schoolbestuur lost het niet op: de Geschillencommissie Passend Onderwijs oordeelt hierover."
        )
    return None


def _inspectie(facts: Facts, p: Parameters):
    if facts.in_dispute and {"school_board", "swv"} <= facts.steps_taken:
        return Verdict.RECOMMENDED, (
            "De Inspectie lost uw zaak niet op, maar spreekt school en samenwerkingsverband aan op hun "
            "verantwoordelijkheid. U kunt een signaal geven via het contactformulier."
        )
    return None


def _inspectie_for_a_complaint(facts: Facts, p: Parameters):
    if "complaint" in facts.questions:
        return Verdict.RECOMMENDED, (
            "U wilt een klacht of signaal kwijt. De Inspectie van het Onderwijs lost uw zaak niet op, maar "
            "gebruikt uw signaal om school en samenwerkingsverband aan te spreken op hun verantwoordelijkheid; "
            "u geeft het via het contactformulier. Wilt u dat uw klacht wordt behandeld, dan is de "
            "klachtenregeling van het schoolbestuur de weg."
        )
    return None


def _college_rechten_mens(facts: Facts, p: Parameters):
    if facts.unequal_treatment:
        return Verdict.RECOMMENDED, (
            "U vindt dat uw kind ongelijk wordt behandeld vanwege een handicap of chronische ziekte. Het College "
            "voor de Rechten van de Mens oordeelt of de school daarmee verboden onderscheid maakt."
        )
    return None


def _long_at_home(facts: Facts, p: Parameters) -> bool:
    """At home so long that the child's right to education is at stake."""
    return facts.at_home_without_school and (facts.weeks_at_home or 0) > p["long_at_home_weeks"]


def _kinderombudsman(facts: Facts, p: Parameters):
    if _long_at_home(facts, p):
        return Verdict.RECOMMENDED, (
            f"Uw kind zit al {facts.weeks_at_home} weken thuis. Ieder kind heeft recht op onderwijs dat bij "
            "hem past; de Kinderombudsman en de Kinderrechtenhelpdesk helpen als dat recht niet wordt gerespecteerd."
        )
    return None


_RIGHT_TO_EDUCATION_COMPLAINT = (
    "U vindt dat de overheid of de school het recht op onderwijs van uw kind niet respecteert."
)


def _kinderombudsman_for_a_complaint(facts: Facts, p: Parameters):
    """Also before the long-at-home threshold: the parent complains that the right to education is not respected."""
    if facts.right_to_education_complaint:
        return Verdict.RECOMMENDED, (
            f"{_RIGHT_TO_EDUCATION_COMPLAINT} Ieder kind heeft recht op goed onderwijs dat bij hem past "
            "(Kinderrechtenverdrag). Klaag eerst bij de school of de instantie zelf; krijgt u geen of geen goed "
            "antwoord, dan kunt u met die klacht bij de Kinderombudsman terecht."
        )
    return None


def _kinderrechtenhelpdesk(facts: Facts, p: Parameters):
    if facts.right_to_education_complaint:
        situation = _RIGHT_TO_EDUCATION_COMPLAINT
    elif _long_at_home(facts, p):
        situation = f"Uw kind zit al {facts.weeks_at_home} weken thuis."
    else:
        return None
    return Verdict.RECOMMENDED, (
        f"{situation} De Kinderrechtenhelpdesk van Defence for Children geeft advies over kinderrechten, "
        "ook over het recht op onderwijs dat bij uw kind past."
    )


RULES: tuple[Rule, ...] = (
    Rule("school-first", "school", _school),
    Rule("board-after-school", "schoolbestuur", _school_board),
    Rule("swv-after-school", "samenwerkingsverband", _swv),
    Rule("consultant", "onderwijsconsulent", _onderwijsconsulent),
    Rule("care-after-het-juiste-loket", "onderwijszorgconsulent", _onderwijszorgconsulent_after_het_juiste_loket),
    Rule("care-consultant", "onderwijszorgconsulent", _onderwijszorgconsulent),
    Rule("care-and-education", "het-juiste-loket", _het_juiste_loket),
    Rule("truancy", "leerplichtambtenaar", _leerplicht),
    Rule("at-home-network", "lansbrekers", _lansbrekers),
    # A running procedure is the sharper reason for Het Juridisch Loket; the parent's question comes next.
    Rule("legal-procedure", "juridisch-loket", _juridisch_loket),
    Rule("rights-question-legal", "juridisch-loket", _juridisch_loket_for_rights),
    # What the parent asks weighs more than a dispute the advisor notes: the question's reason first.
    Rule("rights-question", "regelrecht", _regelrecht_for_rights),
    Rule("rights-and-duties", "regelrecht", _regelrecht),
    Rule("admission-dispute", "geschillencommissie", _geschillencommissie),
    Rule("complaint-signal", "inspectie", _inspectie_for_a_complaint),
    Rule("signal-inspectorate", "inspectie", _inspectie),
    Rule("unequal-treatment", "college-rechten-mens", _college_rechten_mens),
    Rule("right-to-education", "kinderombudsman", _kinderombudsman),
    Rule("right-to-education-complaint", "kinderombudsman", _kinderombudsman_for_a_complaint),
    Rule("childrens-rights-helpdesk", "kinderrechtenhelpdesk", _kinderrechtenhelpdesk),
)

_ORDER = {Verdict.RECOMMENDED: 0, Verdict.MENTION: 1, Verdict.NOT_YET: 2, Verdict.NOT_HERE: 3}


def advise(facts: Facts, parameters: Parameters | None = None) -> list[Advice]:
    """The advice for these facts: recommendations first (in rule order), then
    what to mention, then "not yet" and "not here", each with its reason;
    one piece of advice per organisation, from the first rule that speaks of it."""
    p = {**DEFAULT_PARAMETERS, **(parameters or {})}
    advice: dict[str, Advice] = {}
    for rule in RULES:
        if rule.loket in advice:
            continue
        answer = rule.answer(facts, p)
        if answer:
            verdict, reason = answer
            advice[rule.loket] = Advice(loket=rule.loket, verdict=verdict, reason=reason, rule=rule.id)
    return sorted(advice.values(), key=lambda a: _ORDER[a.verdict])
