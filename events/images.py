"""Report photos: check an upload by its content, then re-encode it for the web.

Nothing of the uploaded file reaches the site as it came: the content (never the
name or the browser's content type) must be a JPEG, PNG or WebP image within the
byte and pixel limits, and what is stored is a fresh JPEG encoded by Pillow, in a
web size and a thumbnail, without EXIF, GPS or any other metadata.
"""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# The decoders that may look at an upload. The JPEG decoder also opens MPO, a JPEG with further
# frames (Android "Ultra HDR", Samsung and Fuji cameras write it as .jpg): its first frame is the photo.
DECODERS = ("JPEG", "PNG", "WEBP")
ACCEPTED_FORMATS = (*DECODERS, "MPO")
# The content decides the format (a PNG named .jpg is fine); a name claiming something else
# entirely (.exe, .svg, .html) is refused all the same, as it is a sign of a mix-up or a trick.
ACCEPTED_EXTENSIONS = {"jpg", "jpeg", "jpe", "png", "webp"}
# Decoding an image costs memory per pixel; a small file can claim huge dimensions ("pixel bomb").
MAX_PIXELS = 40_000_000
# A JPEG is decoded at a reduced scale (1/2, 1/4, 1/8: Pillow's draft mode) as long as it stays at
# least this large: a 39-megapixel photo costs a fraction of the time and memory it would in full.
DRAFT_SIDE = 2 * 1600
WEB_SIDE = 1600
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 84

WRONG_TYPE = (
    "Diese Datei ist kein Bild im Format JPEG, PNG oder WebP. Bitte wählen Sie ein Foto in einem dieser Formate."
)
TOO_MANY_PIXELS = (
    "Das Bild ist zu groß ({megapixels} Megapixel). Erlaubt sind höchstens {limit} Megapixel; "
    "bitte verkleinern Sie es vor dem Hochladen."
)
WRONG_NAME = (
    "Der Dateiname endet nicht auf .jpg, .jpeg, .png oder .webp. Bitte laden Sie nur Fotos hoch, "
    "keine umbenannten Dateien."
)
TOO_MANY_BYTES = "Die Datei ist zu groß ({size}). Erlaubt sind höchstens {limit}."
BROKEN = "Das Bild ließ sich nicht lesen; die Datei ist vielleicht beschädigt. Bitte versuchen Sie es mit einer anderen Datei."


@dataclass
class WebImages:
    """The re-encoded files, ready to be assigned to a MeetingPhoto."""

    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def fit_within(width: int, height: int, side: int) -> tuple[int, int]:
    """The size of an image scaled down (never up) so that its longer side is at most `side`."""
    longest = max(width, height)
    if longest <= side:
        return (width, height)
    scale = side / longest
    return (max(1, round(width * scale)), max(1, round(height * scale)))


def max_bytes() -> int:
    return settings.PHOTO_MAX_BYTES


def _open_checked(upload) -> Image.Image:
    """Open the upload as an image of an accepted format and within the limits, or refuse it."""
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(
            TOO_MANY_BYTES.format(size=filesizeformat(upload.size), limit=filesizeformat(max_bytes())), code="bytes"
        )
    extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    if extension not in ACCEPTED_EXTENSIONS:
        raise ValidationError(WRONG_NAME, code="name")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a possible decompression bomb below twice its own limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # `formats` limits which decoders may even look at the content: the name does not count.
            image = Image.open(upload, formats=DECODERS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    TOO_MANY_PIXELS.format(megapixels=round(width * height / 1e6), limit=MAX_PIXELS // 1_000_000),
                    code="pixels",
                )
            if image.format in ("JPEG", "MPO"):
                image.draft("RGB", fit_within(width, height, DRAFT_SIDE))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            TOO_MANY_PIXELS.format(megapixels="über 40", limit=MAX_PIXELS // 1_000_000), code="pixels"
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(WRONG_TYPE, code="type") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(BROKEN, code="broken") from None
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(WRONG_TYPE, code="type")
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Upright RGB: turned as the camera meant it, transparency laid on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, side: int, name: str) -> tuple[ContentFile, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    # Pillow would carry a JPEG comment ("Kamera Seriennummer 12345") over from the upload's info.
    copy.info.clear()
    buffer = BytesIO()
    # No exif, icc_profile or comment arguments: the new file carries no metadata at all.
    copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=name), copy.width, copy.height


def web_images(upload) -> WebImages:
    """The web size and thumbnail of a checked upload; the stored names are random, never the uploaded one."""
    image = _flatten(_open_checked(upload))
    stem = uuid.uuid4().hex
    web, width, height = _jpeg(image, WEB_SIDE, f"{stem}.jpg")
    thumbnail, _, _ = _jpeg(image, THUMBNAIL_SIDE, f"{stem}-klein.jpg")
    return WebImages(image=web, thumbnail=thumbnail, width=width, height=height)
