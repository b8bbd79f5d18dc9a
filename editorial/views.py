"""The editorial area /redaktion/: spokespersons keep their networks' meetings, reports and photos.

Who may do what is asked of `core.permissions` only. Anonymous visitors are sent
to the login; signed-in users without the right get the 403 page; a meeting of
another network is refused (403) for reading and writing alike, before any form is
even bound. Meetings and reports are version-locked (core/locking.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cities.models import Person
from core import permissions
from core.listing import paginate
from core.locking import StaleEditError, stale_message
from editorial.forms import PUBLISH, REPORT_ACTIONS, SAVE, UNPUBLISH, MeetingForm, PhotoForm, PreviewForm, ReportForm
from events import actions
from events.models import Meeting, MeetingPhoto, MeetingReport
from networks.models import Network

PAST_MEETINGS_PER_PAGE = 30
# Meetings to record (past, still "geplant", no report) shown at the top of /redaktion/; the rest follow in the list.
TO_RECORD_SHOWN = 10
CREATED_MEANWHILE = (
    "Inzwischen hat jemand anderes einen Bericht zu diesem Treffen angelegt. Ihre Änderungen wurden nicht "
    "gespeichert, damit nichts überschrieben wird. Bitte laden Sie die Seite neu."
)
REPORT_SAVED = {
    SAVE: "Der Bericht wurde gespeichert.",
    PUBLISH: "Der Bericht ist veröffentlicht. Er steht jetzt auf der Seite des Treffens, des Netzwerks und auf der Startseite.",
    UNPUBLISH: "Die Veröffentlichung ist zurückgenommen. Der Bericht ist wieder ein Entwurf und öffentlich nicht mehr zu sehen.",
}


def _require_editorial(user) -> None:
    if not permissions.may_use_editorial(user):
        raise PermissionDenied


def _own_meeting(request, slug: str, action: str = permissions.CHANGE) -> Meeting:
    """The meeting, if the user may act on it; 404 if there is none, 403 if it is someone else's."""
    _require_editorial(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("report"), slug=slug)
    if not permissions.can(request.user, action, meeting):
        raise PermissionDenied
    return meeting


def _report_of(meeting: Meeting, user) -> MeetingReport:
    """The meeting's report, or a new unsaved one written by the user's person (if the user has one)."""
    report = getattr(meeting, "report", None)
    if report is None:
        report = MeetingReport(meeting=meeting, author=Person.objects.filter(user=user).first())
    return report


# --- overview ----------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    _require_editorial(user)
    today = timezone.localdate()
    meetings = permissions.scope(user, Meeting.objects.with_relations(), permissions.CHANGE)
    context = {
        "networks": Network.objects.filter(pk__in=permissions.spoken_network_ids(user)).order_by("name"),
        "is_office": permissions.is_office(user),
        "may_add": permissions.can(user, permissions.ADD, Meeting),
        "upcoming": meetings.upcoming(today).order_by("starts_on", "title"),
        "to_record": meetings.awaiting_record(today).order_by("starts_on", "title")[:TO_RECORD_SHOWN],
        "past": paginate(request, meetings.past(today), PAST_MEETINGS_PER_PAGE),
        "nav": "editorial",
    }
    return render(request, "editorial/home.html", context)


# --- meetings ----------------------------------------------------------------------------------


def _save_meeting(form: MeetingForm):
    """Save the form; on a concurrent save, put the German explanation on the form and return None."""
    try:
        with transaction.atomic():
            return form.save()
    except StaleEditError as error:
        form.add_error(None, stale_message(error.instance, form.cleaned_data["seen_version"]))
        return None


@login_required
def meeting_new(request):
    user = request.user
    _require_editorial(user)
    if not permissions.can(user, permissions.ADD, Meeting):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting(form)
        if meeting is not None:
            messages.success(
                request, f"Das Treffen „{meeting.title}“ ist angelegt. Jetzt können Sie den Bericht schreiben."
            )
            return redirect("editorial:report", meeting.slug)
    return render(request, "editorial/meeting.html", {"form": form, "meeting": None, "nav": "editorial"})


