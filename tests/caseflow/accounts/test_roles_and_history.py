from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from caseflow.accounts import roles
from caseflow.accounts.models import User


def test_every_role_exists_with_exactly_its_listed_permissions(db):
    for role, names in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list("content_type__app_label", "codename")
        }
        assert granted == names


def test_every_listed_permission_exists(db):
    # A typo in ROLE_PERMISSIONS would otherwise silently grant nothing.
    for names in roles.ROLE_PERMISSIONS.values():
        for name in names:
            app, codename = name.split(".")
            assert Permission.objects.filter(content_type__app_label=app, codename=codename).exists(), name


def test_syncing_takes_away_a_permission_granted_by_hand(db):
    group = Group.objects.get(name=roles.ADVISOR)
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    roles.sync_role_groups()
    assert not group.permissions.filter(codename="delete_user").exists()


def test_a_change_made_in_a_request_records_who_made_it(administrator_client, administrator, advisor):
    url = reverse("admin:caseflow_user_change", args=[advisor.pk])
    form = {
        "username": advisor.username,
        "first_name": "Anna",
        "last_name": "Verbeek",
        "email": advisor.email,
        "is_active": "on",
        "groups": [Group.objects.get(name=roles.ADVISOR).pk],
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    response = administrator_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]

    change = advisor.history.latest()
    assert change.last_name == "Verbeek"
    assert change.history_user == administrator
    assert change.prev_record.last_name != "Verbeek"
    # The password hash is never copied into the history.
    assert not hasattr(change, "password")


def test_a_user_reads_as_their_name(db):
    assert str(User(username="x", first_name="Anna", last_name="de Vries")) == "Anna de Vries"
    assert str(User(username="anna")) == "anna"
