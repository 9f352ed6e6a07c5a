"""The original document: shown on the request page as page images the server rendered, and
served itself only as a sandboxed download."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from tests import files
from tests.builders import MINIMAL_PNG, bill_content
from workflows import previews, services
from workflows.content import DocumentContent

pytestmark = pytest.mark.django_db


def page_url(request, page: int) -> str:
    return reverse("workflows:request_document_page", kwargs={"public_id": request.public_id, "page": page})


def document_url(request) -> str:
    return reverse("workflows:request_document", kwargs={"public_id": request.public_id})


def dark_share(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[:64]) / (image.width * image.height)


def test_pdf_pages_are_shown_as_images_the_server_rendered(approver_client, create_request):
    request = create_request(document=DocumentContent("INV-4411.pdf", "application/pdf",
                                                      files.pdf_with_black_square(pages=3)))  # fmt: skip

    html = approver_client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id})).content.decode()

    assert "<iframe" not in html and "<embed" not in html and "<object" not in html
    for n in (1, 2, 3):
        assert f'src="{page_url(request, n)}"' in html
        assert f'alt="Page {n} of 3 of INV-4411.pdf"' in html
    assert f'<a href="{document_url(request)}" download="INV-4411.pdf">Download the original, INV-4411.pdf</a>' in html

    response = approver_client.get(page_url(request, 2))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(response.content))
    assert image.width == previews.PREVIEW_WIDTH
    # The black square PDFium drew covers a quarter of the page.
    assert 0.15 < dark_share(response.content) < 0.35
    assert approver_client.get(page_url(request, 4)).status_code == 404


def test_a_page_is_rendered_once_and_then_read_from_storage(approver_client, create_request, monkeypatch):
    request = create_request()
    first = approver_client.get(page_url(request, 1)).content
    monkeypatch.setattr(previews, "_render", lambda *args: pytest.fail("rendered twice"))

    assert approver_client.get(page_url(request, 1)).content == first


def test_the_page_count_is_read_from_the_cache_not_the_storage_on_every_page(approver_client, create_request,
                                                                              monkeypatch):
    request = create_request()
    approver_client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id}))
    monkeypatch.setattr(previews.default_storage, "exists", lambda name: pytest.fail(f"asked the storage for {name}"))

    html = approver_client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id})).content

    assert html.decode().count('class="document-page"') == 1  # the page still shown, its count from the cache


def _being_written(request, name: str, data: bytes) -> None:
    """Storage as another process leaves it between creating a preview file and writing it all."""
    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    sha256 = request.documents.get().sha256
    default_storage.save(f"previews/{sha256}/{name}", ContentFile(data))
    cache.delete(f"preview-pages:{sha256}")


def test_a_page_count_another_process_is_still_writing_is_counted_not_read(approver_client, create_request):
    request = create_request(document=DocumentContent("INV.pdf", "application/pdf", files.pdf(pages=2)))
    _being_written(request, "pages", b"")

    response = approver_client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id}))

    assert response.status_code == 200 and response.content.decode().count('class="document-page"') == 2


def test_a_page_image_another_process_is_still_writing_is_rendered_not_served(approver_client, create_request):
    request = create_request()
    whole = approver_client.get(page_url(request, 1)).content
    request = create_request(source_reference="CI-2", document=DocumentContent(
        "other.pdf", "application/pdf", files.pdf_with_black_square(pages=1)))
    _being_written(request, f"1-{previews.PREVIEW_WIDTH}.png", whole[:200])

    response = approver_client.get(page_url(request, 1))

    assert response.status_code == 200 and response.content.endswith(previews.PNG_END)
    assert Image.open(io.BytesIO(response.content)).width == previews.PREVIEW_WIDTH


def test_rendering_leaves_a_handle_another_thread_holds_on_the_same_document(create_request):
    # One document instance serves a process's threads (the page's record is kept): reading it
    # for a preview must not rewind or close the file another thread is reading.
    document = create_request(document=DocumentContent("INV.pdf", "application/pdf", files.pdf(pages=2))) \
        .documents.get()
    document.file.open("rb")
    start = document.file.read(10)

    assert previews.preview_pages(document) == (2, 2)
    assert start + document.file.read() == files.pdf(pages=2)
    document.file.close()


def test_an_image_is_shown_as_a_scaled_copy(approver_client, create_request):
    request = create_request(document=DocumentContent("receipt.png", "image/png", files.png(3000, 2000)))

    html = approver_client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id})).content.decode()
    assert f'<img class="document-page" id="page-1" src="{page_url(request, 1)}"' in html

    image = Image.open(io.BytesIO(approver_client.get(page_url(request, 1)).content))
    assert image.size == (previews.PREVIEW_WIDTH, round(2000 * previews.PREVIEW_WIDTH / 3000))


@pytest.mark.parametrize("build, content_type, size", [(files.tiff, "image/tiff", (32, 24)),
                                                       (files.heic, "image/heic", (64, 48))])  # fmt: skip
def test_formats_browsers_cannot_show_are_shown_too(approver_client, create_request, build, content_type, size):
    request = create_request(document=DocumentContent("scan", content_type, build()))

    response = approver_client.get(page_url(request, 1))

    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == size


def test_a_document_that_cannot_be_rendered_is_offered_for_download(approver_client, create_request):
    request = create_request(document=DocumentContent("scan.tiff", "image/tiff", b"II*\x00" + b"\x00" * 8))

    html = approver_client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id})).content.decode()

    assert "This document cannot be shown here; download it to read it." in html
    assert f'<a href="{document_url(request)}" download="scan.tiff">' in html
    assert 'class="document-page"' not in html
    assert approver_client.get(page_url(request, 1)).status_code == 404


def test_the_original_is_a_sandboxed_download(approver_client, create_request):
    request = create_request()

    response = approver_client.get(document_url(request))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="INV-4411.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_document_of_the_current_revision_is_served(approver_client, create_request, approver, master_data):
    request = create_request()
    approver_client.get(page_url(request, 1))
    services.request_reject(request_id=request.pk, user=approver, comment="Wrong file.")
    services.request_resubmit(request_id=request.pk, content=bill_content(master_data),
                              document=DocumentContent("fixed.png", "image/png", MINIMAL_PNG))

    response = approver_client.get(document_url(request))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == MINIMAL_PNG
    assert Image.open(io.BytesIO(approver_client.get(page_url(request, 1)).content)).size == (1, 1)


def test_pages_need_a_login_and_another_organisation_finds_nothing(client, create_request, outsider):
    request = create_request()
    assert client.get(page_url(request, 1)).status_code == 302

    client.force_login(outsider)
    assert client.get(page_url(request, 1)).status_code == 404
    assert client.get(document_url(request)).status_code == 404
