"""Roles are Django groups (created by a migration); their permissions are declared by each app.

An app's ``AppConfig.role_permissions`` maps a role to permission codenames
(``"app_label.codename"``). After every migrate the groups are given exactly the permissions the
installed apps declare, so adding an app or a permission needs no data migration of its own.
"""

from django.apps import apps
from django.db.models import Q

from .choices import Role


def declared_role_permissions() -> dict[str, set[str]]:
    declared: dict[str, set[str]] = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            declared[role].update(perms)
    return declared


def sync_role_permissions(**_kwargs) -> None:
    # Imported here: app configs import this module before models can load.
    from django.contrib.auth.models import Group, Permission

    for role, perms in declared_role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))


def merge_role_permissions(*declarations: dict[str, list[str]]) -> dict[str, list[str]]:
    """Combine the role declarations of an app's areas into one ``role_permissions`` mapping."""
    merged: dict[str, list[str]] = {}
    for declaration in declarations:
        for role, perms in declaration.items():
            merged.setdefault(role, []).extend(perms)
    return merged


def users_with_perm(perm: str):
    """Active users holding ``perm`` through a role group or directly (superusers not implied)."""
    from django.contrib.auth import get_user_model

    app_label, codename = perm.split(".", 1)
    match = {"content_type__app_label": app_label, "codename": codename}
    by_group = Q(**{f"groups__permissions__{k}": v for k, v in match.items()})
    direct = Q(**{f"user_permissions__{k}": v for k, v in match.items()})
    return get_user_model().objects.filter(by_group | direct, is_active=True).distinct()
