"""Admin bases: business models are written by services only, so an admin either routes its saves
through them (see ``RoadmapItemAdmin.save_model``) or only shows the rows."""


class ReadOnlyAdminMixin:
    """Rows to look at (and search, filter): no add, change, delete or history revert. Changes
    happen on the portal's pages, which call the services (history, outbox, recompute)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
