"""Similar-ticket ranking: full-text + trigram on PostgreSQL, word overlap elsewhere."""

import pytest
from django.db import connection

from feedback import search
from feedback.models import FeedbackTicket

from .factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(db):
    made = {
        "csv": TicketFactory(
            title="Bulk export of reports to CSV",
            description="Finance exports monthly reports by hand.",
        ),
        "pdf": TicketFactory(
            title="Export dashboards to PDF", description="Board pack as a PDF file."
        ),
        "import": TicketFactory(
            title="CSV import of contacts", description="Upload contacts from a spreadsheet."
        ),
        "dashboard": TicketFactory(
            title="Slow dashboard with many widgets", description="Takes ten seconds to load."
        ),
        "dark": TicketFactory(title="Dark mode", description="Night shift agents."),
    }
    kept = made["csv"]
    made["dup"] = TicketFactory(
        title="Export reports to CSV", status="duplicate", duplicate_of=kept
    )
    return made


def titles(found):
    return [t.title for t in found]


@pytest.mark.postgres
def test_postgres_ranks_full_text_and_trigram_matches(tickets):
    found = search.similar_tickets(FeedbackTicket.objects.all(), "export reports csv")
    assert found[0] == tickets["csv"]
    assert "Dark mode" not in titles(found)
    assert tickets["dup"] not in found  # duplicates point at their kept ticket instead
    # Stemming: "exporting" finds "export".
    assert (
        search.similar_tickets(FeedbackTicket.objects.all(), "exporting report")[0]
        == (tickets["csv"])
    )
    # A typo still finds the ticket through trigram similarity.
    assert (
        search.similar_tickets(FeedbackTicket.objects.all(), "dashbord widgets")[0]
        == (tickets["dashboard"])
    )
    # Better matches rank higher: both words in the title beat one.
    ranked = search.similar_tickets(FeedbackTicket.objects.all(), "csv import")
    assert ranked[0] == tickets["import"]
    assert tickets["csv"] in ranked


@pytest.mark.postgres
def test_postgres_search_uses_the_indexes(tickets):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'feedback_feedbackticket'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"feedback_ticket_fts_idx", "feedback_ticket_title_trgm_idx"} <= names


def test_simple_ranking_works_everywhere(tickets):
    ranked = search._rank_simple(FeedbackTicket.objects.exclude(status="duplicate"), "csv export")
    found = list(ranked)
    assert found[0] == tickets["csv"]  # both words in the title
    assert set(found) == {tickets["csv"], tickets["pdf"], tickets["import"]}
    assert search._rank_simple(FeedbackTicket.objects.all(), "the of") is None


def test_similar_tickets_on_the_configured_database(tickets):
    found = search.similar_tickets(FeedbackTicket.objects.all(), "Bulk export of reports to CSV")
    assert found[0] == tickets["csv"]
    assert tickets["dup"] not in found
    assert search.similar_tickets(FeedbackTicket.objects.all(), "ab") == []


def test_triage_text_filter(tickets):
    found = search.filter_text(FeedbackTicket.objects.all(), "dashboard")
    assert tickets["dashboard"] in found
    assert tickets["dark"] not in found
