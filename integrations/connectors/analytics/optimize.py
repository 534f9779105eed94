"""Recommendations from an item's adoption report: each in words, with the figures it rests on
and the accounts it concerns. Nothing is estimated that the report does not contain; where the
data is too thin the recommendation says so instead of guessing."""

from collections import defaultdict

from django.conf import settings

MAX_ACCOUNTS_LISTED = 50


def _pct(value: float) -> str:
    return f"{value:.0%}"


def recommendations(report: dict) -> list[dict]:
    """``[{kind, text, figures, accounts}]`` for a report of :func:`adoption.item_adoption`."""
    if report.get("shipped_on") is None or not report.get("feature_keys"):
        return [
            {
                "kind": "no_data",
                "text": report.get("note") or "Nothing to recommend yet.",
                "figures": {},
                "accounts": [],
            }
        ]
    found = [
        *_lagging_segments(report),
        *_barriers_by_csm(report),
        *_dropoff(report),
        _prediction(report),
    ]
    return found


def _lagging_segments(report: dict) -> list[dict]:
    overall = report["rate"]
    ratio = settings.ADOPTION_LAGGING_RATIO
    minimum = settings.ADOPTION_MIN_SAMPLE
    found = []
    if overall <= 0:
        return found
    for row in report["by_segment"]:
        if row["accounts"] < minimum or row["rate"] >= overall * ratio:
            continue
        found.append(
            {
                "kind": "lagging_segment",
                "text": f"{row['label']} lags: {row['adopters']} of {row['accounts']} active "
                f"accounts use it ({_pct(row['rate'])}) against {_pct(overall)} overall "
                f"({report['adopters']} of {report['accounts']}). Target enablement at "
                f"{row['label']} accounts.",
                "figures": {
                    "segment": row["segment"],
                    "segment_accounts": row["accounts"],
                    "segment_adopters": row["adopters"],
                    "segment_rate": row["rate"],
                    "overall_accounts": report["accounts"],
                    "overall_adopters": report["adopters"],
                    "overall_rate": overall,
                    "lagging_below": round(overall * ratio, 4),
                },
                "accounts": [],
            }
        )
    return found


def _barriers_by_csm(report: dict) -> list[dict]:
    barriers = report["barriers"]["accounts"]
    if not barriers:
        return []
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for account in barriers:
        csm = account["csm"] or {"id": None, "name": "no CSM"}
        groups[(csm["id"], csm["name"])].append(account)
    found = []
    for (csm_id, csm_name), accounts in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0][1])):
        arr = sum(a["arr"] or 0 for a in accounts)
        names = ", ".join(a["name"] for a in accounts[:5]) + ("…" if len(accounts) > 5 else "")
        found.append(
            {
                "kind": "barrier_accounts",
                "text": f"{csm_name}: contact {len(accounts)} account"
                f"{'s' if len(accounts) != 1 else ''} that asked for it and have not used it "
                f"{report['barriers']['days']} days after ship ({names}; ARR {arr:,.0f}).",
                "figures": {
                    "csm_id": csm_id,
                    "csm": csm_name,
                    "accounts": len(accounts),
                    "arr": arr,
                    "days_after_ship": report["barriers"]["days"],
                },
                "accounts": [
                    {"id": a["id"], "name": a["name"], "evidence": a["evidence"]}
                    for a in accounts[:MAX_ACCOUNTS_LISTED]
                ],
            }
        )
    return found


def _dropoff(report: dict) -> list[dict]:
    drop = report["dropoff"]
    threshold = settings.ADOPTION_DROPOFF_THRESHOLD
    if not drop["adopters"] or drop["rate"] < threshold or not drop["tried_once"]:
        return []
    return [
        {
            "kind": "onboarding_dropoff",
            "text": f"{drop['tried_once']} of {drop['adopters']} adopters ({_pct(drop['rate'])}) "
            f"used it on one day only and not again in the {drop['quiet_days']}+ days since: "
            f"review onboarding (the threshold is {_pct(threshold)}).",
            "figures": {
                "tried_once": drop["tried_once"],
                "adopters": drop["adopters"],
                "rate": drop["rate"],
                "threshold": threshold,
            },
            "accounts": [{"id": a["id"], "name": a["name"]} for a in drop["accounts"]][
                :MAX_ACCOUNTS_LISTED
            ],
        }
    ]


def _prediction(report: dict) -> dict:
    pred = report["prediction"]
    figures = {
        key: pred.get(key)
        for key in ("days", "non_adopters", "expected", "low", "high", "not_predicted")
    }
    figures["segments"] = pred.get("segments", [])
    if pred.get("expected") is None:
        return {
            "kind": "rollout_prediction",
            "text": f"Rollout prediction: {pred['reason']}",
            "figures": figures,
            "accounts": [],
        }
    parts = []
    for row in pred["segments"]:
        if row["expected"] is None:
            parts.append(f"{row['segment']}: not enough data ({row['at_risk']} at risk)")
        else:
            parts.append(
                f"{row['segment']}: {row['converted']} of {row['at_risk']} converted in 30 days "
                f"({_pct(row['rate'])}, {_pct(row['low'])}–{_pct(row['high'])})"
            )
    text = (
        f"Expect about {pred['expected']:g} more adopters in the next {pred['days']} days "
        f"(95% interval {pred['low']:g}–{pred['high']:g}) among the {pred['non_adopters']} "
        f"accounts not using it, from per-segment 30-day conversion: " + "; ".join(parts) + "."
    )
    if pred.get("not_predicted"):
        text += f" {pred['not_predicted']} accounts are in segments with too little data."
    return {"kind": "rollout_prediction", "text": text, "figures": figures, "accounts": []}
