from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "pomochi.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        # The digest's composer registers itself (notify.compose words mail by kind).
        from pomochi.notify import digest  # noqa: F401
        from pomochi.notify.attention import register

        register()
