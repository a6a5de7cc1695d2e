"""A request announcing a body larger than any upload the portal takes is refused with 413
before the body is read; normal uploads, and files just over the limit that the form explains,
are not affected."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from companies.services import csv_io, logos
from kag_portal.middleware import RequestBodyLimitMiddleware
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HUNDRED_MB = 100 * 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def owner_client(client):
    company = CompanyFactory(published=True, slug="spannwerk")
    client.force_login(MembershipFactory(company=company).user)
    return client


def png(size=(64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 91, 58)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


class UnreadableBody(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_the_limit_leaves_room_above_every_upload_limit():
    assert max(logos.MAX_BYTES, csv_io.MAX_FILE_BYTES) <= settings.UPLOAD_MAX_BYTES
    assert settings.REQUEST_BODY_MAX_BYTES > settings.UPLOAD_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_BODY_MAX_BYTES


def test_a_100_mb_upload_is_refused_without_reading_it(rf):
    request = rf.post("/companies/spannwerk/logo/", data=b"", content_type="multipart/form-data")
    request.META["CONTENT_LENGTH"] = str(HUNDRED_MB)
    request.META["wsgi.input"] = UnreadableBody()
    request.META["HTTP_ACCEPT_LANGUAGE"] = "en"

    def view(request):
        raise AssertionError("the request went on to the view")

    response = RequestBodyLimitMiddleware(view)(request)

    assert response.status_code == 413
    page = response.content.decode()
    assert "File too large" in page
    assert "at most 2 MB" in page


def test_the_refusal_comes_through_the_whole_stack_in_the_visitors_language(owner_client):
    response = owner_client.post(
        "/companies/spannwerk/logo/",
        {"logo": png()},
        CONTENT_LENGTH=str(HUNDRED_MB),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 413
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "File too large" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_a_german_visitor_gets_the_page_in_german(client):
    response = client.post(
        "/companies/spannwerk/logo/", {}, CONTENT_LENGTH=str(HUNDRED_MB), HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 413
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


def test_a_normal_logo_upload_still_works(owner_client):
    response = owner_client.post("/companies/spannwerk/logo/", {"logo": png()})

    assert response.status_code == 302


def test_a_file_just_over_2_mb_still_gets_the_forms_explanation(owner_client):
    big = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024))

    response = owner_client.post("/companies/spannwerk/logo/", {"logo": big})

    assert response.status_code == 200
    assert response.context["form"].has_error("logo", "too_large")
