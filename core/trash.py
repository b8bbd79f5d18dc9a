"""The Papierkorb: every deletion of an entry of the directory can be undone.

`delete_with_snapshot()` stores everything a deletion removes – the entry itself, the
rows deleted with it (memberships, seats, sub-groups, reports, photos, the rows of
many-to-many links) – and the rows that only lose their link to it (an organisation's
town, a meeting's place), then deletes. `restore()` puts all of it back in one
transaction, re-links the unlinked rows and records the restoration in the change
history. If something stands in the way (a new town took the same slug meanwhile),
it refuses with a German explanation and changes nothing.

`TrashMixin` routes the admin's deletions of every model of the directory apps (cities,
networks, events) through the Papierkorb, also rows deleted in an inline of another entry's
form; /redaktion/ deletes photos the same way (events/actions.py).
`purge()` (`manage.py empty_trash`, run daily) removes entries deleted longer ago than
settings.TRASH_RETENTION_DAYS, with the photo files only they still referred to.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import F, FileField
from django.db.models.deletion import Collector
from django.utils import timezone

from core.directory import directory_app_labels
from core.locking import VersionedModel
from core.models import DeletedEntry

RESTORE_REASON = "Aus dem Papierkorb wiederhergestellt"


class RestoreError(Exception):
    """Restoring is refused; the message explains why, in German."""


def in_trash(model) -> bool:
    """Deletions of the directory's entries go through the Papierkorb. (Link tables and the
    history's copies are never deleted on their own: they go with the entry they belong to.)"""
    meta = model._meta
    return (
        meta.app_label in directory_app_labels()
        and not meta.auto_created
        and not hasattr(model, "instance_type")  # django-simple-history's historical models
    )


def _label(model) -> str:
    return model._meta.label_lower


def _collect(obj) -> Collector:
    """Everything the deletion of `obj` removes or changes, loaded (no fast deletes)."""
    using = router.db_for_write(type(obj), instance=obj)
    collector = Collector(using=using, origin=obj, force_collection=True)
    collector.collect([obj])
    return collector


def consequences(obj) -> tuple[list, list]:
    """(rows deleted with `obj`, rows that lose their link to it): what deleting `obj` touches
    besides `obj` itself, as model instances."""
    collector = _collect(obj)
    deleted = [
        instance
        for instances in collector.data.values()
        for instance in instances
        if not (type(instance)._meta.concrete_model is type(obj)._meta.concrete_model and instance.pk == obj.pk)
    ]
    unlinked = []
    for (_field, value), querysets in collector.field_updates.items():
        if value is None:
            for queryset in querysets:
                unlinked.extend(queryset)
    return deleted, unlinked


def snapshot_of(obj) -> tuple[list[dict], list[dict]]:
    """(serialised rows to be deleted, links to be set to NULL) for deleting `obj`."""
    collector = _collect(obj)
    deleted = defaultdict(set)
    for model, instances in collector.data.items():
        deleted[model._meta.concrete_model].update(instance.pk for instance in instances)

    rows = []
    # The entry first, then the rest grouped by model; rows are re-read in full
    # (the collector may have loaded only the key columns).
    ordered = [
        type(obj)._meta.concrete_model,
        *sorted((model for model in deleted if model is not type(obj)._meta.concrete_model), key=_label),
    ]
    for model in ordered:
        objects = list(model._base_manager.filter(pk__in=deleted[model]).order_by("pk"))
        data = json.loads(serializers.serialize("json", objects))
        for record in data:
            # Many-to-many links are kept as the rows of their link tables, which the deletion removes too.
            for field in model._meta.many_to_many:
                record["fields"].pop(field.name, None)
        rows.extend(data)

    links = []
    for (field, value), querysets in collector.field_updates.items():
        if value is not None:
            continue
        model = field.model._meta.concrete_model
        for queryset in querysets:
            if hasattr(queryset, "values_list"):
                pairs = model._base_manager.filter(pk__in=queryset.values("pk")).values_list("pk", field.attname)
            else:
                pairs = [(instance.pk, getattr(instance, field.attname)) for instance in queryset]
            for pk, target in pairs:
                if pk in deleted.get(model, ()) or target is None:
                    continue
                links.append({"model": _label(model), "pk": pk, "field": field.name, "value": target})
    return rows, links


