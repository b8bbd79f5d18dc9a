"""Report photos uploaded in /redaktion/: checked by content, re-encoded without metadata, or refused.

A refusal must leave nothing behind: no row and no file under MEDIA_ROOT.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from core.models import DeletedEntry
from core.trash import delete_with_snapshot, purge, restore
from events.images import DRAFT_SIDE, _open_checked
from events.models import Meeting, MeetingPhoto
from tests.pages import page

OWN = "gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor(client, demo_users):
    client.force_login(demo_users["sprecherin-sachsen-anhalt"])
    return client


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def image_bytes(fmt: str, size=(1200, 800), mode="RGB", color="teal", **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def camera_jpeg() -> bytes:
    """A portrait photo as phones store it: landscape pixels, an orientation tag, camera and GPS data."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamerahersteller"
    exif[ExifTags.Base.Orientation] = 6  # turn 90° clockwise to show
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 50.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (12.0, 14.0, 30.0),
    }
    return image_bytes("JPEG", size=(2400, 1800), exif=exif.tobytes())


def upload(client, name: str, content: bytes, **fields):
    data = {"alt_text": "Die Sprecherinnen vor dem Rathaus", "credit": "Foto: Netzwerk", "caption": "", **fields}
    data["upload"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post(reverse("editorial:photo_add", args=[OWN]), data)


# --- accepted ------------------------------------------------------------------------------------


def test_a_camera_photo_is_turned_upright_scaled_and_stored_without_exif_or_gps(editor, media_root):
    original = camera_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS

    response = upload(editor, "IMG_2041.JPG", original, caption="Gründung im März")

    assert response.status_code == 302
    photo = MeetingPhoto.objects.get()
    assert (photo.width, photo.height) == (1200, 1600)  # upright, longest side 1600
    assert photo.image.name.startswith("berichte/") and "IMG_2041" not in photo.image.name
    for stored in (photo.image, photo.thumbnail):
        with Image.open(stored.path) as image:
            assert image.format == "JPEG"
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info and "icc_profile" not in image.info
            assert b"Kamerahersteller" not in stored.open("rb").read()
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert thumbnail.size == (360, 480) == photo.thumbnail_size


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("gruppe.png", image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)), id="png-with-transparency"),
        pytest.param("gruppe.webp", image_bytes("WEBP"), id="webp"),
        pytest.param("gruppe.jpg", image_bytes("PNG"), id="png-named-jpg"),
        pytest.param("klein.jpeg", image_bytes("JPEG", size=(300, 200)), id="small-jpeg-not-enlarged"),
    ],
)
def test_jpeg_png_and_webp_are_accepted_by_their_content(editor, name, content):
    response = upload(editor, name, content)

    assert response.status_code == 302
    photo = MeetingPhoto.objects.get()
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert max(image.size) <= 1600
        assert image.size == (photo.width, photo.height)


