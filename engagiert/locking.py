"""Optimistic locking: a second save over a stale copy is refused, never silently overwrites.

Every versioned row carries a counter. Each save raises it by one with a
conditional UPDATE (``WHERE version = <the version this copy was loaded at>``),
so of two people who opened the same version the first save wins and the
second is refused. The forms of the admin and of /redaktion/ carry the version
they were rendered with and explain, in German, which fields changed
meanwhile and who changed them, taken from the change history.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import formats


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


def _display(field, value) -> str:
    if value in (None, ""):
        return "(leer)"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "year") or isinstance(value, (int, float)):
        return str(formats.localize(value))
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


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
            rows.append({"label": str(field.verbose_name), "old": _display(field, old_value), "new": _display(field, new_value)})
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

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

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
        if stored != seen:
            raise ValidationError(stale_message(instance, seen), code="stale")
        return cleaned_data
