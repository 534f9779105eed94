"""Admins register OAuth2 clients: django-oauth-toolkit's application (client id and secret,
the client-credentials grant), then its API client (service user, scopes, throttle; last use
shown on both lists). People's tokens are listed for audit and revocation only."""

from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import get_application_model

from portal.admin_mixins import HistoryAdmin

from . import services
from .models import ApiClient, ApiToken

Application = get_application_model()


@admin.register(ApiClient)
class ApiClientAdmin(HistoryAdmin):
    list_display = ["application", "service_user", "scope_list", "throttle_rate", "last_used_at"]
    list_filter = ["service_user__groups", "last_used_at"]
    search_fields = ["application__name", "application__client_id", "service_user__username"]
    readonly_fields = ["last_used_at", "created_at"]
    autocomplete_fields = ["service_user"]

    @admin.display(description="Scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes) or "—"

    def save_model(self, request, obj, form, change):
        services.api_client_save(client=obj, actor=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(HistoryAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False  # people create their own on the API tokens page (the key is shown once)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user)

    actions = ["revoke"]


if admin.site.is_registered(Application):
    admin.site.unregister(Application)


@admin.register(Application)
class ClientApplicationAdmin(ApplicationAdmin):
    list_display = ["name", "client_id", "authorization_grant_type", "last_used"]

    @admin.display(description="Last used")
    def last_used(self, obj):
        client = getattr(obj, "api_client", None)
        return client.last_used_at if client and client.last_used_at else "never"
