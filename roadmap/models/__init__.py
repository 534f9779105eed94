from .beta import *  # noqa: F403
from .features import *  # noqa: F403
from .items import RoadmapItem, RoadmapItemQuerySet
from .launch import *  # noqa: F403
from .scoring import ScoreSnapshot, ScoringDirtyItem, ScoringPolicy, ScoringState
from .votes import Vote, VoteQuerySet

__all__ = [
    "RoadmapItem",
    "RoadmapItemQuerySet",
    "ScoreSnapshot",
    "ScoringDirtyItem",
    "ScoringPolicy",
    "ScoringState",
    "Vote",
    "VoteQuerySet",
]
