"""Logo upload: checked by content with Pillow, re-encoded, resized, metadata stripped.

The file name and the browser's content type say nothing: a text file renamed .png, an SVG with
script in it or a decompression bomb must all be refused before anything is stored.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from ..models import Company

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE = 32
MAX_SIDE = 4000
# Pillow's own bomb guard stops at 89 million pixels; a logo never needs more than this.
MAX_PIXELS = MAX_SIDE * MAX_SIDE
OUTPUT_BOX = (400, 400)
# MPO is how many phone cameras write JPEG.
ACCEPTED_FORMATS = {"PNG", "JPEG", "MPO", "WEBP"}
OUTPUT_FORMAT = "WEBP"
OUTPUT_EXTENSION = "webp"


@dataclass(frozen=True)
class ImageMessages:
    """What an upload form says when a file is refused, so logos and other images (a story's
    photos) share the checks but name their own kind of picture. Lazy: rendered in the language
    active when the error is raised."""

    too_large: str | _StrPromise  # %(size)s: the file's size in MB
    too_large_unknown: str | _StrPromise
    not_an_image: str | _StrPromise
    too_many_pixels: str | _StrPromise  # %(width)s, %(height)s, %(max)s
    too_few_pixels: str | _StrPromise  # %(width)s, %(height)s, %(min)s


LOGO_MESSAGES = ImageMessages(
    too_large=gettext_lazy("The file is too large (%(size)s MB). A logo may have at most 2 MB."),
    too_large_unknown=gettext_lazy("The file is too large. A logo may have at most 2 MB."),
    not_an_image=gettext_lazy(
        "This file is not a PNG, JPEG or WebP image. Please upload your logo in one of these "
        "formats (SVG is not possible)."
    ),
    too_many_pixels=gettext_lazy(
        "The image is too large (%(width)s × %(height)s pixels). A logo may have at most "
        "%(max)s × %(max)s pixels."
    ),
    too_few_pixels=gettext_lazy(
        "The image is too small (%(width)s × %(height)s pixels). A logo needs at least "
        "%(min)s × %(min)s pixels."
    ),
)


def process_logo(upload) -> bytes:
    """The logo, checked and re-encoded as WebP within 400×400 pixels; ValidationError (in the
    person's language) for anything that is not a sane PNG, JPEG or WebP image."""
    return process_image(upload, output_box=OUTPUT_BOX, messages=LOGO_MESSAGES)


def process_image(
    upload, *, output_box: tuple[int, int], messages: ImageMessages = LOGO_MESSAGES
) -> bytes:
    """Any uploaded picture, checked by content and re-encoded as WebP within output_box, with
    no metadata left; ValidationError for anything that is not a sane PNG, JPEG or WebP image."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            # localize: "2,3 MB" in German, "2.3 MB" in English.
            str(messages.too_large) % {"size": localize(round(upload.size / 1024 / 1024, 1))},
            code="too_large",
        )
    not_an_image = ValidationError(str(messages.not_an_image), code="not_an_image")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(str(messages.too_large_unknown), code="too_large")
    with warnings.catch_warnings():
        # A bomb warning is an error here, never just a log line.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # First pass: the header and the file's integrity, without decoding pixels.
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                _check_dimensions(*probe.size, messages=messages)
                probe.verify()
            # verify() leaves the image unusable: open it again to decode.
            with Image.open(io.BytesIO(data)) as image:
                _check_dimensions(*image.size, messages=messages)
                image.seek(0)  # the first frame of an animated WebP or PNG
                image.load()
                return _reencode(image, output_box)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _("The image is too large (%(max)s × %(max)s pixels at most).") % {"max": MAX_SIDE},
                code="too_many_pixels",
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None


def _check_dimensions(width: int, height: int, *, messages: ImageMessages) -> None:
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValidationError(
            str(messages.too_many_pixels) % {"width": width, "height": height, "max": MAX_SIDE},
            code="too_many_pixels",
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ValidationError(
            str(messages.too_few_pixels) % {"width": width, "height": height, "min": MIN_SIDE},
            code="too_few_pixels",
        )


def _reencode(image: Image.Image, output_box: tuple[int, int]) -> bytes:
    # Phones store "rotate me" in EXIF; apply it before the EXIF goes away.
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail(output_box, Image.Resampling.LANCZOS)
    # A new image from the pixels only: no EXIF, GPS, XMP, ICC or comments survive.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format=OUTPUT_FORMAT, quality=90, method=6)
    return out.getvalue()


def delete_file_on_commit(storage: Storage, name: str) -> None:
    """Remove a stored file once the transaction that dropped it has committed (a rollback
    must not leave a row pointing at a deleted file)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def set_logo(*, company: Company, content: bytes) -> Company:
    """Store an already processed logo and remove the previous file."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    old_name = company.logo.name if company.logo else ""
    # A new name every time, so browsers and proxies never show the old logo from their cache.
    name = f"{company.slug}-{secrets.token_hex(4)}.{OUTPUT_EXTENSION}"
    company.logo.save(name, ContentFile(content), save=False)
    saved_name = company.logo.name
    company.updated_at = timezone.now()
    company.save(update_fields=["logo", "updated_at"])
    if old_name and old_name != saved_name:
        delete_file_on_commit(company.logo.storage, old_name)
    return company


@transaction.atomic
def remove_logo(*, company: Company) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.logo:
        delete_file_on_commit(company.logo.storage, company.logo.name)
        company.logo = ""
        company.save(update_fields=["logo", "updated_at"])
    return company
