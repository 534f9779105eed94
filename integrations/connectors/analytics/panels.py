"""What the adoption work adds to other apps' pages (registered in ``IntegrationsConfig.ready``):
the item page's Adoption panel, the item form's feature-key suggestions, the account page's
"asked for, shipped, uses it?" list, the sync page's unclaimed keys and the home page's
"what to do" list of a rep's barrier accounts. Each context callable is a fixed number of
queries (none at all for an item that has not shipped)."""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from integrations.models import BarrierNotice
from portal.charts import Series, line_chart
from roadmap.choices import ItemStatus
from roadmap.features import feature_keys_of

from . import adoption_selectors as rows
from .adoption import item_adoption, item_adoption_cache_key, item_adoption_cached
from .forms import MilestoneForm
from .optimize import recommendations

PM_PERM = "roadmap.change_roadmapitem"
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def chart_title(report: dict) -> str:
    """The finding, in words: how requesters adopt against everyone else."""
    req = report["requesters"]
    mine, others = req["rate"], req["others"]["rate"]
    if not req["accounts"]:
        return f"{report['rate']:.0%} of active accounts use it; nobody asked for it"
    if not report["adopters"]:
        return "Nobody uses it yet"
    if others == 0:
        return f"Requesters adopt it ({mine:.0%}); nobody else has yet"
    if mine >= others:
        return (
            f"Requesters adopt {mine / others:.1f}× as often as everyone else "
            f"({mine:.0%} vs {others:.0%})"
        )
    return f"Requesters adopt less than everyone else ({mine:.0%} vs {others:.0%})"


def _report_html(report: dict) -> str:
    """The report part of the Adoption panel (the same for everyone who may see it): headline,
    chart with its table, breakdowns, requesters, barriers, aha, drop-off, correlation,
    prediction."""
    chart = None
    if report["trend"]:
        chart = line_chart(
            title=chart_title(report),
            x_labels=[f"W{w['week']}" for w in report["trend"]],
            series=[
                Series("Requesters", [w["requester_rate"] for w in report["trend"]]),
                Series("Everyone else", [w["other_rate"] for w in report["trend"]]),
            ],
            y_label="share that has used it",
            percent=True,
        )
    return render_to_string(
        "integrations/adoption/panels/item_report.html",
        {
            "adoption": report,
            "chart": chart,
            "chart_title": chart_title(report) if report["trend"] else "",
        },
    )


def item_panel(request, item) -> dict:
    if item.status != ItemStatus.SHIPPED:
        return {"adoption": None, "feature_keys": feature_keys_of(item)}
    seconds = settings.PANEL_CACHE_SECONDS
    if seconds:
        # The report and its rendered part, kept together: "as of" when they were computed.
        key = f"{item_adoption_cache_key(item)}:html"
        hit = cache.get(key)
        if hit is None:
            report, as_of = item_adoption_cached(item)
            hit = (report, as_of, _report_html(report))
            cache.set(key, hit, seconds)
        report, as_of, html = hit
    else:
        report, as_of = item_adoption(item), None
        html = _report_html(report)
    is_pm = request.user.has_perm(PM_PERM)
    milestone = report["aha"]
    return {
        "adoption": report,
        "report_html": mark_safe(html),  # noqa: S308 - an autoescaped template's output
        "as_of": as_of,
        "cache_seconds": seconds,
        "feature_keys": report["feature_keys"],
        "recommendations": recommendations(report) if is_pm else None,
        "milestone_form": MilestoneForm(
            initial={"uses": milestone["uses"], "days": milestone["days"]} if milestone else None
        )
        if is_pm
        else None,
    }


def item_form_panel(request, item) -> dict:
    return {"keys_seen": rows.feature_keys_seen()}


def account_panel(request, account) -> dict:
    pairs = rows.requested_shipped_pairs(
        shipped_since=EPOCH, shipped_until=timezone.now(), account=account
    )
    items = rows.shipped_items_brief({p["item_id"] for p in pairs})
    barrier_after = dt.timedelta(days=settings.ADOPTION_BARRIER_DAYS)
    today = timezone.localdate()
    asked = []
    for p in pairs:
        item = items[p["item_id"]]
        shipped = timezone.localdate(item.shipped_at)
        asked.append(
            {
                "item": item,
                "shipped": shipped,
                "keys": feature_keys_of(item),
                "used": p["used"],
                "barrier": not p["used"] and shipped + barrier_after <= today,
            }
        )
    asked.sort(key=lambda row: (row["used"], -row["shipped"].toordinal()))
    return {"asked": asked}


def home_panel(request, user) -> dict:
    """A rep's barrier accounts (their accounts that asked for a shipped item and have not used
    it after the barrier window), with the evidence, and the messages they were sent."""
    today = timezone.localdate()
    horizon = settings.ADOPTION_BARRIER_HORIZON_DAYS + settings.ADOPTION_BARRIER_DAYS
    cutoff = today - dt.timedelta(days=settings.ADOPTION_BARRIER_DAYS)
    pairs = rows.requested_shipped_pairs(
        shipped_since=timezone.now() - dt.timedelta(days=horizon),
        shipped_until=timezone.now(),
        csm=user,
    )
    items = rows.shipped_items_brief({p["item_id"] for p in pairs})
    todo = [
        p
        for p in pairs
        if not p["used"] and timezone.localdate(items[p["item_id"]].shipped_at) <= cutoff
    ]
    evidence = rows.barrier_evidence({(p["item_id"], p["account_id"]) for p in todo})
    names = rows.account_names({p["account_id"] for p in todo})
    actions = [
        {
            "item": items[p["item_id"]],
            "account": names[p["account_id"]],
            "shipped": timezone.localdate(items[p["item_id"]].shipped_at),
            "evidence": evidence.get((p["item_id"], p["account_id"]), []),
        }
        for p in todo
    ]
    actions.sort(key=lambda a: (a["shipped"], a["account"]["name"]))
    notices = list(BarrierNotice.objects.filter(csm=user).select_related("item")[:10])
    return {"actions": actions, "notices": notices}
