from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Founding a community from the web and the API, its starter sets, the first-run checklist.

    It sits above the ledger: it may import communities, audit and ledger; nothing below it
    imports it."""

    name = "pomochi.onboarding"
    label = "onboarding"
    verbose_name = _("Founding")
