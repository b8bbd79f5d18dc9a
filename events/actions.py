"""What can be done with reports and their photos, each in one place.

The admin (its forms and actions) and /redaktion/ call these functions; nothing else sets a
report's publication state or places a photo. A refusal is an `ActionRefused` with a German
message for the person who asked. Functions that save do so in one transaction, with a full
save: the version check of core.locking refuses a stale copy, and the history records the change
with the acting user.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import permissions
from core.trash import delete_with_snapshot
from events.models import REPORT_NEEDS_TEXT, MeetingPhoto, MeetingReport, ReportStatus

REPORT_FIRST = "Bitte speichern Sie zuerst den Bericht (als Entwurf); dann können Sie Fotos hinzufügen."


class ActionRefused(Exception):
    """The action is refused; `message` says why (German), `field` names the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def mark_published(report: MeetingReport) -> None:
    """Publication as the report carries it: published, dated now unless it has a date; only with text."""
    if not report.body.strip():
        raise ActionRefused(REPORT_NEEDS_TEXT, field="body")
    report.status = ReportStatus.PUBLISHED
    report.published_at = report.published_at or timezone.now()


def mark_withdrawn(report: MeetingReport) -> None:
    """Back to a draft: no longer public, no publication date."""
    report.status = ReportStatus.DRAFT
    report.published_at = None


def save_report(report: MeetingReport, *, user) -> None:
    """Save the report as it is: a draft stays a draft, a published report stays published with its edits."""
    if not permissions.may_save(user, report):
        raise PermissionDenied
    report._history_user = user
    with transaction.atomic():
        report.save()


def publish_report(report: MeetingReport, *, user) -> None:
    """Publish the report with the values it carries (also those just edited)."""
    mark_published(report)
    save_report(report, user=user)


def withdraw_report(report: MeetingReport, *, user) -> None:
    """Take a published report back to a draft."""
    mark_withdrawn(report)
    save_report(report, user=user)


def add_photo(photo: MeetingPhoto, *, user) -> MeetingPhoto:
    """Place a checked and re-encoded photo (events.forms) after the report's other photos.

    The files are written before the row; if the row cannot be saved, they are removed again.
    """
    if photo.report_id is None:
        raise ActionRefused(REPORT_FIRST)
    if not permissions.may_save(user, photo):
        raise PermissionDenied
    photo._history_user = user
    try:
        with transaction.atomic():
            last = MeetingPhoto.objects.filter(report_id=photo.report_id).aggregate(last=Max("position"))["last"]
            photo.position = (last or 0) + 1
            photo.save()
    except Exception:
        delete_files(photo.image, photo.thumbnail)
        raise
    return photo


def delete_photo(photo: MeetingPhoto, *, user) -> None:
    """Move the photo to the Papierkorb; its files stay until the Papierkorb lets it go
    (`manage.py empty_trash`), so the office can restore it."""
    if not permissions.can(user, permissions.DELETE, photo):
        raise PermissionDenied
    delete_with_snapshot(photo, user)


def delete_files(*files) -> None:
    for file in files:
        if file and file.name:
            file.storage.delete(file.name)
