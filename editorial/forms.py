"""Forms of the editorial area /redaktion/: meetings, reports and their photos.

What a user may pick (towns, networks) comes from `core.permissions.choices`;
meetings and reports carry the version they were opened at (`VersionedFormMixin`).
"""

from django import forms
from django.core.exceptions import ValidationError

from cities.models import City
from core import permissions
from core.fields import CheckedModelChoiceField, CheckedModelMultipleChoiceField
from core.locking import VersionedFormMixin
from core.text import german_slugify
from events import images
from events.forms import ReencodedPhotoMixin
from events.models import Meeting, MeetingPhoto, MeetingReport
from networks.models import Network

SAVE, PUBLISH, UNPUBLISH = "save", "publish", "unpublish"
REPORT_ACTIONS = (SAVE, PUBLISH, UNPUBLISH)
RESERVED_SLUGS = {"neu", "neues-treffen"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def unique_meeting_slug(title: str) -> str:
    """The German slug of the title, numbered when it is taken: "netzwerktreffen-2026", "…-2", …"""
    max_length = Meeting._meta.get_field("slug").max_length - 4
    base = german_slugify(title)[:max_length].rstrip("-") or "treffen"
    taken = set(Meeting._base_manager.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class MeetingForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "format",
            "status",
            "starts_on",
            "date_precision",
            "ends_on",
            "start_time",
            "end_time",
            "place_city",
            "place_text",
            "networks",
            "description",
            "topics",
        ]
        field_classes = {"place_city": CheckedModelChoiceField, "networks": CheckedModelMultipleChoiceField}
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "networks": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "topics": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        networks = self.fields["networks"]
        networks.queryset = permissions.choices(user, Meeting, "networks", Network.objects.order_by("name"))
        networks.required = True
        networks.error_messages["required"] = "Bitte wählen Sie mindestens ein Netzwerk, das zu dem Treffen einlädt."
        networks.help_text = "Nur Netzwerke, für die Sie sprechen."
        if self.instance.pk is None and not self.is_bound:
            # A spokesperson of a single network need not tick it for every new meeting.
            offered = list(networks.queryset[:2])
            if len(offered) == 1:
                self.initial.setdefault("networks", offered)
        place = self.fields["place_city"]
        place.queryset = permissions.choices(
            user, Meeting, "place_city", City.objects.select_related("state").order_by("name")
        )
        place.empty_label = "– keine Engagierte Stadt –"
        # A joint meeting keeps the networks this user may not pick (another network's, shown nowhere here).
        self.kept_networks = []
        if self.instance.pk is not None:
            allowed = set(networks.queryset.values_list("pk", flat=True))
            self.kept_networks = [n for n in self.instance.networks.all() if n.pk not in allowed]

    def clean(self):
        cleaned_data = super().clean()
        chosen = cleaned_data.get("networks")
        if chosen is not None and not self.errors:
            if not permissions.may_save(self.user, self.instance, m2m={"networks": list(chosen)}):
                raise ValidationError("Dieses Treffen gehört nicht zu Ihren Netzwerken.", code="foreign")
            cleaned_data["networks"] = [*chosen, *self.kept_networks]
        return cleaned_data

    def save(self, commit=True):
        if not self.instance.slug:
            self.instance.slug = unique_meeting_slug(self.instance.title)
        return super().save(commit)


class ReportForm(VersionedFormMixin, forms.ModelForm):
    """The report's texts. Whether it is saved as it is, published or taken back to a draft, the
    view decides with the submitted action (events/actions.py)."""

    class Meta:
        model = MeetingReport
        fields = ["lead", "body", "outcomes", "next_meeting_on", "next_meeting_precision", "next_meeting_note"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "next_meeting_on": DateInput(),
        }


class PreviewForm(forms.Form):
    """What the live preview renders: the report's texts, never saved."""

    lead = forms.CharField(required=False)
    body = forms.CharField(required=False)
    outcomes = forms.CharField(required=False)


class PhotoForm(ReencodedPhotoMixin, forms.ModelForm):
    # A plain file field: events.images decides by the content, with German messages.
    upload = forms.FileField(
        label="Foto",
        help_text="JPEG, PNG oder WebP. Das Bild wird verkleinert; Kameradaten und Ortsangaben werden entfernt.",
        error_messages={"required": "Bitte wählen Sie ein Foto aus.", "empty": "Die Datei ist leer."},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = MeetingPhoto
        fields = ["alt_text", "credit", "caption"]
        error_messages = {
            "alt_text": {
                "required": "Bitte beschreiben Sie das Bild im Alternativtext (für Menschen, die es nicht sehen)."
            },
            "credit": {"required": "Bitte geben Sie den Bildnachweis an, z. B. „Foto: Thomas Klitzsch“."},
        }

    field_order = ["upload", "alt_text", "credit", "caption"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.web = images.web_images(upload)
        return upload
