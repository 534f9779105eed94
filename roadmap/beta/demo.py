"""Demo data for this area (idempotent); called by the app's demo module."""


def seed(*, scale: int = 1, stdout=None) -> dict:
    return {}
