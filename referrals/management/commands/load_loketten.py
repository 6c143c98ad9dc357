from django.core.management.base import BaseCommand

from referrals.directory import directory_load
from referrals.models import Loket, RuleParameter


class Command(BaseCommand):
    help = "Add the organisations and rule parameters of referrals/data/loketten.json that are missing."

    def handle(self, *args, **options) -> None:
        lokets, parameters = directory_load(loket_model=Loket, parameter_model=RuleParameter)
        self.stdout.write(f"Loket directory: {lokets} organisations and {parameters} rule parameters added.")
