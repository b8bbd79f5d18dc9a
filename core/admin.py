"""The admin's shared base: every model admin asks `core.permissions` and keeps a history.

`DirectoryAdmin` scopes lists, objects, choices and writes to what the user may
reach, refuses foreign objects with 403, keeps the change history with a
readable diff (django-simple-history) whose earlier versions only the office
may restore, and refuses saves over a stale copy (optimistic locking).
"""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from core import permissions, trash
from core.fields import CheckedModelChoiceField, CheckedModelMultipleChoiceField, too_large
from core.history import ReadableHistoryMixin
from core.locking import StaleEditError, VersionedFormMixin, VersionedInlineMixin, VersionedModel, stale_message
from core.models import Citation, Source
from core.trash import TrashMixin

OWNERSHIP_MESSAGE = "Diese Auswahl liegt außerhalb Ihres Bereichs. Sie können nur eigene Einträge anlegen und ändern."


def autocomplete_source(request):
    """(model, field name) of the form field an admin autocomplete request fills, else None."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return None
    return model, request.GET["field_name"]


class ScopedPermissionsMixin:
    """Permission checks of a ModelAdmin or inline, answered by `core.permissions`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = permissions.choices(request.user, self.model, db_field.name, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = permissions.choices(request.user, self.model, db_field.name, field.queryset)
        return field

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [
            name for name in permissions.office_only_fields(request.user, self.model) if name not in readonly
        ]

    def get_prepopulated_fields(self, request, obj=None):
        readonly = set(self.get_readonly_fields(request, obj))
        return {
            name: sources
            for name, sources in super().get_prepopulated_fields(request, obj).items()
            if name not in readonly
        }


def _usable_key(field, value) -> bool:
    """Whether a submitted key can be looked up at all: "abc", "1.5" or a 20-digit number cannot."""
    try:
        key = field.to_python(value)
        field.get_prep_value(key)
    except (ValidationError, ValueError, TypeError):
        return False
    return not too_large(key)


class _CheckedChoices:
    """An autocomplete widget that shows a forged value as no choice instead of looking it up.

    When a form comes back with an error, Django's autocomplete widgets look up the submitted
    keys to show them again; an unusable key made that lookup raise (a 500). The form itself
    already answers such a value with its German "Bitte eine gültige Auswahl treffen".
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field.model._meta
        to_field = remote.get_field(getattr(self.field.remote_field, "field_name", None) or remote.pk.attname)
        usable = [key for key in value if key in ("", None) or _usable_key(to_field, key)]
        return super().optgroups(name, usable, attr)


class CheckedAutocompleteSelect(_CheckedChoices, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_CheckedChoices, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteMixin:
    """Admin pages and inlines whose choice fields survive forged values: a key too large for any
    column is a form error (core.fields), and autocomplete widgets do not look it up (_CheckedChoices)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", CheckedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


FORGED_ROWS = "Die Zeilen dieser Liste passen nicht zu den gespeicherten. Bitte laden Sie die Seite neu."


# New rows an inline takes in one save. Django builds every form the management form announces
# (up to 2,000): a forged TOTAL_FORMS cost 4–13 s of a worker per request.
NEW_ROWS_AT_ONCE = 50


class _KnownRowsFormSet:
    """A formset that refuses forged counts in its management form.

    TOTAL_FORMS: at most NEW_ROWS_AT_ONCE rows beyond the stored ones are built; more is Django's
    German "too many forms" error. INITIAL_FORMS: with a smaller count, stored rows would come
    back as new ones (duplicates, or a unique constraint's server error). New rows the admin
    renders never carry a key; a key in one of them means the count was forged.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.absolute_max = min(self.absolute_max, len(self.get_queryset()) + NEW_ROWS_AT_ONCE)

    def clean(self):
        super().clean()
        initial = self.initial_form_count()
        pk_name = self.model._meta.pk.name
        if initial < 0 or any(form.data.get(form.add_prefix(pk_name)) for form in self.forms[initial:]):
            raise ValidationError(FORGED_ROWS, code="forged_rows")


class CheckedInlineMixin(CheckedAutocompleteMixin):
    """Inlines that survive forged forms: checked choices (above) and a checked count of rows."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_KnownRowsFormSet, formset), {"__module__": formset.__module__})


# Columns that change with every save and say nothing about the entry.
BOOKKEEPING_FIELDS = frozenset({"version", "modified_at", "search_text"})


def _same_as_stored(obj) -> bool:
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    if stored is None:
        return False
    return all(
        getattr(stored, field.attname) == getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in BOOKKEEPING_FIELDS
    )


def _changes_links(form) -> bool:
    """Whether the form changes a many-to-many field (stored beside the row, recorded with it)."""
    links = {field.name for field in form.instance._meta.many_to_many}
    return any(name in links for name in form.changed_data)


class DirectoryAdmin(
    CheckedAutocompleteMixin, ScopedPermissionsMixin, TrashMixin, ReadableHistoryMixin, SimpleHistoryAdmin
):
    # --- what the user may see and do

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        source = autocomplete_source(request)
        if source is not None:
            model, field_name = source
            return permissions.choices(request.user, model, field_name, queryset)
        return permissions.scope(request.user, queryset)

    def has_module_permission(self, request):
        return permissions.can(request.user, permissions.VIEW, self.model)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            source = autocomplete_source(request)
            if source is not None:
                return permissions.may_choose(request.user, *source)
        return permissions.can(request.user, permissions.VIEW, obj or self.model)

    def has_add_permission(self, request):
        return permissions.can(request.user, permissions.ADD, self.model)

    def has_change_permission(self, request, obj=None):
        return permissions.can(request.user, permissions.CHANGE, obj or self.model)

    def has_delete_permission(self, request, obj=None):
        return permissions.can(request.user, permissions.DELETE, obj or self.model)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a deletion takes along; entries outside the user's towns and
        networks that the deletion would change make it impossible (the page names them)."""
        deleted_objects, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        foreign = []
        for obj in objs:
            try:
                rows = permissions.foreign_consequences(request.user, obj, trash.consequences)
            except (ProtectedError, RestrictedError):
                continue  # Django lists what protects the entry; the deletion cannot happen anyway
            for row in rows:
                text = f"{capfirst(row._meta.verbose_name)}: {row}"
                if text not in foreign:
                    foreign.append(text)
        # The delete pages (templates/admin/trash/) explain these instead of Django's "protected" wording.
        request.deletion_blocked_by = foreign
        return deleted_objects, model_count, perms_needed, [*protected, *foreign]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Outside the user's scope, or really missing: a foreign object is refused outright
            # instead of the admin's "perhaps it was deleted" redirect.
            field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
            try:
                exists = self.model._base_manager.filter(**{field.name: field.to_python(object_id)}).exists()
            except (ValidationError, ValueError):
                exists = False
            if exists:
                raise PermissionDenied
        return obj

    # --- forms: ownership of the saved values, the version seen

    def get_fieldsets(self, request, obj=None):
        return self.with_version_field(super().get_fieldsets(request, obj), obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # The ✕ beside a chosen organisation or person deletes that entry everywhere, where a
        # volunteer expects "clear this field": only the office is offered it.
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper) and not permissions.is_office(request.user):
            widget.can_delete_related = False
        return formfield

    def save_model(self, request, obj, form, change):
        # A save that changes nothing adds no version to the history (restoring an earlier
        # version changes the row, so it is compared with what is stored, not with the form).
        if change and not _changes_links(form) and _same_as_stored(obj):
            obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("skip_history_when_saving", None)

    def with_version_field(self, fieldsets, obj):
        """Adds the hidden version field to the first fieldset of a versioned object's change form."""
        if obj is not None and issubclass(self.model, VersionedModel):
            first_name, first_options = fieldsets[0]
            fields = list(first_options.get("fields", []))
            if "seen_version" not in fields:
                fieldsets = [(first_name, {**first_options, "fields": [*fields, "seen_version"]}), *fieldsets[1:]]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(obj, "_history", None) is not None and isinstance(obj, VersionedModel):
            # Restoring an earlier version saves it over the current row: it starts from the current version.
            obj.version = self.model._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first() or 1
        if issubclass(self.model, VersionedModel):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (VersionedFormMixin, base), {"__module__": base.__module__})
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        def _post_clean(form):
            # After the model's own validation, once the instance holds the submitted values.
            super(checked_form, form)._post_clean()
            if form.errors:
                return
            m2m = {
                name: value
                for name, value in form.cleaned_data.items()
                if hasattr(value, "model") and hasattr(value, "all")
            }
            if not permissions.may_save(user, form.instance, m2m):
                form.add_error(None, ValidationError(OWNERSHIP_MESSAGE, code="foreign"))

        checked_form = type(
            form_class.__name__, (form_class,), {"_post_clean": _post_clean, "__module__": form_class.__module__}
        )
        return checked_form

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_form in formset.deleted_forms:
                if instance.pk is not None and not permissions.can(request.user, permissions.DELETE, instance):
                    raise PermissionDenied
            elif inline_form.has_changed() and not permissions.may_save(request.user, instance):
                raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as error:
            self.message_user(request, stale_message(error.instance, error.instance.version), messages.ERROR)
            return HttpResponseRedirect(request.path)

    # --- history: everyone who may view may read it, only the office restores

    def revert_disabled(self, request, obj=None):
        return not permissions.may_restore_history(request.user)

    def has_change_history_permission(self, request, obj=None):
        return permissions.may_restore_history(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not permissions.may_restore_history(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def response_action(self, request, queryset, **kwargs):
        # Admin actions (publish, withdraw, delete …) change several rows: all of them or none.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset, **kwargs)


class ScopedInline(CheckedInlineMixin, VersionedInlineMixin, ScopedPermissionsMixin):
    """An inline whose rows may be written only where the rows belong to the user (the office: always)."""

    def get_queryset(self, request):
        """The rows the user may view or, where they may change rows of the model at all, the rows
        they may change: a formset's rows are all editable, so a row the user may only read (a
        coordinator's membership in the Bundesnetzwerk) stays on its own read-only page."""
        user = request.user
        action = permissions.CHANGE if permissions.can(user, permissions.CHANGE, self.model) else permissions.VIEW
        return permissions.scope(user, super().get_queryset(request), action)

    def has_view_permission(self, request, obj=None):
        return obj is None or permissions.can(request.user, permissions.VIEW, obj)

    def _may(self, request, action, obj):
        if not permissions.can(request.user, action, self.model):
            return False
        return obj is None or permissions.can(request.user, permissions.CHANGE, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, permissions.ADD, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, permissions.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, permissions.DELETE, obj)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass


# --- sources: everyone with a role finds and adds them; the office changes and deletes them ---


class CitationInline(CheckedInlineMixin, admin.TabularInline):
    """On a source: every entry it backs (the office's view of the whole directory)."""

    model = Citation
    extra = 0
    fields = ["content_type", "object_id", "fact"]
    verbose_name_plural = "Belege: welche Einträge diese Quelle belegt"

    def has_view_permission(self, request, obj=None):
        return permissions.is_office(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_office(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_office(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_office(request.user)


def fact_choices(model) -> list[tuple[str, str]]:
    """The facts of an entry that a source may back on its own: its editable fields, and a
    town's location (latitude and longitude, cited together as "coordinates")."""
    fields = [
        (field.name, capfirst(field.verbose_name))
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    ]
    located = {"latitude", "longitude"} <= {name for name, _ in fields}
    return [("", "der ganze Eintrag"), *([("coordinates", "Lage (Koordinaten)")] if located else []), *fields]


class EntryCitationInline(CheckedInlineMixin, GenericTabularInline):
    """On a town, network, meeting …: the sources that back it or one of its facts. Whoever may
    change the entry may cite for it (a coordinator for their own towns)."""

    model = Citation
    extra = 0
    fields = ["source", "fact"]
    autocomplete_fields = ["source"]
    verbose_name = "Quelle"
    verbose_name_plural = "Quellen (Belege für diesen Eintrag)"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The fact a source backs, picked by its German name among the entry's fields."""
        if db_field.name == "fact":
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=fact_choices(self.parent_model),
                required=False,
                help_text="Leer lassen, wenn die Quelle den ganzen Eintrag belegt.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return obj is None or permissions.can(request.user, permissions.VIEW, obj)

    def _may_change(self, request, obj):
        if obj is None:
            return permissions.can(request.user, permissions.ADD, self.parent_model)
        return permissions.can(request.user, permissions.CHANGE, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "retrieved_on", "url"]
    search_fields = ["title", "publisher", "url", "key"]
    list_filter = ["publisher"]
    ordering = ["title"]
    prepopulated_fields = {"key": ["title"]}
    inlines = [CitationInline]

    def has_module_permission(self, request):
        return permissions.can(request.user, permissions.VIEW, Source)

    def has_view_permission(self, request, obj=None):
        # Sources are public facts: whoever may cite one may read every one the list shows.
        return permissions.can(request.user, permissions.VIEW, Source)

    def has_add_permission(self, request):
        return permissions.can(request.user, permissions.ADD, Source)

    def has_change_permission(self, request, obj=None):
        return permissions.is_office(request.user) and permissions.can(request.user, permissions.CHANGE, obj or Source)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_office(request.user) and permissions.can(request.user, permissions.DELETE, obj or Source)
