"""Services are the only writers: no view, API view, webhook, task or admin class writes a model.

Walks the source of those modules and fails on a ``.save()``, ``.delete()``, a manager or queryset
write (``objects.create``/``bulk_create``/``get_or_create``/``update_or_create``/``update``…) or a
``ModelForm.save()``. The writes belong in the app's ``services.py`` (or a module a service calls).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "feedback", "roadmap", "integrations")
# Modules that take requests or run as tasks: they call services, they do not write.
THIN = {"views.py", "api.py", "tasks.py", "admin.py", "webhooks.py"}
THIN_DIRS = {"api"}
WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create"}
WRITES |= {"update_or_create", "update"}
QUERYSET_STARTS = {"objects", "filter", "exclude", "all", "select_for_update", "get_queryset"}
QUERYSET_STARTS |= {"queryset", "qs"}


def thin_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            if path.name in THIN or path.parent.name in THIN_DIRS:
                yield path


def _chain(node) -> list[str]:
    """Attribute and call names along ``a.b().c.d(...)``, innermost first."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def writes_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITES:
            continue
        chain = _chain(node.func.value)
        if method == "update" and not (QUERYSET_STARTS & set(chain)):
            continue  # dict.update(), context.update()
        if method in {"save", "delete"} and chain[:1] in (["super"], ["storage"]):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {'.'.join([*chain, method])}()")
    return found


@pytest.mark.parametrize("path", list(thin_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_model_writes_outside_services(path):
    assert writes_in(path) == []


def test_the_walk_finds_the_modules_and_a_write():
    modules = list(thin_modules())
    assert any(p.name == "views.py" for p in modules) and any(p.name == "admin.py" for p in modules)
    sample = ROOT / "tests" / "portal" / "_write_sample.py"
    sample.write_text(
        "def v(request, form):\n    Account.objects.create(name='x')\n    form.save()\n"
    )
    try:
        assert len(writes_in(sample)) == 2
    finally:
        sample.unlink()


# Django's own account management: users and their roles are edited in the auth admin.
ADMIN_EDITS_ALLOWED = {"portal.User"}


@pytest.mark.django_db
def test_every_admin_of_a_business_model_saves_through_a_service_or_only_shows(admin_user, rf):
    from django.contrib import admin
    from django.contrib.admin import ModelAdmin

    request = rf.get("/admin/")
    request.user = admin_user
    direct = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if model._meta.app_label not in APPS or label in ADMIN_EDITS_ALLOWED:
            continue
        routed = type(model_admin).save_model is not ModelAdmin.save_model
        writable = model_admin.has_add_permission(request) or model_admin.has_change_permission(
            request
        )
        if writable and not routed:
            direct.append(label)
    assert direct == []
