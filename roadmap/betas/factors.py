"""What later apps add to a beta candidate's success profile (``selectors.candidates_for``).

``roadmap`` does not know product-analytics data, so the apps that do register a factor here, in
their ``AppConfig.ready()``, as the demand sources are registered (``roadmap.demand``)::

    register_candidate_factor("related_adoption", related_adoption_factor)

A factor is ``fn(program) -> {account_id: Factor(points, reason)}``: a fixed number of queries
for every account at once, whatever their number; accounts it has nothing to say about are
left out. The points are added to the candidate's score and the reason is listed among the
candidate's reasons.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    points: int
    reason: str


CandidateFactor = Callable[..., dict[int, Factor]]
_factors: dict[str, CandidateFactor] = {}


def register_candidate_factor(kind: str, factor: CandidateFactor) -> None:
    """Register (or replace) one kind of factor, e.g. ``"related_adoption"``."""
    _factors[kind] = factor


def candidate_factors() -> dict[str, CandidateFactor]:
    return dict(_factors)
