from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseflowConfig(AppConfig):
    default = True
    name = "caseflow"
    verbose_name = _("Caseflow")

    def ready(self) -> None:
        from caseflow.demo import register_demo_seeder
        from caseflow.demo_callbacks import demo_callbacks_seed
        from caseflow.roles import sync_role_groups
        from caseflow.topics import topics_first_list

        post_migrate.connect(sync_role_groups, dispatch_uid="caseflow.sync_role_groups")
        post_migrate.connect(topics_first_list, sender=self, dispatch_uid="caseflow.topics_first_list")
        register_demo_seeder("callbacks", lambda count: f"{demo_callbacks_seed()} call-backs", order=90)
        _register_personal_data()


def _register_personal_data() -> None:
    from caseflow.dates import moment_text
    from caseflow.models import Callback, Case
    from caseflow.privacy import (
        ANONYMISED_BY_ERASURE,
        ANONYMISED_BY_RETENTION,
        PersonalData,
        register_personal_data,
    )

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

    default_site = "caseflow.admin_site.CaseflowAdminSite"
