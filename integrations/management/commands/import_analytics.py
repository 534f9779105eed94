from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from integrations.connectors.analytics.sync import AnalyticsImportSyncer
from integrations.connectors.runs import RunAlreadyActive, sync_run_execute
from integrations.connectors.services import analytics_import_start
from integrations.models import Connection, ConnectionKind


class Command(BaseCommand):
    help = (
        "Import a JSON-lines file of Segment track events into an analytics connection's "
        "feature usage (idempotent on messageId), in this process, as a sync run."
    )

    def add_arguments(self, parser):
        parser.add_argument("connection", help="Connection id or name (kind analytics).")
        parser.add_argument("path", type=Path)

    def handle(self, *args, connection: str, path: Path, **options):
        lookup = {"pk": int(connection)} if connection.isdigit() else {"name": connection}
        conn = Connection.objects.filter(kind=ConnectionKind.ANALYTICS, **lookup).first()
        if conn is None:
            raise CommandError(f"No analytics connection {connection!r}.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        size = path.stat().st_size
        if size > settings.CONNECTOR_IMPORT_MAX_BYTES:
            raise CommandError(
                f"{path} is {filesizeformat(size)}; the limit is "
                f"{filesizeformat(settings.CONNECTOR_IMPORT_MAX_BYTES)} "
                "(CONNECTOR_IMPORT_MAX_BYTES)."
            )
        with path.open("rb") as handle:
            name = default_storage.save(
                AnalyticsImportSyncer.stored_name(conn.pk, path.name), File(handle)
            )
        try:
            run = analytics_import_start(connection=conn, name=name, size=size)
        except RunAlreadyActive as exc:
            raise CommandError(str(exc)) from None
        # Eager mode has already run it on commit; with a broker, run it here (idempotent claim).
        finished = sync_run_execute(run_id=run.pk)
        run.refresh_from_db()
        run = finished or run
        self.stdout.write(
            f"Run #{run.pk} {run.status}: {run.created} new, {run.unchanged} already imported, "
            f"{run.failed} failed."
        )
        if run.error:
            self.stdout.write(run.error)
