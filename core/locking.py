"""Optimistic locking: a second save over a stale copy is refused, never silently overwrites.

Every versioned row carries a counter. Each save raises it by one with a
conditional UPDATE (``WHERE version = <the version this copy was loaded at>``),
so of two people who opened the same version the first save wins and the
second is refused. The forms of the admin and of /redaktion/ carry the version
they were rendered with and explain, in German, which fields changed
meanwhile and who changed them, taken from the change history.
"""

import datetime
import decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import formats, timezone


class StaleEditError(Exception):
    """Raised when a row was changed (or deleted) since this copy was loaded."""

    def __init__(self, instance):
        self.instance = instance
        super().__init__(f"{type(instance).__name__} {instance.pk} was changed by someone else.")


class VersionedModel(models.Model):
    version = models.PositiveIntegerField("Version", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Partial saves (update_fields) only refresh derived columns such as the search text;
        # they neither check nor raise the version.
        if self._state.adding or self.pk is None or kwargs.get("update_fields") is not None:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            claimed = type(self)._base_manager.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
            if not claimed:
                raise StaleEditError(self)
            self.version += 1
            return super().save(*args, **kwargs)


def display_value(field, value, shorten: bool = True) -> str:
    """A stored value as people read it: choice labels, „ja“/„nein“, German dates, names of related rows."""
    if value is None or value == "":
        return "(leer)"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if getattr(field, "choices", None) and not field.is_relation:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return str(formats.localize(value))
    if isinstance(value, (datetime.date, datetime.time, int, float, decimal.Decimal)):
        return str(formats.localize(value))
    text = str(value)
    if shorten and len(text) > 80:
        return text[:79] + "…"
    return text


_display = display_value


def changes_since(instance, seen_version: int) -> list[dict]:
    """What changed in the stored row since `seen_version`: field label, old and new value.

    The old values come from the change history (the record written when that
    version was saved); without one, only the fact of the change is known.
    """
    current = type(instance)._base_manager.get(pk=instance.pk)
    history = getattr(type(instance), "history", None)
    old = None
    if history is not None:
        old = history.filter(id=instance.pk, version=seen_version).order_by("-history_date").first()
    rows = []
    for field in instance._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name == "version":
            continue
        new_value = getattr(current, field.attname)
        if old is None:
            continue
        old_value = getattr(old, field.attname)
        if old_value != new_value:
            if field.is_relation:
                old_value = field.related_model._base_manager.filter(pk=old_value).first() if old_value else None
                new_value = getattr(current, field.name)
            rows.append(
                {"label": str(field.verbose_name), "old": _display(field, old_value), "new": _display(field, new_value)}
            )
    return rows


def latest_author(instance) -> str:
    history = getattr(type(instance), "history", None)
    if history is None:
        return ""
    record = history.filter(id=instance.pk).select_related("history_user").order_by("-history_date").first()
    if record is None or record.history_user is None:
        return ""
    user = record.history_user
    return user.get_full_name() or user.get_username()


def stale_message(instance, seen_version: int) -> str:
    """The German explanation shown when a save is refused."""
    if not type(instance)._base_manager.filter(pk=instance.pk).exists():
        return "Dieser Eintrag wurde inzwischen gelöscht. Ihre Änderungen wurden nicht gespeichert."
    author = latest_author(instance)
    who = f" von {author}" if author else ""
    changes = changes_since(instance, seen_version)
    text = (
        f"Dieser Eintrag wurde inzwischen{who} geändert, nachdem Sie ihn geöffnet hatten. "
        "Ihre Änderungen wurden nicht gespeichert, damit nichts überschrieben wird."
    )
    if changes:
        listed = "; ".join(f"{row['label']}: „{row['old']}“ → „{row['new']}“" for row in changes)
        text += f" Inzwischen geändert: {listed}."
    return text + " Bitte laden Sie die Seite neu und tragen Sie Ihre Änderungen erneut ein."


class VersionedFormMixin(forms.Form):
    """Carries the version the form was rendered with and refuses a save over a newer one.

    The check in `clean()` gives the friendly message with the changes; the
    conditional UPDATE in `VersionedModel.save()` closes the remaining gap
    between validation and saving.
    """

    # Set for inline rows, whose initial values are loaded when the form is submitted.
    unchanged_may_pass = False

    seen_version = forms.IntegerField(label="Geöffnete Fassung", widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields["seen_version"].initial = instance.version
            self.fields["seen_version"].required = True
            self.fields["seen_version"].error_messages["required"] = (
                "Die Versionsangabe fehlt. Bitte laden Sie die Seite neu."
            )

    def clean(self):
        cleaned_data = super().clean()
        instance = getattr(self, "instance", None)
        seen = cleaned_data.get("seen_version")
        if instance is None or instance.pk is None or seen is None:
            return cleaned_data
        stored = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        # An inline row left as it was cannot overwrite anything: its initial values are the stored ones.
        if stored != seen and (stored is None or not self.unchanged_may_pass or self.has_changed()):
            raise ValidationError(stale_message(instance, seen), code="stale")
        if stored != seen:
            # Unchanged: saving it must not trip the conditional UPDATE either.
            instance.version = stored
        return cleaned_data

    def has_changed(self):
        """Changed apart from the version: the version alone is no change of the entry."""
        return any(name != "seen_version" for name in self.changed_data)


def versioned_form(base, **attrs):
    """`base` (a form class) with the version field and check of `VersionedFormMixin`."""
    bases = (base,) if issubclass(base, VersionedFormMixin) else (VersionedFormMixin, base)
    return type(base.__name__, bases, {"__module__": base.__module__, **attrs})


def with_version_field(fieldsets):
    """Admin fieldsets with the hidden version field added to the first fieldset."""
    fieldsets = list(fieldsets)
    if not fieldsets:
        return fieldsets
    first_name, first_options = fieldsets[0]
    fields = list(first_options.get("fields", []))
    if "seen_version" not in fields:
        fieldsets[0] = (first_name, {**first_options, "fields": [*fields, "seen_version"]})
    return fieldsets


class VersionedInlineMixin:
    """Admin inline mixin: rows of a versioned model edited inline carry and check their version too.

    Without it, a report edited in the meeting's inline would silently overwrite a
    change made meanwhile in the report's own form or in /redaktion/.
    """

    def _versioned(self) -> bool:
        return isinstance(self.model, type) and issubclass(self.model, VersionedModel)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return with_version_field(fieldsets) if self._versioned() else fieldsets

    def get_formset(self, request, obj=None, **kwargs):
        if self._versioned():
            kwargs["form"] = versioned_form(kwargs.get("form", self.form), unchanged_may_pass=True)
        return super().get_formset(request, obj, **kwargs)
