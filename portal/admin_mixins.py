"""Admin bases: business models are written by services only, so an admin either routes its saves
through them (see ``RoadmapItemAdmin.save_model``) or only shows the rows."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model with history: its "History" page lists who changed what and when.

    A revert (a POST on a past version's page) is refused unless the admin may change the row and
    revert is on. simple_history saves the posted form without asking ``has_change_permission``,
    so on a read-only admin a hand-made POST would write every field of the model's form (the
    four-eyes "ticked by"/"verified by" included) around the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if (
                obj is None
                or not self.has_change_permission(request, obj)
                or self.revert_disabled(request, obj)
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


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
