"""The daily adoption insight: for each feature used in the window, one ``adoption_insight``
outbox event (overall and per-segment rates, health correlation), at most once per feature a day.
The outbound subscriber turns it into deliveries for the webhooks and Slack channels that
subscribe to ``adoption_insight``."""

from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.models import AdoptionInsight
from portal.outbox import outbox_record

from .selectors import adoption_summary, adoption_window, features_used

TOPIC = "adoption_insight"


def adoption_insights_record(*, since=None, until=None) -> list[AdoptionInsight]:
    """Record today's insight for every feature with usage in the window; features that already
    have one today are skipped (a second run, or a concurrent one, writes nothing)."""
    since, until = adoption_window(since, until)
    day = timezone.localdate()
    done = set(AdoptionInsight.objects.filter(day=day).values_list("feature", flat=True))
    recorded = []
    for feature in features_used(since=since, until=until):
        if feature in done:
            continue
        summary = adoption_summary(feature=feature, since=since, until=until)
        try:
            with transaction.atomic():
                insight = AdoptionInsight.objects.create(
                    feature=feature, day=day, since=since, until=until, rate=summary["rate"]
                )
                insight.event = outbox_record(topic=TOPIC, payload=insight_payload(summary))
                insight.save(update_fields=["event"])
        except IntegrityError:  # another run recorded this feature today
            continue
        recorded.append(insight)
    return recorded


def insight_payload(summary: dict) -> dict:
    window = summary["window"]
    return {
        "feature": summary["feature"],
        "window": {"since": window["since"].isoformat(), "until": window["until"].isoformat()},
        "accounts": summary["accounts"],
        "adopters": summary["adopters"],
        "rate": summary["rate"],
        "segments": [
            {key: row[key] for key in ("segment", "accounts", "adopters", "rate")}
            for row in summary["segments"]
        ],
        "health_correlation": summary["health_correlation"],
        "summary": insight_summary(summary),
        "url": f"/api/v1/cs-product/adoption/{quote(summary['feature'], safe='')}",
    }


def insight_summary(summary: dict) -> str:
    """One line for Slack: 'adopted by 2 of 4 active accounts (50%), 2026-10-21 to 2026-11-20;
    by segment: fintech 67%, retail 0%; correlation with health +0.85'."""
    window = summary["window"]
    text = (
        f"adopted by {summary['adopters']} of {summary['accounts']} active accounts "
        f"({summary['rate']:.0%}), {window['since']:%Y-%m-%d} to {window['until']:%Y-%m-%d}"
    )
    if summary["segments"]:
        text += "; by segment: " + ", ".join(
            f"{row['segment']} {row['rate']:.0%}" for row in summary["segments"]
        )
    r = summary["health_correlation"]
    text += f"; correlation with health {r:+.2f}" if r is not None else "; no health correlation"
    return text
