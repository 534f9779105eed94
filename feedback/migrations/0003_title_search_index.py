"""PostgreSQL only: a GIN index on the title's full-text vector, which similar-ticket search
(typing a title) matches and ranks on. Nothing on SQLite."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX = "feedback_ticket_title_fts_idx"


def _index():
    from feedback.search import title_search_vector

    return GinIndex(title_search_vector(), name=INDEX)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("feedback", "FeedbackTicket"), _index())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("feedback", "FeedbackTicket"), _index())


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
