"""The public contact form's rate limit: at most CONTACT_FORM_SENDS_PER_HOUR per client address.

The counter is a row per address and clock hour in the database (ContactFormSends), not a
cache: the database is shared by every gunicorn worker and every machine already, needs no
further service or setting, behaves the same on SQLite and PostgreSQL, and follows a test's
clock. A contact form is sent a few dozen times a day, so the one row write costs nothing.

The address is never stored: only a keyed hash (HMAC with the SECRET_KEY, so the hashes of
the few billion IPv4 addresses cannot be computed by anyone who reads the table), and the
nightly retention run deletes the rows of past hours.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest

from intake.models import ContactFormSends


def client_address(request: HttpRequest) -> str:
    """The address the request came from. Behind a proxy, CLIENT_ADDRESS_HEADER names the header the
    proxy writes it into (X-Forwarded-For); its last entry is the one our own proxy added, the others
    are whatever the client claimed."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def _address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def contact_form_send_allowed(*, address: str, now: datetime) -> bool:
    """Count one send from `address` in this hour; False (and nothing counted) when it has had its share.

    Runs inside the transaction that stores the message (select_for_update refuses to run outside
    one): the row stays locked until it commits, so two sends at the same moment cannot both take
    the last place, and a refused or failed message counts nothing.
    """
    key, hour = _address_hash(address), _hour_of(now)
    ContactFormSends.objects.bulk_create([ContactFormSends(address_hash=key, hour=hour)], ignore_conflicts=True)
    counter = ContactFormSends.objects.select_for_update().get(address_hash=key, hour=hour)
    if counter.sends >= settings.CONTACT_FORM_SENDS_PER_HOUR:
        return False
    counter.sends += 1
    counter.save(update_fields=["sends"])
    return True


def contact_form_counters_delete(now: datetime) -> int:
    """The nightly sweep: the counters of hours that are over (a day's margin) go, and their hashes with them."""
    deleted, _per_model = ContactFormSends.objects.filter(hour__lt=now - timedelta(days=1)).delete()
    return deleted
