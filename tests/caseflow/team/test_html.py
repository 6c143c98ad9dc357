"""QuickSelect writes the <select> Django's Select writes, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from caseflow.team.html import QuickSelect

CHOICES = [("", "—"), ("none", "Team queue"), (4, "Anna <b>de Vries</b> & zn"), (5, 'Bram "B." Jansen')]


@pytest.mark.parametrize("value", [None, "", "none", 4, "4", "5", "999", "<script>"])
def test_quick_select_writes_what_djangos_select_writes(value):
    attrs = {"id": "id_owner", "class": "form-select", "required": True}
    ours = QuickSelect(choices=CHOICES).render("owner", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("owner", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)  # the same elements, attributes and text, in any order
    assert "<b>" not in ours and "&lt;b&gt;" in ours  # labels escaped