@login_required
def meeting_edit(request, slug):
    meeting = _own_meeting(request, slug)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid() and _save_meeting(form) is not None:
        messages.success(request, "Das Treffen wurde gespeichert.")
        return redirect("editorial:meeting_edit", meeting.slug)
    return render(request, "editorial/meeting.html", {"form": form, "meeting": meeting, "nav": "editorial"})


# --- the report --------------------------------------------------------------------------------


@login_required
def report(request, slug):
    meeting = _own_meeting(request, slug)
    report = _report_of(meeting, request.user)
    was_published = report.is_published
    action = request.POST.get("action", SAVE)
    if request.method == "POST" and action not in REPORT_ACTIONS:
        return HttpResponseBadRequest("Unbekannte Aktion.")
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        # Each action checks who may write (PermissionDenied answers 403).
        save = {PUBLISH: actions.publish_report, UNPUBLISH: actions.withdraw_report}.get(action, actions.save_report)
        try:
            save(form.save(commit=False), user=request.user)
        except actions.ActionRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        except StaleEditError as error:
            form.add_error(None, stale_message(error.instance, form.cleaned_data["seen_version"]))
        except IntegrityError:
            form.add_error(None, CREATED_MEANWHILE)
        else:
            messages.success(request, REPORT_SAVED[action])
            return redirect("editorial:report", meeting.slug)
    return _report_page(request, meeting, form, PhotoForm(), was_published)


def _report_page(request, meeting, form, photo_form, was_published, status=200):
    report = form.instance
    photos = list(report.photos.all()) if report.pk else []
    context = {
        "meeting": meeting,
        "report": report,
        "form": form,
        "photo_form": photo_form,
        "photos": photos,
        "was_published": was_published,
        "preview": _preview_report(form.data if form.is_bound else None, report),
        "nav": "editorial",
    }
    return render(request, "editorial/report.html", context, status=status)


def _preview_report(data, report: MeetingReport) -> MeetingReport:
    """An unsaved copy of the report with the texts as typed, for the preview."""
    if data is None:
        return report
    form = PreviewForm(data)
    form.is_valid()
    return MeetingReport(
        lead=form.cleaned_data.get("lead", ""),
        body=form.cleaned_data.get("body", ""),
        outcomes=form.cleaned_data.get("outcomes", ""),
    )


@login_required
@require_POST
def preview(request, slug):
    """The report rendered as the public page will show it, through the same sanitising filter."""
    meeting = _own_meeting(request, slug)
    context = {"meeting": meeting, "preview": _preview_report(request.POST, MeetingReport())}
    return render(request, "editorial/report.html#preview", context)


# --- photos ------------------------------------------------------------------------------------


@login_required
@require_POST
def photo_add(request, slug):
    meeting = _own_meeting(request, slug)
    report = getattr(meeting, "report", None)
    if report is None:
        messages.error(request, actions.REPORT_FIRST)
        return redirect("editorial:report", meeting.slug)
    if not permissions.can(request.user, permissions.ADD, MeetingPhoto):
        raise PermissionDenied
    photo_form = PhotoForm(request.POST, request.FILES, instance=MeetingPhoto(report=report))
    if photo_form.is_valid():
        actions.add_photo(photo_form.save(commit=False), user=request.user)
        messages.success(request, "Das Foto wurde hinzugefügt.")
        return redirect("editorial:report", meeting.slug)
    form = ReportForm(instance=report)
    return _report_page(request, meeting, form, photo_form, report.is_published, status=400)


@login_required
@require_POST
def photo_delete(request, slug, pk):
    meeting = _own_meeting(request, slug)
    photo = get_object_or_404(MeetingPhoto, pk=pk, report__meeting=meeting)
    actions.delete_photo(photo, user=request.user)
    messages.success(request, "Das Foto wurde entfernt.")
    return redirect("editorial:report", meeting.slug)
