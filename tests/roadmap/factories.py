"""The roadmap app's factories (items, votes, beta programs) and a test-only demand source
("feedback"-like signals in a table of their own)."""

import datetime as dt
from decimal import Decimal

import factory
from django.db import connection, models

from roadmap.models import BetaProgram, RoadmapItem, Vote
from tests.factories import AccountFactory, CsRepFactory


class RoadmapItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapItem

    title = factory.Sequence(lambda n: f"Roadmap item {n:04d}")
    description = "As a CS rep I want **this**."
    product_area = "reporting"
    status = "under_consideration"
    impact = Decimal(1)
    confidence = Decimal(1)
    effort = Decimal(1)


class LaunchableItemFactory(RoadmapItemFactory):
    """An item being built, with a launch date: what betas and launch plans are for."""

    status = "in_progress"
    launch_date = dt.date(2027, 3, 1)


class BetaProgramFactory(factory.django.DjangoModelFactory):
    """A program with no rules but capacity: tests switch on the rules they need."""

    class Meta:
        model = BetaProgram

    item = factory.SubFactory(LaunchableItemFactory)
    name = factory.Sequence(lambda n: f"Beta {n:03d}")
    status = "open"
    capacity = 10


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    item = factory.SubFactory(RoadmapItemFactory)
    rep = factory.SubFactory(CsRepFactory)
    account = factory.SubFactory(AccountFactory, csm_owner=factory.SelfAttribute("..rep"))
    evidence = "Saves the account 5 hours a week of manual exports."
    expected_health_impact = "medium"


class TicketSignal(models.Model):
    """A stand-in for the feedback app's linked tickets (not in this branch): one row per ticket,
    registered as the "feedback" demand source by the ``ticket_signals`` fixture and the
    benchmark. Its table is created with plain DDL so it also works inside a test transaction."""

    item_id = models.BigIntegerField()
    account_id = models.BigIntegerField()
    level = models.CharField(max_length=20)
    actor_id = models.BigIntegerField(null=True)

    class Meta:
        app_label = "roadmap"
        managed = False
        db_table = "test_ticket_signal"

    def __str__(self) -> str:
        return f"ticket on {self.item_id} for {self.account_id}"


def create_ticket_signal_table() -> None:
    pk = (
        "id bigserial PRIMARY KEY"
        if connection.vendor == "postgresql"
        else "id integer PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS test_ticket_signal ({pk}, item_id bigint NOT NULL, "
            "account_id bigint NOT NULL, level varchar(20) NOT NULL, actor_id bigint NULL)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS test_ticket_signal_item ON test_ticket_signal (item_id)"
        )


def drop_ticket_signal_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS test_ticket_signal")
