"""The office assigns roles on an account's page; the account list names the roles."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from cities.models import CityCoordinator
from core import permissions
from core.admin import CheckedAutocompleteMixin, CheckedInlineMixin
from networks.models import NetworkEditor


class CityCoordinatorInline(CheckedInlineMixin, admin.TabularInline):
    model = CityCoordinator
    extra = 0
    autocomplete_fields = ["city"]
    fields = ["city", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "Koordiniert die Stadt"
    verbose_name_plural = "Rolle Koordination: Städte, die dieses Konto bearbeitet"


class NetworkEditorInline(CheckedInlineMixin, admin.TabularInline):
    model = NetworkEditor
    extra = 0
    autocomplete_fields = ["network"]
    fields = ["network", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "Betreut das Netzwerk"
    verbose_name_plural = "Rolle Sprecherrat: Netzwerke, deren Treffen und Berichte dieses Konto pflegt"


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class DirectoryGroupAdmin(CheckedAutocompleteMixin, GroupAdmin):
    """Django's group page, with its permission choices checked against forged keys."""


@admin.register(User)
class DirectoryUserAdmin(CheckedAutocompleteMixin, UserAdmin):
    inlines = [CityCoordinatorInline, NetworkEditorInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "roles_display"]

    def get_queryset(self, request):
        return permissions.with_roles(super().get_queryset(request))

    # Only a superuser makes or changes a superuser: the office's group runs the directory,
    # not the installation.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="Rollen")
    def roles_display(self, obj):
        return ", ".join(permissions.role_names(obj)) or "–"
