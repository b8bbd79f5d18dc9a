"""The change history in the admin, readable in German.

django-simple-history records every save with user, date and all values; its admin
page lists the changes per version. `ReadableHistoryMixin` (a base of
`core.admin.DirectoryAdmin`) makes them readable: field labels, choice labels,
related rows by name, „ja“/„nein“, German dates, long texts shortened – and shows,
on the page of a town, network or meeting, the recorded changes of the rows edited
in its inlines (memberships, seats, reports ...).
"""

from __future__ import annotations

import copy
import re
from difflib import SequenceMatcher

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import router, transaction
from django.db.models import ForeignKey, ManyToManyField
from django.http import HttpResponseRedirect
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay, conditional_str
from simple_history.utils import get_m2m_reverse_field_name

from core.locking import StaleEditError, display_value, stale_message


class GermanDiffDisplay(ObjDiffDisplay):
    def shortened_str(self, prefix: str, num_skipped_chars: int, suffix: str) -> str:
        return f"{prefix} […{num_skipped_chars} Zeichen…] {suffix}"


# Words of unchanged text kept on each side of a change; longer unchanged runs are shortened between.
CONTEXT_WORDS = 8


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts with the words that changed marked, <del> in the old and <ins> in the new;
    unchanged runs longer than a few words are shortened to their first and last words."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            same = _context("".join(before[i1:i2]))
            old_parts.append(same)
            new_parts.append(same)
            continue
        if i2 > i1:
            old_parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if j2 > j1:
            new_parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    # Every part is escaped above (format_html, conditional_escape).
    return mark_safe("".join(old_parts)), mark_safe("".join(new_parts))


def _context(text: str) -> str:
    words = text.split(" ")
    if len(words) <= 2 * CONTEXT_WORDS + 1:
        return conditional_escape(text)
    return format_html("{} […] {}", " ".join(words[:CONTEXT_WORDS]), " ".join(words[-CONTEXT_WORDS:]))


class ReadableRecordHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        if isinstance(field, ForeignKey) and value is not None and not hasattr(value, "_meta"):
            # A row deleted since (simple-history hands over a placeholder) or a bare key.
            value = getattr(value, "pk", value)
            if value is None:
                return display_value(field, None)
            related = field.related_model._base_manager.filter(pk=value).first()
            return display_value(field, related) if related is not None else f"(gelöscht, Nummer {value})"
        return display_value(field, value, shorten=False)

    def get_obj_diff_display(self):
        return GermanDiffDisplay(max_length=self.max_displayed_delta_change_chars)

    def stringify_delta_change_values(self, change, old, new):
        """Texts show the words that changed; lists (many-to-many links) keep simple-history's display."""
        if isinstance(old, list) or isinstance(new, list):
            return super().stringify_delta_change_values(change, old, new)
        return word_diff(conditional_str(old), conditional_str(new))


def _tracked_inlines(model_admin, request, obj):
    """The inlines of this admin page whose rows keep a history."""
    return [
        inline
        for inline in model_admin.get_inline_instances(request, obj)
        if getattr(inline.model._meta, "simple_history_manager_attribute", None)
    ]


class ReadableHistoryMixin:
    """Admin mixin for `SimpleHistoryAdmin`: German titles and a readable diff."""

    history_list_per_page = 50
    inline_history_limit = 30

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableRecordHelper(self.model, historical_record)

    def history_view_title(self, request, obj):
        return f"Änderungsverlauf: {obj}"

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return f"Frühere Fassung ansehen: {obj}"
        return f"Frühere Fassung wiederherstellen: {obj}"

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "inline_histories": self._inline_histories(request, object_id)}
        return super().history_view(request, object_id, extra_context)

    def _inline_histories(self, request, object_id):
        """Recorded changes of the rows edited in this page's inlines, newest first."""
        obj = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if obj is None:
            return []
        sections = []
        for inline in _tracked_inlines(self, request, obj):
            model = inline.model
            fk = next(
                (
                    field
                    for field in model._meta.concrete_fields
                    if isinstance(field, ForeignKey)
                    and field.related_model._meta.concrete_model is self.model._meta.concrete_model
                    and (not getattr(inline, "fk_name", None) or field.name == inline.fk_name)
                ),
                None,
            )
            if fk is None:
                continue
            history = getattr(model, model._meta.simple_history_manager_attribute)
            records = list(
                history.filter(**{fk.attname: obj.pk})
                .select_related("history_user")
                .order_by("-history_date", "-history_id")[: self.inline_history_limit]
            )
            if not records:
                continue
            for record in records:
                previous = record.prev_record if record.history_type == "~" else None
                record.history_delta_changes = []
                if previous is not None:
                    delta = record.diff_against(previous, foreign_keys_are_objs=True)
                    helper = ReadableRecordHelper(model, record)
                    record.history_delta_changes = helper.context_for_delta_changes(delta)
                record.row_label = conditional_escape(_safe_str(record.instance))
            sections.append({"title": str(model._meta.verbose_name_plural), "records": records})
        return sections

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history builds the form with the class's prepopulated fields; a slug that is
        # read-only for this user must not be among them.
        view = copy.copy(self)
        view.prepopulated_fields = self.get_prepopulated_fields(request)
        # It fills the form from the version's own columns only; its many-to-many links (a
        # network's states, a meeting's towns) would show, and be saved, as they are now.
        links = version_links(self.model, object_id, version_id)
        if links:
            view.get_form = _with_initial(self.get_form, links)
        try:
            # Restoring saves the row, its links and the log entry: all of it or, on any failure, nothing.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super(ReadableHistoryMixin, view).history_form_view(
                    request, object_id, version_id, extra_context
                )
        except StaleEditError as error:
            self.message_user(request, stale_message(error.instance, error.instance.version), messages.ERROR)
            return HttpResponseRedirect(request.path)


def version_links(model, object_id, version_id) -> dict[str, list]:
    """The recorded many-to-many links of one version: {field name: [pk of each linked row]}."""
    fields = getattr(model.history.model, "_history_m2m_fields", ())
    if not fields:
        return {}
    record = model.history.filter(pk=version_id, **{model._meta.pk.attname: object_id}).first()
    if record is None:
        return {}
    return {
        field.name: list(getattr(record, field.name).values_list(get_m2m_reverse_field_name(field), flat=True))
        for field in fields
    }


def _with_initial(get_form, links: dict[str, list]):
    """`ModelAdmin.get_form`, whose forms start (unbound) with the given many-to-many values."""

    def get_version_form(request, obj=None, **kwargs):
        form_class = get_form(request, obj, **kwargs)

        class VersionForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                self.initial.update({name: pks for name, pks in links.items() if name in self.fields})

        VersionForm.__name__ = form_class.__name__
        return VersionForm

    return get_version_form


def _safe_str(obj) -> str:
    try:
        return str(obj)
    except (ObjectDoesNotExist, AttributeError):  # a related row that no longer exists
        return f"#{obj.pk}"
