from django.shortcuts import get_object_or_404, render

from events.models import Meeting


def meeting_list(request):
    meetings = Meeting.objects.with_relations()
    return render(request, "events/meeting_list.html", {"meetings": meetings, "nav": "meetings"})


def meeting_detail(request, slug):
    meeting = get_object_or_404(Meeting.objects.with_relations(), slug=slug)
    return render(request, "events/meeting_detail.html", {"meeting": meeting})
