from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.celery import app


class Command(BaseCommand):
    help = (
        "Run the beat schedule's tasks once, now, in this process. For the embedded default, "
        "where no beat runs; in production `celery beat` does this."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Schedule entries to run (default: all).")

    def handle(self, *args, names: list[str], **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = set(names) - set(schedule)
        if unknown:
            raise CommandError(
                f"Unknown schedule entries: {', '.join(sorted(unknown))}. "
                f"Known: {', '.join(sorted(schedule))}."
            )
        app.loader.import_default_modules()  # autodiscovery is lazy outside a worker
        for name, entry in schedule.items():
            if names and name not in names:
                continue
            task = app.tasks.get(entry["task"])
            if task is None:
                self.stderr.write(f"{name}: task {entry['task']} is not installed, skipped")
                continue
            result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            self.stdout.write(f"{name}: {result.state} {result.result!r}")
