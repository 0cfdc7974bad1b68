"""Format version 2 of the audit chain: each entry's digest commits to a random salt.

Entries already written keep verifying as version 1 (no salt). On SQLite adding a column with a
default rebuilds the table, which drops its protective triggers: they are installed again.
"""

from django.db import migrations, models

from pomochi.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor, "audit_auditentry")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_protective_triggers")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="salt",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="private",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
