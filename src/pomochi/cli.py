"""The `pomochi` console script: Django's manage.py under the project's name."""

import os
import sys


def main() -> None:
    os.umask(0o077)  # files we create are the owner's only (see settings)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pomochi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
