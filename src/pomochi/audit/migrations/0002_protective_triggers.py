from django.db import migrations

from pomochi.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor, "audit_auditentry")


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor, "audit_auditentry")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
