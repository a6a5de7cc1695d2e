"""Story images follow the logo rules (checked by content, re-encoded, no metadata), need a
description, and a story has at most four."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stories import services
from stories.models import StoryImage
from tests.factories import MembershipFactory

from .helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def story():
    spannwerk, feinwerk, spannwerk_owner, _feinwerk_owner = two_firms()
    return story_about(cooperation_of(spannwerk, feinwerk), author=spannwerk_owner)


@pytest.fixture
def author(client, story):
    client.force_login(story.author)
    return story.author


def image_file(size=(800, 600), fmt="JPEG", name="werkstatt.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 91, 58)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def upload(client, story, file, alt="Zwei Menschen an einer Drehbank"):
    return client.post(f"/stories/{story.pk}/images/", {"image": file, "alt_text": alt})


def test_an_image_is_stored_re_encoded_as_webp(client, story, author, media):
    response = upload(client, story, image_file())

    assert response.status_code == 302
    image = StoryImage.objects.get(story=story)
    assert image.image.name.endswith(".webp")
    with Image.open(media / image.image.name) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (800, 600)


def test_a_large_photo_is_reduced_to_1600_pixels(client, story, author, media):
    upload(client, story, image_file(size=(3200, 2400)))

    image = StoryImage.objects.get(story=story)
    with Image.open(media / image.image.name) as stored:
        assert stored.size == (1600, 1200)


def test_a_text_file_named_jpg_is_refused(client, story, author):
    fake = SimpleUploadedFile("bild.jpg", b"not an image at all", content_type="image/jpeg")

    response = upload(client, story, fake)

    assert response.status_code == 400
    assert response.context["form"].has_error("image", "not_an_image")
    assert not StoryImage.objects.exists()


def test_an_svg_is_refused(client, story, author):
    svg = SimpleUploadedFile(
        "bild.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )

    response = upload(client, story, svg)

    assert response.context["form"].has_error("image", "not_an_image")


def test_a_gif_is_a_bad_type(client, story, author):
    response = upload(client, story, image_file(fmt="GIF", name="bild.gif"))

    assert response.context["form"].has_error("image", "not_an_image")


def test_a_file_over_2_mb_is_refused(client, story, author):
    big = SimpleUploadedFile("gross.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 10))

    response = upload(client, story, big)

    assert response.context["form"].has_error("image", "too_large")
    assert not StoryImage.objects.exists()


def test_an_image_needs_a_description(client, story, author):
    response = upload(client, story, image_file(), alt="")

    assert response.status_code == 400
    assert response.context["form"].has_error("alt_text")
    assert not StoryImage.objects.exists()


def test_a_fifth_image_is_refused(client, story, author):
    for _ in range(4):
        assert upload(client, story, image_file()).status_code == 302

    response = upload(client, story, image_file())

    assert response.status_code == 400
    assert StoryImage.objects.filter(story=story).count() == 4


def test_the_service_refuses_a_fifth_image_too(story):
    data = image_file().read()
    for _ in range(4):
        services.add_image(story=story, content=data, alt_text="Bild")

    with pytest.raises(services.TooManyImages):
        services.add_image(story=story, content=data, alt_text="Bild")


def test_someone_outside_the_companies_cannot_upload(client, story):
    client.force_login(MembershipFactory().user)

    response = upload(client, story, image_file())

    assert response.status_code == 404
    assert not StoryImage.objects.exists()


def test_removing_an_image_asks_first(client, story, author, media):
    upload(client, story, image_file())
    image = StoryImage.objects.get()

    page = client.get(f"/stories/{story.pk}/images/{image.pk}/delete/").content.decode()

    assert "Bild entfernen?" in page
    assert StoryImage.objects.exists()


def test_the_author_removes_an_image(client, story, author, media):
    upload(client, story, image_file())
    image = StoryImage.objects.get()

    response = client.post(f"/stories/{story.pk}/images/{image.pk}/delete/")

    assert response.status_code == 302
    assert not StoryImage.objects.exists()
