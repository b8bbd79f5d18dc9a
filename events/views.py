from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from engagiert import seo
from engagiert.listing import filter_chips, paginate, render_list, vary_on_htmx
from events.filters import MeetingFilterSet
from events.models import Meeting

PAST_MEETINGS_PER_PAGE = 20


@vary_on_htmx
def meeting_list(request):
    today = timezone.localdate()
    filterset = MeetingFilterSet(request.GET or None, queryset=Meeting.objects.with_relations())
    meetings = filterset.qs
    context = {
        "filter": filterset,
        "upcoming": meetings.upcoming(today).order_by("starts_on", "title"),
        "past": paginate(request, meetings.past(today), PAST_MEETINGS_PER_PAGE),
        "chips": filter_chips(filterset) if filterset.is_bound else [],
        "today": today,
        "nav": "meetings",
    }
    return render_list(request, "events/meeting_list.html", context)


def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.with_relations().prefetch_related(
            "host_cities", "participating_cities", "participants__organization", "report__photos"
        ),
        slug=slug,
    )
    report = getattr(meeting, "report", None)
    context = {
        "meeting": meeting,
        "report": report if report is not None and report.is_published else None,
        "is_upcoming": meeting.period_ends_on is not None and meeting.period_ends_on >= timezone.localdate(),
        "jsonld": seo.meeting_jsonld(request, meeting),
        "nav": "meetings",
    }
    return render(request, "events/meeting_detail.html", context)
