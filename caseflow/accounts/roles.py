"""The roles of the helpline and what each may do.

Roles are Django groups whose permissions are kept in step with ROLE_PERMISSIONS
after every migrate, so the code is the single place that says what a role may
do. Administrators are superusers; they manage accounts in the admin site.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

ADVISOR = "Adviseur"
TEAM_LEAD = "Teamleider"

# What every case worker may do: find, open and follow any case, log calls.
_CASE_WORK = {
    "caseflow.view_case",
    "caseflow.add_case",
    "caseflow.change_case",
    "caseflow.view_topic",
    "caseflow.view_callback",
    "caseflow.add_callback",
    "caseflow.change_callback",
    "intake.view_call",
    "intake.add_call",
    "intake.view_caller",
    "intake.add_caller",
    "intake.change_caller",
    "intake.view_child",
    "intake.change_child",
    "intake.view_inboxmessage",
    "intake.change_inboxmessage",
    "referrals.view_loket",
    "referrals.view_ruleparameter",
    "referrals.view_referral",
    "referrals.add_referral",
    "referrals.change_referral",
    "consent.view_purpose",
    "consent.view_consentrecord",
    "consent.add_consentrecord",
    "consent.change_consentrecord",
    "consent.view_disclosure",
    "consent.view_recipientnotice",
    "consent.change_recipientnotice",
}

# "app_label.codename" per role. Later apps add their models' permissions here.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    ADVISOR: _CASE_WORK,
    # Team leads also keep the directory data in the admin site.
    TEAM_LEAD: _CASE_WORK
    | {
        "caseflow.add_topic",
        "caseflow.lead_team",
        "caseflow.change_topic",
        "referrals.add_loket",
        "referrals.change_loket",
        "referrals.change_ruleparameter",
        "consent.add_purpose",
        "consent.change_purpose",
    },
}


def _permissions(names: set[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = Permission.objects.select_related("content_type").filter(
        codename__in={codename for _, codename in wanted}
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give them exactly the permissions listed above.

    Connected to post_migrate for every app, because each app's permissions
    only exist once that app has been migrated.
    """
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))


def user_roles(user) -> frozenset[str]:
    """The role names of a user, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_caseflow_roles"):
        user._caseflow_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._caseflow_roles


def is_advisor(user) -> bool:
    return user.is_active and ADVISOR in user_roles(user)


def is_team_lead(user) -> bool:
    return user.is_active and TEAM_LEAD in user_roles(user)


def is_administrator(user) -> bool:
    return user.is_active and user.is_superuser


def may(user, permission: str) -> bool:
    """May `user` do this, by their role? The one rule every view and template asks.

    Not `user.has_perm`: that says yes to superusers for everything, and an
    administrator manages accounts; reading children's cases needs the role.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    return any(permission in ROLE_PERMISSIONS.get(role, ()) for role in user_roles(user))


class RolePermissions:
    """`may.app.codename` in templates, answered by `may()` (like Django's `perms`)."""

    def __init__(self, user, app_label: str | None = None):
        self.user, self.app_label = user, app_label

    def __getattr__(self, name: str):
        if self.app_label is None:
            return RolePermissions(self.user, name)
        return may(self.user, f"{self.app_label}.{name}")

    def __getitem__(self, name: str):
        return self.__getattr__(name)
