"""The Papierkorb in the admin: deleted towns, networks and meetings, restored by the office."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core import permissions, trash
from core.models import DeletedEntry


@admin.register(DeletedEntry)
class DeletedEntryAdmin(admin.ModelAdmin):
    """Read-only list of what was deleted; „Wiederherstellen“ puts an entry back with everything deleted with it."""

    list_display = ["name", "kind_display", "deleted_at", "deleted_by", "related_count", "state_display"]
    list_filter = ["model_label", ("restored_at", admin.EmptyFieldListFilter)]
    list_select_related = ["deleted_by", "restored_by"]
    search_fields = ["name"]
    date_hierarchy = "deleted_at"
    actions = ["restore_selected"]
    fields = [
        "name",
        "kind_display",
        "deleted_at",
        "deleted_by",
        "related_count",
        "contents",
        "restored_at",
        "restored_by",
    ]
    readonly_fields = fields
    change_form_template = "admin/trash/deletedentry_change_form.html"

    # --- only the office

    def has_module_permission(self, request):
        return permissions.may_restore_history(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_restore_history(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns

    @admin.display(description="Art", ordering="model_label")
    def kind_display(self, obj):
        return obj.kind

    @admin.display(description="Stand")
    def state_display(self, obj):
        if obj.restored_at is None:
            return "im Papierkorb"
        return "wiederhergestellt"

    @admin.display(description="Mitgelöscht und gelöste Verweise")
    def contents(self, obj):
        from collections import Counter

        from django.apps import apps

        counts = Counter(record["model"] for record in obj.snapshot[1:])
        lines = []
        for label, count in sorted(counts.items()):
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            if model._meta.auto_created:
                lines.append(f"{count} × Verknüpfung {model._meta.verbose_name}")
            else:
                lines.append(f"{count} × {model._meta.verbose_name_plural if count != 1 else model._meta.verbose_name}")
        if obj.nulled_links:
            lines.append(f"{len(obj.nulled_links)} Verweise anderer Einträge (werden wieder gesetzt)")
        return format_html("<br>".join(["{}"] * len(lines)), *lines) if lines else "–"

    # --- restoring

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/wiederherstellen/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name=f"{info[0]}_{info[1]}_restore",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, object_id):
        if not permissions.may_restore_history(request.user):
            raise PermissionDenied
        entry = self.get_object(request, object_id)
        if entry is None:
            return HttpResponseRedirect(reverse("admin:engagiert_deletedentry_changelist"))
        if self._restore(request, entry):
            return HttpResponseRedirect(self._restored_url(entry))
        return HttpResponseRedirect(reverse("admin:engagiert_deletedentry_change", args=[entry.pk]))

    @admin.action(description="Ausgewählte Einträge wiederherstellen")
    def restore_selected(self, request, queryset):
        if not permissions.may_restore_history(request.user):
            raise PermissionDenied
        for entry in queryset.order_by("deleted_at", "pk"):
            self._restore(request, entry)

    def _restore(self, request, entry) -> bool:
        try:
            restored = trash.restore(entry, request.user)
        except trash.RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return False
        self.message_user(
            request,
            format_html(
                '{} „{}“ wurde mit allen mitgelöschten Angaben wiederhergestellt. <a href="{}">Eintrag öffnen</a>',
                entry.kind,
                restored,
                self._restored_url(entry),
            ),
            messages.SUCCESS,
        )
        return True

    def _restored_url(self, entry) -> str:
        opts = entry.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.object_pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["restore_url"] = (
            reverse("admin:engagiert_deletedentry_restore", args=[obj.pk])
            if obj is not None and not obj.is_restored
            else ""
        )
        context["restored_url"] = self._restored_url(obj) if obj is not None and obj.is_restored else ""
        return super().render_change_form(request, context, add, change, form_url, obj)
