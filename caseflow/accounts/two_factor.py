"""The second sign-in step: enrol an authenticator app once, then a code at every sign-in.

django-otp keeps the devices: a TOTP device (the app) and a static device with
ten backup codes, each usable once, shown one time after enrolment.
"""

from __future__ import annotations

import io
import logging
import secrets
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseflow.accounts.security import second_factor_exempt
from caseflow.lib.request_input import next_path

security_log = logging.getLogger("caseflow.security")
BACKUP_CODES = 10
BACKUP_CODES_SESSION_KEY = "caseflow_backup_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": gettext_lazy("Fill in the code.")},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the length of the username checked before authenticate().

    AuthenticationForm sets the username's max_length after the field is made, so no
    validator checks it; a username of 100,000 characters reached django-axes, whose
    failed-attempt row holds 255 (a server error on PostgreSQL).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


def _svg_qr(data: str) -> str:
    out = io.BytesIO()
    # Paths only, no style attributes: the Content-Security-Policy allows no inline styles.
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # without the XML declaration, to sit inside the page


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code in an authenticator app and type the code it shows."""
    if django_otp.user_has_device(request.user):
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name=_("Authenticator app"), confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = _confirm(device)
            django_otp.login(request, device)
            security_log.info("second factor enrolled user_id=%s", request.user.pk)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('two_factor_backup_codes')}?{urlencode({'next': next_path(request, '/')})}")
        form.add_error("code", _("This code is not right. Type the code your app shows now."))
    context = {
        "form": form,
        "qr": _svg_qr(device.config_url),
        "secret": _base32(device),
        "next": next_path(request, "/"),
    }
    return render(request, "registration/two_factor_setup.html", context)


def _base32(device: TOTPDevice) -> str:
    """The secret for typing in by hand, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def _confirm(device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save()
    backup, _created = StaticDevice.objects.get_or_create(user=device.user, name="backup")
    backup.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


@require_http_methods(["GET"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes, once: they are in the session only until this page is shown."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(next_path(request, "/"))
    context = {"codes": codes, "next": next_path(request, "/")}
    return render(request, "registration/two_factor_backup_codes.html", context)


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Every sign-in: the code from the app, or one of the backup codes."""
    if not django_otp.user_has_device(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(request, _("You used a backup code; each works once."))
            return redirect(next_path(request, "/"))
        security_log.warning("second factor refused user_id=%s", request.user.pk)
        form.add_error("code", _("This code is not right. Type the code your app shows now, or a backup code."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_path(request, "/")})
