"""Signing in: password and a second factor, a lockout after five wrong passwords, sessions
that end when idle, after twelve hours, or when the account is switched off."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseflow.accounts.demo import DEMO_ACCOUNTS
from tests.factories import TEST_PASSWORD
from tests.signin import signed_in_client


def _password(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _later(seconds: int = 10) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


# --- Two-factor sign-in -----------------------------------------------------------------------


def test_a_first_sign_in_enrols_the_app_and_shows_backup_codes_once(client, advisor, caplog):
    _password(client, "anna")
    response = client.get(reverse("start"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))

    page = client.get(response.url).content.decode()
    assert "<svg" in page and 'data-testid="otp-secret"' in page
    device = TOTPDevice.objects.get(user=advisor, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000", "next": "/"})
    assert "Deze code klopt niet" in wrong.content.decode()

    # django-otp slows down guessing: after a wrong code the next try waits a moment.
    with caplog.at_level(logging.INFO, logger="caseflow.security"), time_machine.travel(_later(), tick=False):
        done = client.post(reverse("two_factor_setup"), {"code": _code(device), "next": "/zaken/mijn/"})
    assert done.status_code == 302
    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<li class=\"col-6\">(\d{8})</li>", codes_page)
    assert len(codes) == 10
    assert client.get(done.url).status_code == 302  # shown once only
    assert client.get(reverse("intake:my_cases")).status_code == 200
    assert f"second factor enrolled user_id={advisor.pk}" in caplog.text


def test_every_later_sign_in_asks_for_a_code_and_a_backup_code_works_once(client, advisor):
    device = TOTPDevice.objects.create(user=advisor, name="app", confirmed=True)
    from django_otp.plugins.otp_static.models import StaticDevice

    backup = StaticDevice.objects.create(user=advisor, name="backup")
    backup.token_set.create(token="12345678")

    _password(client, "anna")
    assert client.get(reverse("intake:my_cases")).url.startswith(reverse("two_factor_verify"))
    assert "klopt niet" in client.post(reverse("two_factor_verify"), {"code": "999999"}).content.decode()
    with time_machine.travel(_later(), tick=False):
        assert client.post(reverse("two_factor_verify"), {"code": "1234 5678"}).status_code == 302
    assert client.get(reverse("intake:my_cases")).status_code == 200

    client.post(reverse("logout"))
    _password(client, "anna")
    assert "klopt niet" in client.post(reverse("two_factor_verify"), {"code": "12345678"}).content.decode()
    with time_machine.travel(_later(seconds=60), tick=False):
        assert client.post(reverse("two_factor_verify"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("intake:my_cases")).status_code == 200


def test_without_the_second_factor_no_page_opens(client, advisor, team_lead):
    _password(client, "anna")
    for name in ("intake:call_new", "intake:my_cases", "callbacks_today", "notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/aanmelden/" in response.url, name


def test_the_demo_accounts_may_skip_the_second_factor_only_when_the_setting_says_so(client, settings, db):
    from caseflow.accounts.demo import demo_accounts_reset

    settings.DEBUG = True
    account, password = demo_accounts_reset()[0]
    _password(client, account.username, password)
    assert client.get(reverse("start")).status_code == 302
    settings.TWO_FACTOR_DEMO_EXEMPT = True
    assert client.get(reverse("start")).status_code == 200
    assert account.username in {a.username for a in DEMO_ACCOUNTS}


def test_production_refuses_the_demo_exemption(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import caseflow.settings

    for name, value in {
        "CASEFLOW_ENV": "production", "SECRET_KEY": "x" * 30 + "abcdefghijklmnopqrstuvwxyz0123",
        "ALLOWED_HOSTS": "a", "DATABASE_URL": "postgres://u@h/d", "REDIS_URL": "redis://h",
        "TWO_FACTOR_DEMO_EXEMPT": "true", "DEBUG": "false",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match="TWO_FACTOR_DEMO_EXEMPT"):
        importlib.reload(caseflow.settings)
    monkeypatch.undo()
    importlib.reload(caseflow.settings)


# --- Lockout ------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_for_15_minutes(client, advisor, caplog):
    for _ in range(4):
        assert "Voer een juiste gebruikersnaam" in _password(client, "anna", "fout").content.decode()
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        locked = _password(client, "anna", "fout")
    assert locked.status_code == 429
    assert "15 minuten" in locked.content.decode() and "geblokkeerd" in locked.content.decode()
    assert f"sign-in locked out user_id={advisor.pk}" in caplog.text
    assert "anna" not in caplog.text
    # The right password does not help while locked ...
    assert _password(client, "anna").status_code == 429
    # ... another username is not affected ...
    assert _password(Client(), "bram-onbekend", "fout").status_code == 200
    # ... and after 15 minutes it works again.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _password(client, "anna").status_code == 302


# --- Session limits -----------------------------------------------------------------------------


def test_an_idle_session_ends_after_15_minutes(advisor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in_client(advisor)
        assert client.get(reverse("intake:my_cases")).status_code == 200
        clock.shift(dt.timedelta(minutes=14))
        assert client.get(reverse("intake:my_cases")).status_code == 200  # 14 minutes: still in, and active again
        clock.shift(dt.timedelta(minutes=14))
        assert client.get(reverse("intake:my_cases")).status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        response = client.get(reverse("intake:my_cases"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "15 minuten zonder activiteit" in client.get(response.url).content.decode()


def test_the_notification_badge_polling_does_not_keep_a_session_alive(advisor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(advisor)
        client.get(reverse("intake:my_cases"))
        for _ in range(3):  # polled at 4, 8 and 12 minutes: still signed in, but not kept alive
            clock.shift(dt.timedelta(minutes=4))
            assert client.get(reverse("notification_badge")).status_code == 200
        clock.shift(dt.timedelta(minutes=3, seconds=1))
        response = client.get(reverse("notification_badge"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))


def test_staying_signed_in_from_the_warning_counts_as_activity(advisor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(advisor)
        client.get(reverse("start"))
        clock.shift(dt.timedelta(minutes=14, seconds=10))
        assert client.post(reverse("session_extend")).status_code == 204
        clock.shift(dt.timedelta(minutes=10))
        assert client.get(reverse("start")).status_code == 200


def test_a_session_ends_after_12_hours_however_active(advisor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in_client(advisor)
        for _ in range(12 * 6):
            assert client.get(reverse("start")).status_code == 200
            clock.shift(dt.timedelta(minutes=10))
        response = client.get(reverse("start"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_switching_an_account_off_ends_its_sessions(advisor):
    client = signed_in_client(advisor)
    assert client.get(reverse("start")).status_code == 200
    advisor.is_active = False
    advisor.save()
    response = client.get(reverse("start"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_idle_warning_is_on_every_signed_in_page(advisor_client):
    page = advisor_client.get(reverse("start")).content.decode()
    assert 'data-testid="session-warning"' in page and 'data-idle-seconds="900"' in page
