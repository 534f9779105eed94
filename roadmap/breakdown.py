"""The numbers and the words of one item's score: pure functions, no database.

``item_demand`` groups the aggregate's rows by item, ``score_item`` applies consensus damping and
the PM estimates, ``explain`` answers "why is this ranked here?" in sentences.
"""

from roadmap.models import ScoringPolicy


def _num(value) -> float:
    return float(value or 0)


def item_demand(rows: list[tuple]) -> dict[int, dict]:
    """Group the aggregate's rows by item."""
    out: dict[int, dict] = {}
    for row in rows:
        (item_id, account_id, name, tier, arr, n_votes, n_other, contribution) = row[:8]
        (demand, accounts, total_arr, votes, other, voting_accounts, reps) = row[8:15]
        tier_unknown, arr_unknown = row[15:17]
        entry = out.setdefault(
            item_id,
            {
                "demand": _num(demand),
                "accounts": int(accounts),
                "voting_accounts": int(voting_accounts),
                "total_arr": _num(total_arr),
                "votes": int(votes),
                "feedback": int(other),
                "cs_reps": int(reps),
                "tier_unknown": int(tier_unknown or 0),
                "arr_unknown": int(arr_unknown or 0),
                "top_accounts": [],
            },
        )
        entry["top_accounts"].append(
            {
                "id": account_id,
                "name": name,
                "tier": tier or "unknown",
                "arr": None if arr is None else _num(arr),
                "voted": int(n_votes) > 0,
                "feedback": int(n_other),
                "contribution": round(_num(contribution), 4),
            }
        )
    return out


def score_item(*, demand: dict | None, impact, confidence, effort, policy: ScoringPolicy) -> dict:
    """The breakdown of one item (numbers only; :func:`explain` puts it into words)."""
    d = demand or {
        "demand": 0.0,
        "accounts": 0,
        "voting_accounts": 0,
        "total_arr": 0.0,
        "votes": 0,
        "feedback": 0,
        "cs_reps": 0,
        "top_accounts": [],
    }
    threshold = int(policy.consensus_threshold)
    consensus = d["cs_reps"] >= threshold
    damping = 1.0 if consensus else float(policy.consensus_damping)
    counted = d["demand"] * damping
    score = counted * float(impact) * float(confidence) / float(effort)
    for account in d["top_accounts"]:
        account["share"] = (
            round(100 * account["contribution"] / d["demand"], 1) if d["demand"] else 0
        )
    return {
        **d,
        "demand": round(d["demand"], 4),
        "consensus": consensus,
        "consensus_threshold": threshold,
        "damping": damping,
        "counted_demand": round(counted, 4),
        "impact": float(impact),
        "confidence": float(confidence),
        "effort": float(effort),
        "score": round(score, 4),
        "policy_version": policy.version,
    }


def money_short(value: float) -> str:
    """ARR in a few characters: $3.1M, $462k, $900."""
    if value >= 1_000_000:
        return f"${value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"${value / 1_000:.0f}k"
    return f"${value:.0f}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def explain(b: dict) -> list[str]:
    """ "Why is this ranked here?" in sentences a CS rep understands. The rank itself is not in
    them (the item page says it from ``item.rank``): a vote on one item moves other items' ranks,
    and their stored explanations stay true."""
    if not b["accounts"]:
        lines = [
            "No account has voted for this item or linked feedback to it yet, so its demand is 0."
        ]
    else:
        via = []
        if b["voting_accounts"]:
            via.append(f"{b['voting_accounts']} through votes")
        if b["accounts"] - b["voting_accounts"]:
            via.append(f"{b['accounts'] - b['voting_accounts']} through linked feedback only")
        lines = [
            f"Demand is {b['demand']:.2f}, from {_plural(b['accounts'], 'account')} "
            f"({', '.join(via)}) worth {money_short(b['total_arr'])} ARR in total. "
            "Each account counts once, by its strongest signal, weighted by tier, ARR and "
            "expected health impact."
        ]
        unknown = []
        if b.get("tier_unknown"):
            unknown.append(
                f"{_plural(b['tier_unknown'], 'account')} with an unknown tier weighted as SMB "
                "(the lowest tier)"
            )
        if b.get("arr_unknown"):
            unknown.append(
                f"{_plural(b['arr_unknown'], 'account')} with an unknown ARR counted as $0 ARR"
            )
        if unknown:
            lines.append("Unknown CRM values: " + "; ".join(unknown) + ".")
    if b["consensus"]:
        lines.append(
            f"{_plural(b['cs_reps'], 'CS rep')} voted for it: CS consensus reached "
            f"({b['consensus_threshold']} needed), so the full demand counts."
        )
    else:
        lines.append(
            f"No CS consensus yet: {_plural(b['cs_reps'], 'CS rep')} voted and "
            f"{b['consensus_threshold']} are needed, so demand counts ×{b['damping']:g} "
            f"({b['counted_demand']:.2f})."
        )
    lines.append(
        f"Product's estimates: impact {b['impact']:g} × confidence {b['confidence']:g} "
        f"÷ effort {b['effort']:g}, giving a score of {b['score']:.2f}."
    )
    if b["top_accounts"]:
        tops = [f"{a['name']} ({a['share']:g}% of demand)" for a in b["top_accounts"] if a["share"]]
        if tops:
            lines.append("Biggest contributors: " + ", ".join(tops) + ".")
    return lines
