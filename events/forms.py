"""Photo forms shared by the admin and /redaktion/: every new file is checked and re-encoded (events/images.py)."""

from django import forms

from events import images
from events.models import MeetingPhoto


class ReencodedPhotoMixin:
    """Saves the checked and re-encoded files (events.images) that the form's clean step put in `self.web`."""

    web = None

    def save(self, commit=True):
        photo = super().save(commit=False)
        if self.web is not None:
            photo.image = self.web.image
            photo.thumbnail = self.web.thumbnail
            photo.width, photo.height = self.web.width, self.web.height
        if commit:
            photo.save()
        return photo


class AdminPhotoForm(ReencodedPhotoMixin, forms.ModelForm):
    """The admin's photo rows: a newly chosen file passes the same checks and re-encoding as in /redaktion/."""

    class Meta:
        model = MeetingPhoto
        fields = ["image", "caption", "alt_text", "credit", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        self.web = images.web_images(image) if image and "image" in self.changed_data else None
        return image
