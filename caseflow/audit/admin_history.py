"""The management site's history pages, read as the case's own history page is: each changed
value by its label or name (Ja/Nee, a choice's label, the linked object's name, a dash for
nothing), never True/False/None, a code or "Deleted gebruiker (pk=None)"."""

from __future__ import annotations

from django.db.models import ManyToManyField
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from caseflow.audit.timeline import readable_value


class ReadableDeltaHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value) -> str:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            related = super().prepare_delta_change_value(change, value)  # the related objects
            return ", ".join(str(item) for item in related) or readable_value(None)
        if isinstance(value, DeletedObject):
            # No object (an empty link), or one that is gone: by its kind, never its id.
            return readable_value(None) if value.pk is None else str(field.related_model._meta.verbose_name)
        if field.choices and value not in (None, ""):
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation and value is not None:
            return str(value)
        return readable_value(value)
