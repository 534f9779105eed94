"""The feedback app's shape: the modules every area has, and no writes outside the services."""

import importlib
import inspect
import re

import pytest

MODULES = [
    "models",
    "choices",
    "services",
    "selectors",
    "filtersets",
    "forms",
    "views",
    "urls",
    "api.serializers",
    "api.views",
    "api.urls",
    "admin",
    "tasks",
    "permissions",
]
# Views, API views, tasks, admin and outbox subscribers call services; they never write models.
CALLERS = ["views", "api.views", "api.serializers", "tasks", "admin", "subscribers", "forms"]
WRITE = re.compile(
    r"\.(save|delete|bulk_create|bulk_update|get_or_create|update_or_create)\("
    r"|objects\.(create|update)\(|\)\.(create|update)\("
)


@pytest.mark.parametrize("name", MODULES)
def test_the_area_has_its_modules(name):
    importlib.import_module(f"feedback.{name}")


@pytest.mark.parametrize("name", CALLERS)
def test_no_model_write_outside_the_services(name):
    source = inspect.getsource(importlib.import_module(f"feedback.{name}"))
    assert not WRITE.findall(source), f"feedback/{name}: write a service instead"
