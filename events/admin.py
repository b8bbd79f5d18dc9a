"""Admin for the networks' meetings and the reports written about them."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html

from cities.admin import GermanSlugForm
from core.admin import DirectoryAdmin, EntryCitationInline, ScopedStackedInline, ScopedTabularInline
from events import actions
from events.forms import AdminPhotoForm
from events.models import Meeting, MeetingPhoto, MeetingReport, ReportStatus


def quoted_list(titles: list[str]) -> str:
    return ", ".join(f"„{title}“" for title in titles)


def reports_text(count: int) -> str:
    return "1 Bericht" if count == 1 else f"{count} Berichte"


class MeetingForm(GermanSlugForm):
    slug_source_field = "title"


class ReportAdminForm(forms.ModelForm):
    """A report in the admin: choosing the status „veröffentlicht“ or „Entwurf“ publishes or withdraws
    it as the editorial area and the list actions do (events/actions.py)."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        published = self.instance.status == ReportStatus.PUBLISHED
        try:
            if published and ("status" in self.changed_data or self.instance.published_at is None):
                actions.mark_published(self.instance)
            elif not published and "status" in self.changed_data:
                actions.mark_withdrawn(self.instance)
        except actions.ActionRefused as refusal:
            self.add_error(refusal.field, refusal.message)


class MeetingReportInline(ScopedStackedInline):
    model = MeetingReport
    form = ReportAdminForm
    extra = 0
    max_num = 1
    autocomplete_fields = ["author"]
    show_change_link = True
    fieldsets = [
        (None, {"fields": ["status", "published_at", "author"]}),
        ("Inhalt", {"fields": ["lead", "body", "outcomes"]}),
        (
            "Nächstes Treffen",
            {"fields": [("next_meeting_on", "next_meeting_precision"), "next_meeting_note"]},
        ),
    ]
    verbose_name_plural = "Bericht (Fotos über „Ändern“ beim gespeicherten Bericht)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class PeriodFilter(admin.SimpleListFilter):
    """Upcoming and past as on the public site: a meeting stays upcoming until its period has ended."""

    title = "Zeitraum"
    parameter_name = "zeitraum"

    def lookups(self, request, model_admin):
        return [("kommend", "kommende Treffen"), ("vergangen", "vergangene Treffen")]

    def queryset(self, request, queryset):
        if self.value() == "kommend":
            return queryset.upcoming()
        if self.value() == "vergangen":
            return queryset.past()
        return queryset


class ReportFilter(admin.SimpleListFilter):
    title = "Bericht"
    parameter_name = "bericht"

    def lookups(self, request, model_admin):
        return [
            (ReportStatus.PUBLISHED, "veröffentlicht"),
            (ReportStatus.DRAFT, "Entwurf"),
            ("keiner", "kein Bericht"),
        ]

    def queryset(self, request, queryset):
        if self.value() in ReportStatus.values:
            return queryset.filter(report__status=self.value())
        if self.value() == "keiner":
            return queryset.filter(report__isnull=True)
        return queryset


