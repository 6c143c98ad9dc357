"""Signed-in test clients that have passed both steps: the password and the second factor.

Tests that are about signing in itself go through the forms instead (tests/caseflow/accounts/test_security.py).
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return device


def sign_in_fully(client: Client, user) -> Client:
    """As if `user` typed their password and the code from their app."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
    return client


def signed_in_client(user) -> Client:
    return sign_in_fully(Client(), user)
