from django.conf import settings

from caseflow.accounts import roles
from caseflow.accounts.security import needs_second_factor


def roles_context(request) -> dict:
    """Role flags for the navigation; no query for anonymous visitors."""
    user = request.user
    return {
        "is_advisor": roles.is_advisor(user),
        "is_team_lead": roles.is_team_lead(user),
        "is_administrator": roles.is_administrator(user),
        "may": roles.RolePermissions(user),
        "notification_poll_seconds": settings.NOTIFICATION_POLL_SECONDS,
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
        # Between the password and the second factor the menu stays hidden: nothing in it opens yet.
        "fully_signed_in": user.is_authenticated and not needs_second_factor(user),
    }
