"""Demo data for the roadmap (idempotent); beta programs and launch plans are seeded last."""

from .beta.demo import seed as seed_beta


def seed(*, scale: int = 1, stdout=None) -> dict:
    return {**seed_beta(scale=scale, stdout=stdout)}
