"""Page images of a request's original, rendered here so that no browser opens the file itself.

PDF pages are rendered by pypdfium2 (PDFium, without its JavaScript), images decoded by Pillow
and re-encoded; both become PNGs at one width, kept in storage by the file's SHA-256 so each is
rendered once. The original itself is only ever a sandboxed download."""

import io
import logging
import threading

import pypdfium2
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

import approvalmax.core.file_safety  # noqa: F401  (registers the HEIC decoder with Pillow)
from workflows.models import RequestDocument

logger = logging.getLogger(__name__)

PREVIEW_WIDTH = 1240
MAX_PREVIEW_PAGES = 50
# A whole PNG ends with its IEND chunk; one still being written does not.
PNG_END = b"IEND\xaeB`\x82"
# PDFium is not thread-safe; the demo's server and threaded workers share a process.
_pdfium = threading.Lock()


def _folder(document: RequestDocument) -> str:
    return f"previews/{document.sha256}"


def preview_pages(document: RequestDocument) -> tuple[int, int]:
    """(pages the preview shows, pages the file has); (0, 0) when the file cannot be shown. Asked on
    every request page: kept in the cache too, since in object storage the stored count is two
    round trips away (a file's pages never change: the key is its SHA-256)."""
    key = f"preview-pages:{document.sha256}"
    if (known := cache.get(key)) is not None:
        return tuple(known)
    counted = _stored_or_counted(document)
    cache.set(key, counted, timeout=None)
    return counted


def _stored_or_counted(document: RequestDocument) -> tuple[int, int]:
    name = f"{_folder(document)}/pages"
    if default_storage.exists(name):
        kept = _stored(name).split()
        if len(kept) == 2:
            return int(kept[0]), int(kept[1])
        return _counted(document)  # another process is still writing it: count, and leave it be
    counted = _counted(document)
    default_storage.save(name, ContentFile(" ".join(map(str, counted)).encode()))
    return counted


def _stored(name: str) -> bytes:
    """What storage holds under the name: on the local disk, a file another process has created
    and not yet written reads empty, or short."""
    with default_storage.open(name) as stored:
        return stored.read()


def _counted(document: RequestDocument) -> tuple[int, int]:
    try:
        total = _page_count(document)
    except Exception:  # a file stored before the checks of file_safety existed
        logger.warning("The document %s cannot be previewed", document.pk, exc_info=True)
        total = 0
    return min(total, MAX_PREVIEW_PAGES), total


def preview_png(document: RequestDocument, page: int) -> bytes | None:
    """The PNG of page `page` (from 1), or None when there is no such page."""
    if not 1 <= page <= preview_pages(document)[0]:
        return None
    name = f"{_folder(document)}/{page}-{PREVIEW_WIDTH}.png"
    stored = default_storage.exists(name)
    if stored and (kept := _stored(name)).endswith(PNG_END):
        return kept
    image = _render(document, page - 1)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    if not stored:  # one being written is left to its writer
        default_storage.save(name, ContentFile(out.getvalue()))
    return out.getvalue()


def _data(document: RequestDocument) -> bytes:
    # A handle of its own: the page's document may be one instance that a process's threads share
    # (selectors.request_record keeps it), and its FieldFile keeps the one file it opened.
    with document.file.storage.open(document.file.name, "rb") as stored:
        return stored.read()


def _page_count(document: RequestDocument) -> int:
    data = _data(document)
    if document.is_pdf:
        with _pdfium:
            pdf = pypdfium2.PdfDocument(data)
            try:
                return len(pdf)
            finally:
                pdf.close()
    with Image.open(io.BytesIO(data)) as image:
        return getattr(image, "n_frames", 1) if document.content_type == "image/tiff" else 1


def _render(document: RequestDocument, index: int) -> Image.Image:
    data = _data(document)
    if document.is_pdf:
        with _pdfium:
            pdf = pypdfium2.PdfDocument(data)
            try:
                page = pdf[index]
                bitmap = page.render(scale=PREVIEW_WIDTH / page.get_width(), may_draw_forms=False)
                return bitmap.to_pil().convert("RGB")
            finally:
                pdf.close()
    with Image.open(io.BytesIO(data)) as image:
        image.seek(index)
        picture = ImageOps.exif_transpose(image).convert("RGB")
    if picture.width > PREVIEW_WIDTH:
        picture = picture.resize((PREVIEW_WIDTH, round(picture.height * PREVIEW_WIDTH / picture.width)))
    return picture
