"""The token that lets a call form save its draft even after the session ended.

An advisor whose session expires mid-call must not lose the call. The form
carries a signed token naming the advisor, the form's slot and the form's
own id; the draft endpoint accepts a save with a valid token and no session.
The token only ever lets that form write that advisor's draft: it reads
nothing and opens no session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core import signing

_SALT = "intake.draft"
# Longer than the longest working day, so a form left open all day still saves.
MAX_AGE_SECONDS = 14 * 60 * 60


@dataclass(frozen=True)
class DraftGrant:
    author_id: int
    slot: str
    form_token: uuid.UUID


def draft_grant_sign(grant: DraftGrant) -> str:
    return signing.dumps([grant.author_id, grant.slot, str(grant.form_token)], salt=_SALT)


def draft_grant_read(token: str) -> DraftGrant | None:
    try:
        author_id, slot, form_token = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
        return DraftGrant(int(author_id), str(slot), uuid.UUID(form_token))
    except (signing.BadSignature, ValueError, TypeError):
        return None
