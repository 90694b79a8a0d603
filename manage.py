#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # A checkout with no production configuration at all is a developer's: let its commands
    # (makemigrations, shell, tests' helpers) run with the development defaults. Production
    # sets SECRET_KEY and the data keys, and the WSGI entry point never takes this branch.
    if not any(
        os.environ.get(k) is not None for k in ("SECRET_KEY", "PORTAL_FIELD_KEYS", "DATABASE_URL")
    ):
        os.environ.setdefault("PORTAL_DEV", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