def delete_with_snapshot(obj, user=None):
    """Store `obj` and everything its deletion touches in the Papierkorb, then delete it."""
    using = router.db_for_write(type(obj), instance=obj)
    with transaction.atomic(using=using):
        rows, links = snapshot_of(obj)
        entry = DeletedEntry.objects.using(using).create(
            model_label=_label(type(obj)),
            object_pk=str(obj.pk),
            name=str(obj)[:300],
            deleted_by=user if user is not None and user.is_authenticated else None,
            snapshot=rows,
            nulled_links=links,
            related_count=max(len(rows) - 1, 0),
        )
        if user is not None and user.is_authenticated:
            obj._history_user = user
        obj.delete()
    return entry


# --- restoring -----------------------------------------------------------------------------------


def insert_order(models: list) -> list:
    """The models in an order in which every row's foreign keys point to rows inserted before."""
    pending = list(models)
    ordered = []
    while pending:
        for model in pending:
            needs = {
                field.related_model._meta.concrete_model
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not None
            }
            needs.discard(model)
            if not needs & set(pending):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # a cycle between models: insert the rest as they come (not the case in this project)
            ordered.extend(pending)
            break
    return ordered


def _describe(obj) -> str:
    try:
        text = str(obj)
    except (ObjectDoesNotExist, AttributeError):  # __str__ needs a relation that is not back yet
        text = f"#{obj.pk}"
    return f"{obj._meta.verbose_name} „{text}“"


def _check(objects: list, restoring: set) -> list[str]:
    """What stands in the way of inserting `objects` again: German sentences, empty if nothing."""
    problems = []
    for obj in objects:
        model = type(obj)
        if model._base_manager.filter(pk=obj.pk).exists():
            problems.append(f"{_describe(obj)} gibt es bereits wieder (Nummer {obj.pk}).")
            continue
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model is None:
                continue
            value = getattr(obj, field.attname)
            target = field.related_model._meta.concrete_model
            if value is None or (_label(target), str(value)) in restoring:
                continue
            if target._base_manager.filter(**{field.target_field.attname: value}).exists():
                continue
            if field.null:
                # Gone meanwhile: the link is dropped, as the deletion of the target would have done.
                setattr(obj, field.attname, None)
                continue
            problems.append(
                f"{_describe(obj)} gehört zu {target._meta.verbose_name} Nummer {value}, "
                "das inzwischen gelöscht wurde. Bitte stellen Sie das zuerst wieder her."
            )
        if model._meta.auto_created:
            continue
        try:
            obj.validate_unique()
            obj.validate_constraints()
        except ValidationError as error:
            for message in error.messages:
                problems.append(f"{_describe(obj)}: {message}")
    return problems


def restore(entry, user=None):
    """Put a deleted entry back with everything deleted or unlinked with it; return the restored object.

    Raises `RestoreError` (German message) and leaves the database as it was if anything conflicts.
    """
    if entry.restored_at is not None:
        raise RestoreError("Dieser Eintrag wurde bereits wiederhergestellt.")
    try:
        deserialized = list(serializers.deserialize("python", entry.snapshot, ignorenonexistent=True))
    except serializers.base.DeserializationError as error:
        raise RestoreError(f"Die gespeicherten Daten passen nicht mehr zum Verzeichnis ({error}).") from error

    by_model = defaultdict(list)
    for item in deserialized:
        by_model[type(item.object)].append(item)
    restoring = {(_label(type(item.object)), str(item.object.pk)) for item in deserialized}
    history_user = user if user is not None and user.is_authenticated else None
    using = router.db_for_write(entry.model)

    with transaction.atomic(using=using):
        problems = _check([item.object for item in deserialized], restoring)
        if problems:
            raise RestoreError(
                f"„{entry.name}“ kann nicht wiederhergestellt werden: "
                + " ".join(problems)
                + " Es wurde nichts geändert."
            )
        try:
            with transaction.atomic(using=using):
                now = timezone.now()
                for model in insert_order(list(by_model)):
                    for item in by_model[model]:
                        # A raw save keeps the stored times; a restored row counts as changed now, so
                        # the open-data API's modified_since lists it again (public/api/base.py).
                        if any(field.name == "modified_at" for field in model._meta.concrete_fields):
                            item.object.modified_at = now
                        item.save(using=using)
        except IntegrityError as error:
            raise RestoreError(
                f"„{entry.name}“ kann nicht wiederhergestellt werden, weil es inzwischen einen widersprechenden "
                f"Eintrag gibt ({error}). Es wurde nichts geändert."
            ) from error

        for model, items in by_model.items():
            manager = _history_manager(model)
            if manager is not None:
                manager.bulk_history_create(
                    [item.object for item in items], default_user=history_user, default_change_reason=RESTORE_REASON
                )
        _relink(entry.nulled_links, history_user)

        DeletedEntry.objects.using(using).filter(pk=entry.pk).update(
            restored_at=timezone.now(), restored_by=history_user
        )
        entry.refresh_from_db(fields=["restored_at", "restored_by"])
    return entry.model._base_manager.get(pk=entry.model._meta.pk.to_python(entry.object_pk))


