"""Django's flush, through the maintenance door: test teardown empties immutable tables too."""

from django.core.management.commands.flush import Command as FlushCommand

from pomochi.audit.maintenance import maintenance_mode


class Command(FlushCommand):
    def handle(self, **options):
        with maintenance_mode(using=options["database"]):
            return super().handle(**options)
