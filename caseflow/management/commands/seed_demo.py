import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from caseflow.accounts.demo import demo_accounts_reset
from caseflow.cases.models import Case
from caseflow.demo import demo_data_seed


class Command(BaseCommand):
    help = "Create the demo accounts (advisor, second advisor, team lead), print their passwords, add demo cases."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=0, help="Add this many realistic cases (default: none).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Add the cases only when there are none yet (make run)."
        )

    def handle(self, *args, cases: int, if_empty: bool, **options) -> None:
        try:
            accounts = demo_accounts_reset()
            self._print_accounts(accounts)
            if cases > 0 and not (if_empty and Case.objects.exists()):
                started = time.monotonic()
                for line in demo_data_seed(cases=cases):
                    self.stdout.write(line)
                self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} s")
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} Set CASEFLOW_ENV=development DEBUG=true (make run does).") from None

    def _print_accounts(self, accounts) -> None:
        self.stdout.write(self.style.SUCCESS("Demo accounts (new passwords on every start):"))
        for account, password in accounts:
            self.stdout.write(f"  {account.role:<11} {account.username:<11} {password}")
