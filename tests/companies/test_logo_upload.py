"""Logo upload: real images made here with Pillow; fakes, SVG, bombs and oversized files refused;
what is stored is re-encoded, at most 400 × 400 pixels, without EXIF or GPS data."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from companies.models import Company, Membership
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
IMAGE_DESCRIPTION = 0x010E


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def company() -> Company:
    return CompanyFactory(published=True, slug="spannwerk")


@pytest.fixture
def owner(client, company):
    user = MembershipFactory(company=company).user
    client.force_login(user)
    return user


def image_file(
    size=(64, 64), fmt="PNG", mode="RGB", name="logo.png", color=(29, 91, 58), **save
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: a decompression bomb in a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(client, file) -> object:
    return client.post("/companies/spannwerk/logo/", {"logo": file})


def stored(company: Company) -> Image.Image:
    company.refresh_from_db()
    assert company.logo, "no logo was stored"
    return Image.open(company.logo.path)


def form_error(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["logo"])


# --- Accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_small_png_jpeg_or_webp_is_stored_as_webp(client, company, owner, fmt):
    response = upload(client, image_file(fmt=fmt, name=f"logo.{fmt.lower()}"))

    assert response.status_code == 302
    image = stored(company)
    assert image.format == "WEBP"
    assert image.size == (64, 64)
    assert company.logo.name.endswith(".webp")


def test_the_stored_logo_is_served_under_media(client, company, owner):
    upload(client, image_file(fmt="PNG", name="logo.png"))
    company.refresh_from_db()

    response = client.get(company.logo.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_big_image_is_reduced_to_fit_400_by_400(client, company, owner):
    upload(client, image_file(size=(1600, 800), fmt="JPEG", name="foto.jpg"))

    assert stored(company).size == (400, 200)


def test_the_file_name_does_not_matter_only_the_content(client, company, owner):
    response = upload(client, image_file(fmt="JPEG", name="logo.gif.exe"))

    assert response.status_code == 302
    assert stored(company).format == "WEBP"


def test_transparency_is_kept(client, company, owner):
    upload(client, image_file(mode="RGBA", color=(0, 0, 0, 0)))

    image = stored(company)
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0


def test_a_cmyk_jpeg_from_a_print_shop_is_converted(client, company, owner):
    response = upload(client, image_file(fmt="JPEG", mode="CMYK", color=(0, 80, 80, 0)))

    assert response.status_code == 302
    assert stored(company).mode == "RGB"


def test_gps_and_other_exif_data_are_removed(client, company, owner):
    exif = Image.Exif()
    exif[IMAGE_DESCRIPTION] = "Werkhalle Suhl, geheimer Standort"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 36.0, 30.0), 3: "E", 4: (10.0, 41.0, 40.0)})
    original = image_file(fmt="JPEG", name="handy.jpg", exif=exif.tobytes())
    check = Image.open(io.BytesIO(original.read()))
    assert check.getexif().get_ifd(GPS_IFD)  # the test photo really carries GPS
    original.seek(0)

    upload(client, original)

    image = stored(company)
    assert not image.getexif()
    assert "exif" not in image.info
    assert "xmp" not in image.info
    raw = Path(company.logo.path).read_bytes()
    assert b"geheimer Standort" not in raw
    assert b"Exif" not in raw


def test_a_photo_taken_sideways_is_turned_upright(client, company, owner):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    upload(client, image_file(size=(200, 100), fmt="JPEG", exif=exif.tobytes()))

    assert stored(company).size == (100, 200)


def test_a_new_logo_replaces_the_old_file(
    client, company, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_file())
    company.refresh_from_db()
    first = Path(company.logo.path)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_file(color=(200, 0, 0)))

    company.refresh_from_db()
    assert Path(company.logo.path).exists()
    assert Path(company.logo.path) != first
    assert not first.exists()


def test_the_logo_can_be_removed(client, company, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_file())
    company.refresh_from_db()
    path = Path(company.logo.path)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/companies/spannwerk/logo/", {"action": "remove"})

    company.refresh_from_db()
    assert not company.logo
    assert not path.exists()


def test_removing_the_logo_asks_first_and_keeps_it_until_confirmed(
    client, company, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_file())

    page = client.get("/companies/spannwerk/logo/").content.decode()
    question = client.get("/companies/spannwerk/logo/?remove").content.decode()

    assert 'href="/companies/spannwerk/logo/?remove"' in page
    assert "Logo entfernen?" in question
    assert '<input type="hidden" name="action" value="remove">' in question
    company.refresh_from_db()
    assert company.logo


def test_an_editor_may_upload_the_logo(client, company):
    editor = MembershipFactory(company=company, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    assert upload(client, image_file()).status_code == 302


def test_an_outsider_cannot_upload(client, company):
    MembershipFactory(company=company)
    client.force_login(UserFactory())

    assert upload(client, image_file()).status_code == 403
    company.refresh_from_db()
    assert not company.logo


# --- Refused ------------------------------------------------------------------------------------


def test_a_text_file_renamed_png_is_refused(client, company, owner, media):
    fake = SimpleUploadedFile("logo.png", b"Das ist kein Bild.\n" * 20, content_type="image/png")

    error = form_error(upload(client, fake))

    assert "kein PNG-, JPEG- oder WebP-Bild" in error
    company.refresh_from_db()
    assert not company.logo
    assert not any(media.rglob("*.*"))


def test_an_svg_is_refused_with_a_clear_message(client, company, owner):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        b"<script>alert(document.cookie)</script><rect width='64' height='64'/></svg>"
    )

    error = form_error(upload(client, SimpleUploadedFile("logo.svg", svg, "image/svg+xml")))

    assert "SVG" in error
    company.refresh_from_db()
    assert not company.logo


def test_a_gif_is_refused(client, company, owner):
    error = form_error(upload(client, image_file(fmt="GIF", mode="P", color=1, name="a.gif")))

    assert "kein PNG-, JPEG- oder WebP-Bild" in error


def test_a_file_over_two_megabytes_is_refused(client, company, owner):
    big = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024))

    error = form_error(upload(client, big))

    assert "(2,0 MB)" in error  # the size with a German decimal comma
    assert "höchstens 2 MB" in error
    company.refresh_from_db()
    assert not company.logo


def test_an_image_with_too_many_pixels_is_refused(client, company, owner):
    # 5,000 × 5,000 of one colour is a small file but far more than a logo needs.
    error = form_error(upload(client, image_file(size=(5000, 5000), mode="1", color=1)))

    assert "5000 × 5000" in error
    company.refresh_from_db()
    assert not company.logo


def test_a_decompression_bomb_is_refused_before_decoding(client, company, owner):
    bomb = SimpleUploadedFile("bomb.png", png_header_only(100_000, 100_000), "image/png")

    error = form_error(upload(client, bomb))

    assert "4000" in error
    company.refresh_from_db()
    assert not company.logo


def test_a_tiny_image_is_refused(client, company, owner):
    error = form_error(upload(client, image_file(size=(16, 16))))

    assert "32 × 32" in error


def test_a_truncated_image_is_refused(client, company, owner):
    whole = image_file(size=(300, 300), fmt="JPEG", quality=95).read()
    broken = SimpleUploadedFile("logo.jpg", whole[: len(whole) // 2], "image/jpeg")

    response = upload(client, broken)

    assert response.status_code == 200
    company.refresh_from_db()
    assert not company.logo


def test_no_file_is_explained(client, company, owner):
    error = form_error(client.post("/companies/spannwerk/logo/", {}))

    assert error


def test_the_message_is_in_the_persons_language(client, company, owner):
    owner.preferred_language = "en"
    owner.save()
    client.post("/language/", {"language": "en"})

    error = form_error(upload(client, SimpleUploadedFile("x.png", b"nope", "image/png")))

    assert error.startswith("This file is not a PNG, JPEG or WebP image.")
