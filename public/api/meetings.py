"""Open-data API of the meetings (≈ OParl Meeting) and their published reports (≈ resultsProtocol).

Draft reports never appear: not in the list, not at their URL, not as a meeting's report. A
report withdrawn after publication answers `deleted: true` at its URL and, with `modified_since`,
in the list, so that readers who copied it learn to drop it.
"""

import datetime
from typing import Literal

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema

from cities.models import LAST_YEAR, PROGRAMME_START_YEAR, Person
from core.markup import render_markdown
from events.models import Meeting, MeetingFormat, MeetingKind, MeetingReport, MeetingStatus, ReportStatus
from public.api.base import (
    ERRORS,
    DeletedOut,
    LinksOut,
    ListQuery,
    ObjectId,
    PaginationOut,
    PersonOut,
    Slug,
    apply_filterset,
    day,
    filter_names,
    object_or_stub,
    paginated_list,
    person,
    reject_unknown_parameters,
    stamp,
)
from public.api.towns import StateSlug
from public.filters.meetings import MeetingFilterSet

router = Router(tags=["Meetings and reports"])


class MeetingLocationOut(Schema):
    description: str
    town: str | None


class MeetingOut(Schema):
    id: str
    type: Literal["Meeting"]
    name: str
    kind: MeetingKind
    format: MeetingFormat
    meetingState: MeetingStatus
    cancelled: bool
    start: str | None = Field(description="Date, or date and time when known.")
    end: str | None
    datePrecision: str = Field(description="day, month, quarter or year: how exact `start` is.")
    location: MeetingLocationOut | None
    organization: list[str] = Field(description="The networks holding it.")
    hostTowns: list[str]
    participatingTowns: list[str]
    participant: list[PersonOut]
    attendeeCount: int | None
    topics: list[str]
    description: str
    resultsProtocol: str | None = Field(description="Its published report.")
    web: str
    created: str
    modified: str
    deleted: Literal[False]


class MeetingPage(Schema):
    data: list[MeetingOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


class MeetingQuery(ListQuery):
    """The filters of /treffen/."""

    netzwerk: list[Slug] = Field([], description="Networks, by slug.")
    land: list[StateSlug] = []
    format: MeetingFormat = None
    art: MeetingKind = None
    jahr: int = Field(None, ge=PROGRAMME_START_YEAR, le=LAST_YEAR)


def meetings():
    return Meeting.objects.select_related("place_city", "report").prefetch_related(
        "networks",
        "host_cities",
        "participating_cities",
        Prefetch("participants", queryset=Person.objects.order_by("name", "pk")),
    )


def _moment(date: datetime.date | None, time: datetime.time | None) -> str | None:
    if date is None:
        return None
    return f"{date.isoformat()}T{time.isoformat()}" if time is not None else date.isoformat()


def meeting(obj: Meeting, links) -> dict:
    report = getattr(obj, "report", None)
    published = report is not None and report.status == ReportStatus.PUBLISHED
    location = None
    if obj.place_city_id or obj.place_text:
        location = {"description": obj.place_display, "town": links("towns", obj.place_city_id)}
    return {
        "id": links("meetings", obj.pk),
        "type": "Meeting",
        "name": obj.title,
        "kind": obj.kind,
        "format": obj.format,
        "meetingState": obj.status,
        "cancelled": obj.status == MeetingStatus.CANCELLED,
        "start": _moment(obj.starts_on, obj.start_time),
        "end": _moment(obj.ends_on or (obj.starts_on if obj.end_time else None), obj.end_time),
        "datePrecision": obj.date_precision,
        "location": location,
        "organization": [links("networks", n.pk) for n in obj.networks.all()],
        "hostTowns": [links("towns", c.pk) for c in obj.host_cities.all()],
        "participatingTowns": [links("towns", c.pk) for c in obj.participating_cities.all()],
        "participant": [person(p) for p in obj.participants.all()],
        "attendeeCount": obj.attendee_count,
        "topics": obj.topic_list,
        "description": obj.description,
        "resultsProtocol": links("reports", report.pk) if published else None,
        "web": links.web(obj.get_absolute_url()),
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


@router.get(
    "/meetings/", response={200: MeetingPage, **ERRORS}, url_name="meetings", summary="Meetings", exclude_unset=True
)
def meeting_list(request, query: Query[MeetingQuery]):
    reject_unknown_parameters(request, MeetingQuery.model_fields)
    found = apply_filterset(MeetingFilterSet, request, meetings(), filter_names(MeetingQuery)).order_by()
    return paginated_list(request, query, found, meeting, collection="meetings", type_name="Meeting", model=Meeting)


@router.get(
    "/meetings/{pk}/",
    response={200: MeetingOut | DeletedOut, **ERRORS},
    url_name="meeting",
    summary="One meeting",
    exclude_unset=True,
)
def meeting_detail(request, pk: ObjectId):
    return object_or_stub(request, meetings(), pk, meeting, model=Meeting, collection="meetings", type_name="Meeting")


# --- reports -------------------------------------------------------------------------------------


class ReportOut(Schema):
    id: str
    type: Literal["MeetingReport"]
    meeting: str
    author: PersonOut | None
    lead: str
    body: str = Field(description="Markdown, as the spokesperson wrote it.")
    bodyHtml: str = Field(description="The body as the site shows it: HTML from the Markdown, sanitised.")
    outcomes: list[str]
    nextMeeting: str | None
    nextMeetingNote: str
    published: str
    web: str
    created: str
    modified: str
    deleted: Literal[False]


class ReportPage(Schema):
    data: list[ReportOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


def reports():
    return MeetingReport.objects.published().select_related("author", "meeting")


def withdrawn_reports():
    """Published once, drafts now: gone for the API's readers, who may have copied them."""
    return MeetingReport.objects.withdrawn()


def report(obj: MeetingReport, links) -> dict:
    return {
        "id": links("reports", obj.pk),
        "type": "MeetingReport",
        "meeting": links("meetings", obj.meeting_id),
        "author": person(obj.author) if obj.author_id else None,
        "lead": obj.lead,
        "body": obj.body,
        "bodyHtml": render_markdown(obj.body),
        "outcomes": obj.outcome_list,
        "nextMeeting": day(obj.next_meeting_on),
        "nextMeetingNote": obj.next_meeting_note,
        "published": stamp(obj.published_at),
        "web": links.web(obj.get_absolute_url()),
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


@router.get(
    "/reports/",
    response={200: ReportPage, **ERRORS},
    url_name="reports",
    summary="Published reports",
    exclude_unset=True,
)
def report_list(request, query: Query[ListQuery]):
    reject_unknown_parameters(request, ListQuery.model_fields)
    found = reports().order_by()
    return paginated_list(
        request,
        query,
        found,
        report,
        collection="reports",
        type_name="MeetingReport",
        model=MeetingReport,
        withdrawn=withdrawn_reports(),
    )


@router.get(
    "/reports/{pk}/",
    response={200: ReportOut | DeletedOut, **ERRORS},
    url_name="report",
    summary="One published report",
    exclude_unset=True,
)
def report_detail(request, pk: ObjectId):
    return object_or_stub(
        request,
        reports(),
        pk,
        report,
        model=MeetingReport,
        collection="reports",
        type_name="MeetingReport",
        withdrawn=withdrawn_reports(),
    )
