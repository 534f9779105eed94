import datetime as dt

import factory

from roadmap.models import BetaProgram, RoadmapItem


class RoadmapItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapItem

    title = factory.Sequence(lambda n: f"Item {n:03d}")
    status = "in_progress"
    launch_date = dt.date(2027, 3, 1)


class BetaProgramFactory(factory.django.DjangoModelFactory):
    """A program with no rules but capacity: tests switch on the rules they need."""

    class Meta:
        model = BetaProgram

    item = factory.SubFactory(RoadmapItemFactory)
    name = factory.Sequence(lambda n: f"Beta {n:03d}")
    status = "open"
    capacity = 10
