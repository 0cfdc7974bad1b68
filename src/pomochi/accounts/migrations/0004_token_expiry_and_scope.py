from django.db import migrations, models

import pomochi.accounts.models


class Migration(migrations.Migration):
    """Tokens expire and have a scope. Those made before keep working as they did (read and
    write) for 90 days from this migration: the callable default is evaluated once here."""

    dependencies = [
        ("accounts", "0003_drop_login_failure"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                default=pomochi.accounts.models.token_expiry, verbose_name="expires"
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(default="write", max_length=5, verbose_name="access"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read only"), ("write", "read and write")],
                default="read",
                max_length=5,
                verbose_name="access",
            ),
        ),
    ]
