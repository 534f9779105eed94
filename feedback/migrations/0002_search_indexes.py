"""PostgreSQL only: pg_trgm, and the indexes similar-ticket search uses (a GIN index on the
weighted full-text vector the query builds, and a trigram index on the title). On SQLite,
the embedded default, this migration does nothing."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

FTS_INDEX = "feedback_ticket_fts_idx"
TRGM_INDEX = "feedback_ticket_title_trgm_idx"


def _indexes():
    from feedback.search import ticket_search_vector

    return [
        GinIndex(ticket_search_vector(), name=FTS_INDEX),
        GinIndex(OpClass("title", name="gin_trgm_ops"), name=TRGM_INDEX),
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    model = apps.get_model("feedback", "FeedbackTicket")
    for index in _indexes():
        schema_editor.add_index(model, index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("feedback", "FeedbackTicket")
    for index in _indexes():
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
