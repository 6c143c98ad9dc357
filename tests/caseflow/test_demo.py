import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from caseflow import roles
from caseflow.demo import DEMO_ACCOUNTS
from caseflow.models import User


def test_demo_accounts_are_refused_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only made with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_demo_accounts_sign_in_with_the_printed_passwords(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    printed = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        line = re.search(rf"^\s+{account.role}\s+{account.username}\s+(\S+)$", printed, re.MULTILINE)
        assert line, printed
        client = Client()
        response = client.post(reverse("login"), {"username": account.username, "password": line.group(1)})
        assert response.status_code == 302 and "_auth_user_id" in client.session
        user = User.objects.get(username=account.username)
        assert list(user.groups.values_list("name", flat=True)) == [account.role]
    assert {a.role for a in DEMO_ACCOUNTS} == {roles.ADVISOR, roles.TEAM_LEAD}
    assert sum(a.role == roles.ADVISOR for a in DEMO_ACCOUNTS) == 2


def test_running_it_again_gives_new_passwords_and_no_duplicates(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert first != second
    assert User.objects.count() == len(DEMO_ACCOUNTS)
