"""`pomochi seed_demo`: load the demo village, so there is something to look at and log in to.

The work is in `pomochi.demo.village`; this command checks its arguments, decides the short name,
runs the build in one transaction and says how to log in. `--language ru` loads the village in
Russian (names, stores, units and notes from `pomochi.demo.words`) and speaks Russian itself.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from pomochi.communities.models import Community
from pomochi.demo.village import PASSWORD, DemoLogin, build_demo_village, demo_logins
from pomochi.demo.words import ENGLISH, LANGUAGES

HOUSEHOLDS = (2, 2000)
SEASONS = (1, 20)
# Room for "-NN" after the slug within Community.slug's 60 characters.
SLUG_MAX = 50


class Command(BaseCommand):
    help = (
        "Load a demo village: households, shared stores and years of contributions, "
        "distributions, gifts and work, with demo logins (password pomochi-demo). "
        "Never load it into a database that real people use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=40, help="how many households (2 to 2000)"
        )
        parser.add_argument(
            "--seasons", type=int, default=2, help="years of history, ending today (1 to 20)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same village and history"
        )
        parser.add_argument("--slug", default="demo", help="the community's short name")
        parser.add_argument(
            "--language",
            default=ENGLISH.language,
            help="the village's language: its names, stores, units and notes ("
            + ", ".join(LANGUAGES)
            + ")",
        )
        once = parser.add_mutually_exclusive_group()
        once.add_argument(
            "--if-absent",
            action="store_true",
            help="if the community exists already, say so and exit successfully",
        )
        once.add_argument(
            "--add-another",
            action="store_true",
            help="if the community exists already, load another one (demo-2, demo-3 …)",
        )

    def handle(self, *args, language=ENGLISH.language, **options):
        if language not in LANGUAGES:
            raise CommandError(
                _("--language must be one of %(languages)s; “%(given)s” was given.")
                % {"languages": ", ".join(LANGUAGES), "given": language}
            )
        with translation.override(language):  # the village's name, and what is said of it
            self._handle(language=language, **options)

    def _handle(
        self, *, households, seasons, seed, slug, if_absent, add_another, language, **options
    ):
        village_name = LANGUAGES[language].village
        self._check(households=households, seasons=seasons, slug=slug)
        if if_absent and add_another:  # call_command() with keywords skips argparse's check
            raise CommandError(_("Give --if-absent or --add-another, not both."))
        started = time.monotonic()
        with transaction.atomic():
            existing = Community.objects.filter(slug=slug).first()
            if existing and if_absent:
                self.stdout.write(
                    _("The demo village “%(name)s” (%(slug)s) is already loaded.")
                    % {"name": existing.name, "slug": slug}
                )
                self._logins(demo_logins(existing))
                return
            name = village_name + " " + _("(demo)")
            if existing:
                if not add_another:
                    raise CommandError(
                        _(
                            "A community with the short name “%(slug)s” already exists; nothing "
                            "was changed. Use --add-another to load another demo village beside "
                            "it, or --if-absent to leave it as it is."
                        )
                        % {"slug": slug}
                    )
                n = 2
                while Community.objects.filter(slug=f"{slug}-{n}").exists():
                    n += 1
                slug = f"{slug}-{n}"
                name = village_name + " " + _("(demo %(n)d)") % {"n": n}
            village = build_demo_village(
                slug=slug,
                name=name,
                households=households,
                seasons=seasons,
                seed=seed,
                stdout=self.stdout if options["verbosity"] >= 1 else None,
                language=language,
            )
        seconds = time.monotonic() - started
        self.stdout.write(
            _(
                "Loaded “%(name)s” (%(slug)s): %(households)d households, %(pools)d pools, "
                "%(resources)d resources and %(events)d events from %(first)s to %(last)s, "
                "in %(seconds).1f s."
            )
            % {
                "name": village.community.name,
                "slug": slug,
                "households": len(village.households),
                "pools": len(village.pools),
                "resources": len(village.resources),
                "events": sum(village.events.values()),
                "first": village.first_day.isoformat(),
                "last": village.last_day.isoformat(),
                "seconds": seconds,
            }
        )
        self.stdout.write(
            "  "
            + ", ".join(f"{action} {count}" for action, count in sorted(village.events.items()))
        )
        self.stdout.write(
            _("The %(year)d harvest failed: the winter after it, the granary ran low.")
            % {"year": village.failed_harvest}
        )
        self._logins(village.logins)

    def _check(self, *, households: int, seasons: int, slug: str) -> None:
        if not HOUSEHOLDS[0] <= households <= HOUSEHOLDS[1]:
            raise CommandError(
                _("--households must be between %(low)d and %(high)d; %(given)d was given.")
                % {"low": HOUSEHOLDS[0], "high": HOUSEHOLDS[1], "given": households}
            )
        if not SEASONS[0] <= seasons <= SEASONS[1]:
            raise CommandError(
                _("--seasons must be between %(low)d and %(high)d; %(given)d was given.")
                % {"low": SEASONS[0], "high": SEASONS[1], "given": seasons}
            )
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError(
                _("--slug must be letters, digits, hyphens or underscores; “%(slug)s” is not.")
                % {"slug": slug}
            ) from None
        if len(slug) > SLUG_MAX:
            raise CommandError(
                _("--slug can be at most %(max)d characters long.") % {"max": SLUG_MAX}
            )

    def _logins(self, logins: list[DemoLogin]) -> None:
        if not logins:
            self.stdout.write(_("It has no demo logins."))
            return
        self.stdout.write(_("Log in with the password “%(password)s” as:") % {"password": PASSWORD})
        width = max(len(login.username) for login in logins)
        for login in logins:
            roles = ", ".join(_(role) for role in login.roles) or _("member")
            self.stdout.write(f"  {login.username:<{width}}  {roles} — {login.household}")
        self.stdout.write(
            _(
                "These logins have a published password: never load the demo into a database "
                "that real people use."
            )
        )
