"""Refusals logged before refusal codes existed may name the giver or repeat a withdrawal reason.

The gate used to write "given by someone without (known) parental authority: <names>" and
"withdrawn on <date>: <reason>" into Disclosure.refusal, and the disclosure log (with its
history) outlives the case's personal data. Each old refusal gets the code its text shows;
the texts that may hold personal data, and any text not recognised, are replaced by the
generic text for their code. The others (no consent, another recipient, expired, a category
not covered, both parents) were built from facts that name no one and stay as they are.

Old texts are recognised in Dutch (the helpline's language) and in English (the source).
The generic texts are Dutch, the language the helpline works in. There is no way back: the
removed texts are not kept anywhere.
"""

from django.db import migrations

OLD_TEXT_STARTS = {
    "no_record": ("Er is geen toestemming voor", "There is no consent for"),
    "wrong_recipient": ("De toestemming voor dit doel geldt voor een andere ontvanger",
                        "The consent for this purpose is for another recipient"),
    "withdrawn": ("De toestemming is ingetrokken", "The consent was withdrawn"),
    "expired": ("De toestemming is verlopen", "The consent expired"),
    "no_authority": ("De toestemming is gegeven door iemand", "The consent was given by someone"),
    "category_not_covered": ("De toestemming dekt niet", "The consent does not cover"),
    "both_parents": ("Iedere ouder met gezag", "Every parent with authority"),
}
# The code of a refusal whose old text is none of the above.
UNRECOGNISED = "legacy"
GENERIC_TEXTS = {
    "withdrawn": "De toestemming is ingetrokken.",
    "no_authority": "De toestemming is gegeven door iemand zonder (bekend) gezag.",
    UNRECOGNISED: "Niet toegestaan; de reden van vóór de weigeringscodes is niet bewaard.",
}


def refusal_rewritten(text: str) -> tuple[str, str]:
    """The code and the text to keep for an old refusal text."""
    code = next(
        (code for code, starts in OLD_TEXT_STARTS.items() if text.startswith(starts)), UNRECOGNISED
    )
    return code, GENERIC_TEXTS.get(code, text)


def refusals_scrub(apps, schema_editor) -> None:
    # _base_manager: a plain manager, also when this runs against the live models (its test).
    for name in ("Disclosure", "HistoricalDisclosure"):
        model = apps.get_model("consent", name)
        refused = model._base_manager.filter(allowed=False, refusal_code="")
        for pk, text in refused.values_list("pk", "refusal"):
            code, kept = refusal_rewritten(text)
            model._base_manager.filter(pk=pk).update(refusal_code=code, refusal=kept)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0002_disclosure_refusal_code"),
    ]

    operations = [
        migrations.RunPython(refusals_scrub, migrations.RunPython.noop, elidable=True),
    ]
