"""Roadmap items and beta programs in the header search (``portal.search``)."""

from django.urls import reverse
from django.utils.http import urlencode

from portal.search import Hit, SearchKind, text_matches

from .models import BetaProgram, RoadmapItem


def find_items(user, text: str, limit: int) -> list[Hit]:
    rows = text_matches(
        RoadmapItem.objects.all(),
        text,
        title="title",
        fields=("description",),
        exact=("jira_key",),
    )[:limit]
    return [
        Hit(
            title=item.title,
            url=item.get_absolute_url(),
            meta=" · ".join(
                part
                for part in (
                    f"rank {item.rank}" if item.rank else "",
                    item.product_area,
                    item.jira_key,
                )
                if part
            ),
            badge=item.get_status_display(),
        )
        for item in rows
    ]


def find_programs(user, text: str, limit: int) -> list[Hit]:
    rows = text_matches(
        BetaProgram.objects.select_related("item"), text, title="name", fields=("goal",)
    )[:limit]
    return [
        Hit(
            title=program.name,
            url=program.get_absolute_url(),
            meta=f"for {program.item.title}",
            badge=program.get_status_display(),
        )
        for program in rows
    ]


ITEMS = SearchKind(
    key="items",
    label="Roadmap items",
    perm="roadmap.view_roadmapitem",
    order=30,
    find=find_items,
    more_url=lambda text: reverse("roadmap:item-list") + "?" + urlencode({"q": text}),
)
PROGRAMS = SearchKind(
    key="betas",
    label="Beta programs",
    perm="roadmap.view_betaprogram",
    order=40,
    find=find_programs,
)
