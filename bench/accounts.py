"""Who the benchmark signs in as, with sessions that have passed both sign-in steps.

Every page needs a verified second factor (caseflow/accounts/security.py), so each bench
user gets a confirmed TOTP device, and its session carries that device's id
under django-otp's session key, as django_otp.login() leaves it after the code
was typed. Sessions are made directly in the database (no password, no code).
"""

from __future__ import annotations

import time

BENCH_DEVICE_NAME = "bench"
# The simulated advisors of the load test; switched on only while it runs, so that the
# team lead's pages (advisor loads, owner choices) show the seeded team.
LOAD_USERNAME = "bench-adviseur{:02d}"


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name=BENCH_DEVICE_NAME, defaults={"confirmed": True})
    return device


def verified_session_cookie(user) -> str:
    """`sessionid=...` of a session as after the password and the second factor."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    from caseflow.accounts.security import ACTIVE_AT, STARTED_AT

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session[STARTED_AT] = session[ACTIVE_AT] = time.time()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def verified_client(user):
    """Django's test client, signed in through both steps (for counting queries in-process)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
    return client


def personas():
    """The advisor who owns the most cases, and the demo team lead."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from caseflow.accounts import roles

    users = get_user_model().objects
    advisor = (
        users.filter(groups__name=roles.ADVISOR, is_active=True)
        .annotate(owned=Count("owned_cases"))
        .order_by("-owned")
        .first()
    )
    return advisor, users.get(username="teamleider")


def load_advisors(count: int) -> list:
    """`count` advisors of their own for the load test (made once), switched on."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from caseflow.accounts import roles

    group = Group.objects.get(name=roles.ADVISOR)
    users = []
    for number in range(1, count + 1):
        user, created = get_user_model().objects.get_or_create(
            username=LOAD_USERNAME.format(number), defaults={"first_name": "Bench", "last_name": f"{number:02d}"}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        users.append(user)
    return users


def load_advisors_off() -> None:
    """Switch the load test's advisors off again (their sessions stop working with it)."""
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(username__startswith="bench-adviseur", is_active=True):
        user.is_active = False
        user.save(update_fields=["is_active"])
