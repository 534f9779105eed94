"""manage.py import_integration_map PATH [--dry-run] [--map ID] [--cycle-start YYYY-MM-DD]"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrations.maps.importer import map_import
from integrations.maps.parser import MapParseError
from integrations.models import IntegrationMap


class Command(BaseCommand):
    help = (
        "Import (or re-import) an integration-map Markdown document. Updates the map with the "
        "same title in place, keeping ticks; --dry-run prints the report and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The Markdown document")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing")
        parser.add_argument(
            "--map", type=int, help="Update this map (id) instead of matching by title"
        )
        parser.add_argument("--cycle-start", help="The date week 1 starts (YYYY-MM-DD)")

    def handle(self, *args, path, dry_run, map=None, cycle_start=None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file")
        target = None
        if map is not None:
            target = IntegrationMap.objects.filter(pk=map).first()
            if target is None:
                raise CommandError(f"--map {map}: no integration map has that id")
        start = None
        if cycle_start:
            try:
                start = datetime.date.fromisoformat(cycle_start)
            except ValueError as exc:
                raise CommandError(
                    f"--cycle-start: expected YYYY-MM-DD, got {cycle_start!r}"
                ) from exc
        try:
            report = map_import(
                data=source.read_bytes(),
                source_name=source.name,
                target=target,
                cycle_start=start,
                dry_run=dry_run,
            )
        except MapParseError as exc:
            raise CommandError(f"{source.name}: {exc}") from exc
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        for line in report.lines():
            self.stdout.write(line)
