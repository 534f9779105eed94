"""Integration points in the header search (``portal.search``): code, title, flow, team."""

from portal.search import Hit, SearchKind, text_matches

from ..models import IntegrationPoint


def find_points(user, text: str, limit: int) -> list[Hit]:
    rows = text_matches(
        IntegrationPoint.objects.select_related("map"),
        text,
        title="title",
        fields=("flow_from", "flow_to", "owner_team"),
        exact=("code",),
    )[:limit]
    return [
        Hit(
            title=f"{point.code} {point.title}",
            url=point.get_absolute_url(),
            meta=" · ".join(
                part
                for part in (
                    point.map.title,
                    f"{point.flow_from} ↔ {point.flow_to}" if point.flow_from else "",
                    point.owner_team,
                )
                if part
            ),
        )
        for point in rows
    ]


POINTS = SearchKind(
    key="points",
    label="Integration points",
    perm="integrations.view_integrationpoint",
    order=50,
    find=find_points,
)