def _history_manager(model):
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def _relink(links: list[dict], user) -> None:
    """Set the foreign keys the deletion set to NULL again, where nobody has set them since."""
    grouped = defaultdict(list)
    for link in links:
        grouped[(link["model"], link["field"])].append(link)
    for (label, field_name), group in grouped.items():
        try:
            model = apps.get_model(label)
            field = model._meta.get_field(field_name)
        except (LookupError, FieldDoesNotExist):
            continue  # the model or field no longer exists: nothing to re-link
        relinked = []
        for link in group:
            changes = {field.attname: link["value"]}
            if issubclass(model, VersionedModel):
                # An open form of this row was loaded without the link: it must not save over it unnoticed.
                changes["version"] = F("version") + 1
            if model._base_manager.filter(pk=link["pk"], **{field.attname: None}).update(**changes):
                relinked.append(link["pk"])
        manager = _history_manager(model)
        if manager is not None and relinked:
            manager.bulk_history_create(
                list(model._base_manager.filter(pk__in=relinked)),
                update=True,
                default_user=user,
                default_change_reason=RESTORE_REASON,
            )


# --- emptying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime.datetime
    entries: list[str]
    files: list[str]


def _files_of(rows: list[dict]) -> set[tuple[str, str, str]]:
    """(model label, field name, file name) of every file a snapshot's rows refer to."""
    found = set()
    for row in rows:
        try:
            model = apps.get_model(row["model"])
        except LookupError:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and (name := row["fields"].get(field.name)):
                found.add((row["model"], field.name, name))
    return found


def purge(days: int | None = None, *, dry_run: bool = False) -> PurgeResult:
    """Delete the Papierkorb entries deleted more than `days` ago (settings.TRASH_RETENTION_DAYS),
    restored or not, and the files of their rows (report photos) that no live row and no entry
    kept in the Papierkorb refers to. Nothing changes with `dry_run`."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.TRASH_RETENTION_DAYS if days is None else days)
    expired = list(DeletedEntry.objects.filter(deleted_at__lt=cutoff).order_by("deleted_at", "pk"))
    candidates = set().union(*(_files_of(entry.snapshot) for entry in expired))
    if candidates:
        kept = DeletedEntry.objects.filter(deleted_at__gte=cutoff).values_list("snapshot", flat=True)
        still_kept = {name for rows in kept.iterator() for _, _, name in _files_of(rows)}
        candidates = {
            (label, field, name)
            for label, field, name in candidates
            if name not in still_kept and not apps.get_model(label)._base_manager.filter(**{field: name}).exists()
        }
    files = sorted(name for _, _, name in candidates)
    if not dry_run:
        with transaction.atomic():
            DeletedEntry.objects.filter(pk__in=[entry.pk for entry in expired]).delete()
        for label, field, name in candidates:
            storage = apps.get_model(label)._meta.get_field(field).storage
            if storage.exists(name):
                storage.delete(name)
    return PurgeResult(cutoff=cutoff, entries=[str(entry) for entry in expired], files=files)


# --- the admin -----------------------------------------------------------------------------------


class TrashMixin:
    """ModelAdmin mixin: deletions of the directory's entries go to the Papierkorb first."""

    trash_delete_template = "admin/trash/delete_confirmation.html"
    trash_delete_selected_template = "admin/trash/delete_selected_confirmation.html"

    @property
    def delete_confirmation_template(self):
        return self.trash_delete_template if in_trash(self.model) else None

    @property
    def delete_selected_confirmation_template(self):
        return self.trash_delete_selected_template if in_trash(self.model) else None

    def delete_model(self, request, obj):
        if in_trash(type(obj)):
            delete_with_snapshot(obj, request.user)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if not in_trash(queryset.model):
            return super().delete_queryset(request, queryset)
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                delete_with_snapshot(obj, request.user)

    def save_formset(self, request, form, formset, change):
        """Rows deleted in an inline go to the Papierkorb too, each as an entry of its own."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            if in_trash(type(obj)):
                delete_with_snapshot(obj, request.user)
            else:
                obj.delete()
        for instance in instances:
            instance.save()
        formset.save_m2m()

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        if in_trash(self.model) and request.POST.get("_popup") is None:
            self.message_user(
                request, "Der Eintrag liegt im Papierkorb und kann dort wiederhergestellt werden.", messages.INFO
            )
        return response
