from rest_framework.permissions import DjangoModelPermissions


class RoleModelPermissions(DjangoModelPermissions):
    """Model permissions from the user's role groups, reads included (``view_<model>``).

    Views without a queryset (business endpoints such as "submit feedback") declare their own
    permission classes.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


def require_perms(*perms: str) -> type:
    """A permission class that demands an authenticated user holding every named permission."""
    from rest_framework.permissions import BasePermission

    class HasPerms(BasePermission):
        message = "Your role does not allow this action."

        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))

    HasPerms.__name__ = "Requires_" + "_".join(p.replace(".", "_") for p in perms)
    return HasPerms


def deny_unless(allowed: bool, message: str = "Your role does not allow this action.") -> None:
    """Answer 403 unless ``allowed`` (an area predicate from its ``permissions.py``)."""
    from rest_framework.exceptions import PermissionDenied

    if not allowed:
        raise PermissionDenied(message)
