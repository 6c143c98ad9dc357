from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from caseflow.demo import demo_accounts_reset


class Command(BaseCommand):
    help = "Create the demo accounts (advisor, second advisor, team lead) and print their passwords."

    def handle(self, *args, **options) -> None:
        try:
            accounts = demo_accounts_reset()
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} Set CASEFLOW_ENV=development DEBUG=true (make run does).")
        self.stdout.write(self.style.SUCCESS("Demo accounts (new passwords on every start):"))
        for account, password in accounts:
            self.stdout.write(f"  {account.role:<11} {account.username:<11} {password}")
