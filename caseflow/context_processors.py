from django.conf import settings

from caseflow import roles


def roles_context(request) -> dict:
    """Role flags for the navigation; no query for anonymous visitors."""
    user = request.user
    return {
        "is_advisor": roles.is_advisor(user),
        "is_team_lead": roles.is_team_lead(user),
        "is_administrator": roles.is_administrator(user),
        "notification_poll_seconds": settings.NOTIFICATION_POLL_SECONDS,
    }
