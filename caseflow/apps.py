from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseflowConfig(AppConfig):
    default = True
    name = "caseflow"
    verbose_name = _("Caseflow")

    def ready(self) -> None:
        """Wire the concern packages together: each hook lets a lower concern reach a higher one
        without importing it (the order of the concerns: tests/test_imports.py)."""
        from caseflow.accounts.roles import sync_role_groups
        from caseflow.audit.access_log import register_page_words
        from caseflow.callbacks.demo import demo_callbacks_seed
        from caseflow.callbacks.services import callback_cancel_open
        from caseflow.cases.services import register_close_hook
        from caseflow.cases.topics import topics_first_list
        from caseflow.demo import register_demo_seeder
        from caseflow.team.figures import EXPORT_PAGE, export_page_words

        post_migrate.connect(sync_role_groups, dispatch_uid="caseflow.sync_role_groups")
        post_migrate.connect(topics_first_list, sender=self, dispatch_uid="caseflow.topics_first_list")
        register_close_hook("callbacks", callback_cancel_open)
        register_page_words(EXPORT_PAGE, export_page_words)
        register_demo_seeder("callbacks", lambda count: f"{demo_callbacks_seed()} call-backs", order=90)
        _register_personal_data()


def _register_personal_data() -> None:
    from caseflow.audit.personal_data import PersonalData, register_personal_data
    from caseflow.audit.retention import ANONYMISED_BY_ERASURE, ANONYMISED_BY_RETENTION
    from caseflow.callbacks.models import Callback
    from caseflow.cases.models import Case
    from caseflow.lib.dates import moment_text

    free_text = {"summary": "", "close_note": "", "flag_reason": "", "review_question": "", "review_comment": "",
                 "retention_hold_reason": ""}  # fmt: skip
    # The reference and why it was anonymised ("retention", "erasure") name no one.
    register_personal_data(
        PersonalData(Case, "id", free_text, _("Case"), kept=("reference", "anonymised_why"),
                     named=lambda case: _("case %(reference)s") % {"reference": case.reference},
                     labels={"anonymised_why": lambda: {ANONYMISED_BY_RETENTION: _("retention period over"),
                                                        ANONYMISED_BY_ERASURE: _("erased on request")}})
    )  # fmt: skip
    register_personal_data(
        PersonalData(Callback, "case", {"subject": "", "phone": "", "outcome_note": ""}, _("Call-backs"),
                     named=lambda callback: _("call-back %(moment)s") % {"moment": moment_text(callback.due_at)})
    )  # fmt: skip


# Imported through its module, and marked not default, so that "caseflow" in
# INSTALLED_APPS still means CaseflowConfig.
class CaseflowAdminConfig(admin_apps.AdminConfig):
    """The admin site, open to team leads (directory data) and administrators."""

    default = False

    default_site = "caseflow.accounts.admin_site.CaseflowAdminSite"