@admin.register(Meeting)
class MeetingAdmin(DirectoryAdmin):
    form = MeetingForm
    list_display = [
        "title",
        "date_column",
        "kind",
        "format",
        "status",
        "networks_display",
        "place_column",
        "report_column",
    ]
    list_filter = [
        PeriodFilter,
        "kind",
        "format",
        "status",
        ("networks", admin.RelatedOnlyFieldListFilter),
        ReportFilter,
    ]
    search_fields = [
        "title",
        "slug",
        "place_text",
        "place_city__name",
        "networks__name",
        "networks__short_name",
        "topics",
    ]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["networks", "host_cities", "place_city", "participating_cities", "participants"]
    inlines = [MeetingReportInline, EntryCitationInline]
    fieldsets = [
        ("Treffen", {"fields": ["title", "slug", "kind", "format", "status", "networks"]}),
        (
            "Datum und Ort",
            {
                "fields": [
                    ("starts_on", "date_precision"),
                    "ends_on",
                    ("start_time", "end_time"),
                    "place_city",
                    "place_text",
                ]
            },
        ),
        ("Teilnehmende", {"fields": ["host_cities", "participating_cities", "participants", "attendee_count"]}),
        ("Inhalt", {"fields": ["topics", "description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("place_city", "report").prefetch_related("networks")

    @admin.display(description="Datum", ordering="starts_on")
    def date_column(self, obj):
        return obj.date_display or None

    @admin.display(description="Netzwerke")
    def networks_display(self, obj):
        return ", ".join(network.short_name or network.name for network in obj.networks.all()) or None

    @admin.display(description="Ort", ordering="place_city__name")
    def place_column(self, obj):
        return obj.place_display or None

    @admin.display(description="Bericht", ordering="report__status")
    def report_column(self, obj):
        try:
            report = obj.report
        except MeetingReport.DoesNotExist:
            return None
        return report.get_status_display()


class MeetingPhotoInline(ScopedTabularInline):
    model = MeetingPhoto
    form = AdminPhotoForm
    extra = 0
    fields = ["preview", "image", "caption", "alt_text", "credit", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="Vorschau")
    def preview(self, obj):
        if not obj.pk or not obj.image:
            return None
        return format_html('<img src="{}" alt="{}" width="120">', obj.image.url, obj.alt_text)


@admin.register(MeetingReport)
class MeetingReportAdmin(DirectoryAdmin):
    form = ReportAdminForm
    list_display = ["meeting_column", "status", "published_at", "author", "photo_count", "modified_at"]
    list_display_links = ["meeting_column"]
    list_filter = ["status", "meeting__kind", ("meeting__networks", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["meeting", "author"]
    search_fields = ["meeting__title", "lead", "body", "author__name"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["meeting", "author"]
    readonly_fields = ["created_at", "modified_at"]
    inlines = [MeetingPhotoInline]
    actions = ["publish_reports", "withdraw_reports"]
    fieldsets = [
        ("Bericht", {"fields": ["meeting", "author", "status", "published_at"]}),
        ("Inhalt", {"fields": ["lead", "body", "outcomes"]}),
        (
            "Nächstes Treffen",
            {"fields": [("next_meeting_on", "next_meeting_precision"), "next_meeting_note"]},
        ),
        ("Verlauf", {"fields": ["created_at", "modified_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(photo_total=Count("photos", distinct=True))

    @admin.display(description="Treffen", ordering="meeting__starts_on")
    def meeting_column(self, obj):
        return str(obj.meeting)

    @admin.display(description="Fotos", ordering="photo_total")
    def photo_count(self, obj):
        return obj.photo_total

    @admin.action(description="Ausgewählte Berichte veröffentlichen", permissions=["change"])
    def publish_reports(self, request, queryset):
        published, already, without_body = 0, 0, []
        for report in queryset.select_related("meeting"):
            if report.is_published:
                already += 1
                continue
            try:
                actions.publish_report(report, user=request.user)
            except actions.ActionRefused:
                without_body.append(report.meeting.title)
                continue
            published += 1
        if published:
            self.message_user(request, f"{reports_text(published)} veröffentlicht.", messages.SUCCESS)
        if already:
            verb = "war" if already == 1 else "waren"
            self.message_user(request, f"{reports_text(already)} {verb} bereits veröffentlicht.", messages.INFO)
        if without_body:
            self.message_user(
                request,
                "Nicht veröffentlicht, weil der Berichtstext fehlt: " + quoted_list(without_body) + ".",
                messages.WARNING,
            )

    @admin.action(description="Ausgewählte Berichte zurückziehen", permissions=["change"])
    def withdraw_reports(self, request, queryset):
        # One save per report, not queryset.update(): every withdrawal gets its history record
        # and makes the cached public pages stale (the action runs in one transaction).
        count = 0
        for report in queryset.filter(status=ReportStatus.PUBLISHED):
            actions.withdraw_report(report, user=request.user)
            count += 1
        if count:
            self.message_user(
                request, f"{reports_text(count)} zurückgezogen und wieder als Entwurf gespeichert.", messages.SUCCESS
            )
        else:
            self.message_user(request, "Keiner der ausgewählten Berichte war veröffentlicht.", messages.INFO)