def test_the_photo_shows_on_the_public_meeting_page_and_in_the_editor(editor, client):
    upload(editor, "gruppe.jpg", image_bytes("JPEG", size=(2000, 1000)), caption="Alle neun Städte")
    photo = MeetingPhoto.objects.get()

    editor_img = page(client.get(reverse("editorial:report", args=[OWN]))).one("ul", class_="photo-grid").one("img")
    assert editor_img.get("src") == photo.thumbnail.url
    assert (editor_img.get("width"), editor_img.get("height")) == ("480", "240")
    client.logout()
    figure = page(client.get(f"/treffen/{OWN}/")).one("figure", class_="photo")
    img = figure.one("img")
    assert img.get("src") == photo.image.url
    assert (img.get("width"), img.get("height"), img.get("alt")) == ("1600", "800", "Die Sprecherinnen vor dem Rathaus")
    assert "Alle neun Städte" in figure.text and "Foto: Netzwerk" in figure.text
    served = client.get(photo.image.url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_deleted_photo_goes_to_the_papierkorb_and_its_files_go_when_it_is_emptied(
    editor, media_root, settings, django_capture_on_commit_callbacks
):
    upload(editor, "gruppe.jpg", image_bytes("JPEG"))
    photo = MeetingPhoto.objects.get()
    assert len(stored_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("editorial:photo_delete", args=[OWN, photo.pk]))

    assert response.status_code == 302
    assert not MeetingPhoto.objects.exists()
    entry = DeletedEntry.objects.get(model_label="events.meetingphoto", object_pk=str(photo.pk))
    assert entry.deleted_by.username == "sprecherin-sachsen-anhalt"
    # The office can still restore it: the files stay until the Papierkorb lets the entry go.
    assert len(stored_files(media_root)) == 2
    restore(entry)
    assert MeetingPhoto.objects.get().image.name == photo.image.name

    delete_with_snapshot(MeetingPhoto.objects.get())
    DeletedEntry.objects.update(deleted_at=timezone.now() - datetime.timedelta(days=settings.TRASH_RETENTION_DAYS + 1))
    purge()
    assert stored_files(media_root) == []


def test_a_photo_of_another_meeting_cannot_be_deleted_through_this_one(editor, demo_users):
    foreign = Meeting.objects.get(slug="netzwerktreffen-sachsen-weisswasser-2025").report
    photo = MeetingPhoto.objects.create(report=foreign, image="berichte/2025/x.jpg", alt_text="x", credit="y")

    response = editor.post(reverse("editorial:photo_delete", args=[OWN, photo.pk]))

    assert response.status_code == 404
    assert MeetingPhoto.objects.filter(pk=photo.pk).exists()


# --- refused -------------------------------------------------------------------------------------


def huge_png(size) -> bytes:
    """Millions of pixels in a few kilobytes: a 1-bit image of one colour compresses to almost nothing."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    content = image_bytes("JPEG", size=(800, 600))
    return content[: len(content) // 3]


REFUSALS = [
    pytest.param("bericht.jpg", b"Das ist kein Bild, nur Text.", "kein Bild im Format JPEG", id="text-named-jpg"),
    pytest.param("gruppe.exe", image_bytes("PNG"), "Dateiname endet nicht auf", id="png-named-exe"),
    pytest.param("gruppe.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "Dateiname", id="svg"),
    pytest.param(
        "gruppe.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "kein Bild", id="svg-named-png"
    ),
    pytest.param("gruppe.png", image_bytes("GIF"), "kein Bild im Format JPEG", id="gif-named-png"),
    pytest.param("gruppe.jpg", image_bytes("BMP"), "kein Bild im Format JPEG", id="bmp-named-jpg"),
    pytest.param("plan.png", huge_png((8000, 6000)), "zu groß (48 Megapixel)", id="pixel-bomb-48-megapixels"),
    pytest.param("plan.png", huge_png((20000, 10000)), "Das Bild ist zu groß", id="pixel-bomb-200-megapixels"),
    pytest.param("kaputt.jpg", truncated_jpeg(), "ließ sich nicht lesen", id="truncated-jpeg"),
    pytest.param("leer.jpg", b"", "Die Datei ist leer", id="empty-file"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSALS)
def test_uploads_that_are_no_acceptable_photo_are_refused_and_leave_nothing(editor, media_root, name, content, message):
    response = upload(editor, name, content)

    assert response.status_code == 400
    errors = page(response).one("form", class_="photo-form").find_all(class_="errorlist")
    assert any(message in error.text for error in errors), [error.text for error in errors]
    assert not MeetingPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_byte_limit_is_refused(editor, media_root, settings):
    settings.PHOTO_MAX_BYTES = 50_000
    noisy = io.BytesIO()
    Image.effect_noise((800, 800), 80).convert("RGB").save(noisy, format="PNG")
    assert len(noisy.getvalue()) > 50_000

    response = upload(editor, "rauschen.png", noisy.getvalue())

    assert response.status_code == 400
    assert "Die Datei ist zu groß" in page(response).one("form", class_="photo-form").text
    assert "48,8 KB" in page(response).one("form", class_="photo-form").text
    assert not MeetingPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_the_default_byte_limit_is_ten_megabytes(settings):
    assert settings.PHOTO_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(("missing", "message"), [("alt_text", "Alternativtext"), ("credit", "Bildnachweis")])
def test_alt_text_and_credit_are_required(editor, media_root, missing, message):
    response = upload(editor, "gruppe.jpg", image_bytes("JPEG"), **{missing: "   "})

    assert response.status_code == 400
    field_errors = page(response).one("form", class_="photo-form").find_all(class_="errorlist")
    assert any(message in error.text for error in field_errors)
    assert not MeetingPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_photos_can_be_added_only_to_a_saved_report(editor, media_root):
    meeting = Meeting.objects.create(title="Ohne Bericht", slug="ohne-bericht")
    meeting.networks.add(Meeting.objects.get(slug=OWN).networks.get())

    response = editor.post(
        reverse("editorial:photo_add", args=["ohne-bericht"]),
        {"alt_text": "a", "credit": "b", "upload": SimpleUploadedFile("a.jpg", image_bytes("JPEG"))},
    )

    assert response.status_code == 302
    assert not MeetingPhoto.objects.exists()
    assert stored_files(media_root) == []


# --- the admin takes the same path -----------------------------------------------------------------


def admin_report_form(client, report):
    from tests.pages import form_data

    change = reverse("admin:events_meetingreport_change", args=[report.pk])
    return change, form_data(page(client.get(change)).one("form", id="meetingreport_form"))


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("treffen.jpg", None, True),
        ("treffen.gif", image_bytes("GIF", size=(40, 40), mode="P"), False),
        ("treffen.jpg", b"kein Bild, nur Text", False),
    ],
)
def test_photos_uploaded_in_the_admin_are_checked_and_re_encoded(
    client, demo_users, media_root, name, content, accepted
):
    from events.models import MeetingReport

    client.force_login(demo_users["programmbuero"])
    report = MeetingReport.objects.get(meeting__slug=OWN)
    change, data = admin_report_form(client, report)
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data[f"{prefix}-TOTAL_FORMS"] = [str(int(data[f"{prefix}-TOTAL_FORMS"][0]) + 1)]
    row = int(data[f"{prefix}-TOTAL_FORMS"][0]) - 1
    data.update(
        {
            f"{prefix}-{row}-alt_text": ["Gruppenbild"],
            f"{prefix}-{row}-credit": ["Foto: Netzwerk"],
            f"{prefix}-{row}-position": ["0"],
            f"{prefix}-{row}-image": SimpleUploadedFile(name, content or camera_jpeg(), content_type="image/jpeg"),
        }
    )
    before = MeetingPhoto.objects.count()
    response = client.post(change, data)
    if accepted:
        assert response.status_code == 302
        photo = MeetingPhoto.objects.latest("pk")
        stored = Image.open(photo.image.path)
        assert stored.format == "JPEG" and max(stored.size) == 1600
        assert not stored.getexif()
        assert photo.thumbnail and photo.width == 1200 and photo.height == 1600
    else:
        assert response.status_code == 200
        assert MeetingPhoto.objects.count() == before
        assert stored_files(media_root) == []


# --- photos from phones --------------------------------------------------------------------------


def mpo_bytes() -> bytes:
    """A two-frame MPO as Android "Ultra HDR" and Samsung or Fuji cameras write it (named .jpg)."""
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (1800, 1200), "teal"), Image.new("RGB", (900, 600), "orange")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def test_a_two_frame_mpo_is_accepted_as_its_first_frame(editor):
    content = mpo_bytes()
    assert Image.open(io.BytesIO(content)).format == "MPO"

    response = upload(editor, "PXL_20250516.jpg", content)

    assert response.status_code == 302
    photo = MeetingPhoto.objects.get()
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG" and image.size == (1600, 1067)
        assert image.getpixel((10, 10))[2] > 100  # teal, the first frame, not the orange one


def test_a_jpeg_comment_does_not_survive_the_re_encoding(editor):
    content = image_bytes("JPEG", size=(2000, 1500), comment=b"Kamera Seriennummer 12345")
    assert b"Seriennummer" in content

    assert upload(editor, "kamera.jpg", content).status_code == 302

    photo = MeetingPhoto.objects.get()
    for stored in (photo.image, photo.thumbnail):
        assert b"Seriennummer" not in stored.open("rb").read()
        with Image.open(stored.path) as image:
            assert "comment" not in image.info


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    content = image_bytes("JPEG", size=(7200, 5400))  # 39 megapixels
    image = _open_checked(SimpleUploadedFile("gross.jpg", content, content_type="image/jpeg"))

    assert max(image.size) < 7200  # Pillow's draft mode decoded it at 1/2 scale
    assert max(image.size) >= DRAFT_SIDE  # still large enough for the web size of 1600 pixels
