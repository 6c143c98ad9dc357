import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from caseflow.accounts.security import passive
from caseflow.health import service_states

security_log = logging.getLogger("caseflow.security")


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "caseflow/start.html")


@login_not_required
@passive
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico by themselves, whatever the page links (templates/base.html
    links our SVG icon): send them there instead of answering 404. A browser's own request, so
    it is not the advisor's activity (caseflow.accounts.security.passive)."""
    return redirect(static("favicon.svg"))


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    services = service_states()
    healthy = all(state["ok"] for state in services.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **services},
        status=200 if healthy else 503,
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 page; every refusal is logged with the user's id, never their name."""
    security_log.warning(
        "forbidden user_id=%s method=%s path=%s",
        getattr(request.user, "pk", None),
        request.method,
        request.path,
    )
    return render(request, "403.html", status=403)


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """"Stay signed in" in the idle warning: an active request, nothing more."""
    return HttpResponse(status=204)
