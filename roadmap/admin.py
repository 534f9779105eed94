from .beta import admin as beta_admin  # noqa: F401
