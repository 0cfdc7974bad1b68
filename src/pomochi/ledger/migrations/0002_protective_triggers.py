from django.db import migrations

from pomochi.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor, "ledger_event")


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor, "ledger_event")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial"), ("audit", "0002_protective_triggers")]
    operations = [migrations.RunPython(install, uninstall)]
