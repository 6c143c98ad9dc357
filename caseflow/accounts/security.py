"""Who gets in and for how long: the second factor, idle and absolute session limits,
and the log lines of refusals (user ids, never names).

Order in MIDDLEWARE: after AuthenticationMiddleware and django-otp's
OTPMiddleware, so that request.user and request.user.is_verified() are known.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

security_log = logging.getLogger("caseflow.security")

# Session keys: when the session began, and the last request the user made themselves.
STARTED_AT = "caseflow_started_at"
ACTIVE_AT = "caseflow_active_at"
# Activity is written at most this often: not a session write on every request.
ACTIVITY_RESOLUTION_SECONDS = 10


@receiver(user_logged_in)
def _session_started(sender, request: HttpRequest, user, **kwargs) -> None:
    request.session[STARTED_AT] = request.session[ACTIVE_AT] = time.time()


def passive(view: Callable) -> Callable:
    """Mark a view that a page calls by itself (polling): it does not count as activity."""
    view.caseflow_passive = True
    return view


def second_factor_exempt(view: Callable) -> Callable:
    """Mark a view reachable between the password and the second factor (the 2FA pages, sign-out)."""
    view.caseflow_before_second_factor = True
    return view


def _is_demo_exempt(user) -> bool:
    from caseflow.accounts.demo import DEMO_ACCOUNTS

    return settings.TWO_FACTOR_DEMO_EXEMPT and user.username in {a.username for a in DEMO_ACCOUNTS}


def needs_second_factor(user) -> bool:
    return (
        settings.TWO_FACTOR_REQUIRED
        and user.is_authenticated
        and not user.is_verified()
        and not _is_demo_exempt(user)
    )


class SessionLimitsMiddleware:
    """Sign out after SESSION_IDLE_SECONDS without activity, and after SESSION_MAX_SECONDS in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        now = time.time()
        session = request.session
        started = session.setdefault(STARTED_AT, now)
        active = session.get(ACTIVE_AT, now)
        if now - started >= settings.SESSION_MAX_SECONDS:
            message, why = _("You have been signed out: a session lasts at most 12 hours."), "absolute"
        elif now - active >= settings.SESSION_IDLE_SECONDS:
            minutes = settings.SESSION_IDLE_SECONDS // 60
            message = _("You have been signed out after %(n)s minutes without activity.") % {"n": minutes}
            why = "idle"
        else:
            message = why = None
        if why is not None:
            response = _signed_out(request, message, why)
            # A page open to anyone (the draft autosave with its own grant) goes on, signed out.
            return None if getattr(view, "login_required", True) is False else response
        if not getattr(view, "caseflow_passive", False) and now - active >= ACTIVITY_RESOLUTION_SECONDS:
            session[ACTIVE_AT] = now
        return None


def _signed_out(request: HttpRequest, message: str, why: str) -> HttpResponse:
    security_log.info("session ended (%s) user_id=%s", why, request.user.pk)
    next_path = request.get_full_path() if request.method == "GET" and not request.htmx else "/"
    logout(request)
    messages.info(request, message)
    return _to_page(request, f"{reverse('login')}?{urlencode({'next': next_path})}")


def _to_page(request: HttpRequest, target: str) -> HttpResponse:
    """Redirect; for htmx, the whole page (it would swap the sign-in page into a fragment)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


class SecondFactorMiddleware:
    """Every page needs the second factor too, except the steps that give it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if getattr(view, "caseflow_before_second_factor", False) or not getattr(view, "login_required", True):
            return None
        if not needs_second_factor(request.user):
            return None
        from django_otp import user_has_device

        step = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
        return _to_page(request, f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """django-axes' answer to a locked-out username: a Dutch page, and a log line with the user id."""
    from django.contrib.auth import get_user_model
    from django.shortcuts import render

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    security_log.warning("sign-in locked out user_id=%s", user_id)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"lockout_minutes": minutes}, status=429)
