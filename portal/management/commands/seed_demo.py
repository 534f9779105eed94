import logging
from contextlib import contextmanager
from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_USERS, demo_password

# Loggers whose INFO lines (one per eagerly run task) drown the summary; shown with -v 2.
NOISY_LOGGERS = {"celery": logging.WARNING, "kombu": logging.ERROR}


@contextmanager
def quiet_loggers(levels: dict[str, int]):
    """Raise the given loggers' levels for the duration, then put them back."""
    saved = {name: logging.getLogger(name).level for name in levels}
    try:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


# The portal's own apps, seeded in INSTALLED_APPS order (each builds on the ones before).
PORTAL_APPS = {"portal", "roadmap", "feedback", "integrations"}


class Command(BaseCommand):
    help = (
        "Create demo data (idempotent): users for each role, accounts and, from every app that "
        "has a `demo` module, its data. --scale N makes a large data set for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply data sizes by N.")

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        with quiet_loggers(NOISY_LOGGERS if options["verbosity"] < 2 else {}):
            self._seed(scale)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} / {demo_password():<14} ({role.label})")

    def _seed(self, scale: int) -> None:
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name not in PORTAL_APPS or util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                result = import_module(module_name).seed(scale=scale, stdout=None)
            summary = ", ".join(
                f"{key}: {len(value) if isinstance(value, list | dict) else value}"
                for key, value in result.items()
            )
            if summary:
                self.stdout.write(f"{config.label}: {summary}")
