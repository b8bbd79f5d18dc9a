"""Meetings and reports keep their rules in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.actions import publish_report
from events.models import Meeting, MeetingReport, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return Meeting.objects.create(title="Netzwerktreffen", starts_on=datetime.date(2025, 6, 18))


def test_meeting_slugs_are_unique(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(title="Anderes Treffen", slug=meeting.slug)


def test_meeting_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            title="Rückwärts", starts_on=datetime.date(2025, 6, 18), ends_on=datetime.date(2025, 6, 17)
        )


def test_a_meeting_has_at_most_one_report(meeting):
    MeetingReport.objects.create(meeting=meeting, body="Text")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingReport.objects.create(meeting=meeting, body="Noch ein Text")


def test_a_report_without_body_cannot_be_published_in_the_database(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingReport.objects.create(meeting=meeting, status=ReportStatus.PUBLISHED, published_at=timezone.now())


def test_a_report_without_body_cannot_be_published_through_validation(meeting):
    report = MeetingReport(meeting=meeting, status=ReportStatus.PUBLISHED)
    with pytest.raises(ValidationError) as excinfo:
        report.full_clean()
    assert "nur mit Text" in str(excinfo.value)


def test_publishing_stamps_the_publication_time(meeting, admin_user):
    report = MeetingReport.objects.create(meeting=meeting, body="Bericht")
    publish_report(report, user=admin_user)
    report.refresh_from_db()
    assert report.published_at is not None


def test_a_quarter_date_shows_as_the_quarter():
    planned = Meeting.objects.create(
        title="Nächstes Treffen", starts_on=datetime.date(2025, 11, 5), date_precision="quarter"
    )
    assert planned.starts_on == datetime.date(2025, 10, 1)
    assert planned.date_display == "4. Quartal 2025"
    assert planned.period_ends_on == datetime.date(2025, 12, 31)


def test_a_meeting_planned_for_a_quarter_is_upcoming_until_the_quarter_ends():
    planned = Meeting.objects.create(
        title="Nächstes Treffen", starts_on=datetime.date(2025, 10, 1), date_precision="quarter"
    )
    assert planned in Meeting.objects.upcoming(today=datetime.date(2025, 12, 31))
    assert planned not in Meeting.objects.past(today=datetime.date(2025, 12, 31))
    assert planned in Meeting.objects.past(today=datetime.date(2026, 1, 1))
    assert planned not in Meeting.objects.upcoming(today=datetime.date(2026, 1, 1))


def test_a_day_date_shows_in_german(meeting):
    assert meeting.date_display == "18. Juni 2025"


def test_a_meeting_over_two_days_shows_its_span():
    within_month = Meeting.objects.create(
        title="Zwei Tage", starts_on=datetime.date(2024, 9, 16), ends_on=datetime.date(2024, 9, 17)
    )
    across_months = Meeting.objects.create(
        title="Über den Monatswechsel", starts_on=datetime.date(2025, 6, 30), ends_on=datetime.date(2025, 7, 1)
    )
    assert within_month.date_display == "16.–17. September 2024"
    assert across_months.date_display == "30. Juni 2025 bis 1. Juli 2025"
