"""Files from outside, checked before anything stores them.

We refuse rather than neutralise: the original goes to the accounting system as the evidence
of the bill, so it is kept byte for byte or not at all. A PDF must open as a PDF and carry no
JavaScript, launch or import actions, embedded files or rich media; an image must decode,
within a pixel limit, with nothing hidden after its end or in a GIF comment; no file may start
like an HTML page. Whatever passes is still served as a sandboxed download (workflows.views)."""

import io
import re
import threading
import warnings

import pillow_heif
from django.conf import settings
from PIL import Image, ImageFile
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from approvalmax.core.exceptions import ApplicationError

pillow_heif.register_heif_opener()


class UnsafeDocument(ApplicationError):
    """Recognised, but carrying something a viewer would run, or not what it claims to be."""

    status_code = 422
    code = "unsafe_document"


# What a browser's sniffer (first 512 bytes) or an HTML parser would take for a page.
_HTML_START = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta|a\s)", re.IGNORECASE)
_HTML_SNIFF_BYTES = 1024
# PDF keys and action types a viewer acts on by itself.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/Rendition"}
_PDF_MAX_OBJECTS = 200_000


def _refuse(message: str, field: str) -> UnsafeDocument:
    return UnsafeDocument(message, fields={"document": field})


def document_check(data: bytes, content_type: str) -> None:
    """Raise UnsafeDocument unless `data`, recognised as `content_type`, is safe to keep."""
    if _HTML_START.search(data[:_HTML_SNIFF_BYTES]):
        raise _refuse("The document also reads as an HTML page, so it is refused.", "Reads as HTML.")
    if content_type == "application/pdf":
        _pdf_check(data)
    elif content_type.startswith("image/"):
        _image_check(data, content_type)


def _pdf_check(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse("The PDF is password-protected, so it cannot be checked. Send it without a password.",
                          "Password-protected PDF.")  # fmt: skip
        if len(reader.pages) == 0:
            raise _refuse("The PDF has no pages.", "No pages.")
        found = _active_content(reader)
    except UnsafeDocument:
        raise
    except (PdfReadError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError) as exc:
        raise _refuse(f"The document starts like a PDF but does not open as one ({type(exc).__name__}).",
                      "Not a readable PDF.") from None  # fmt: skip
    if found:
        raise _refuse(f"The PDF carries {found}, which a PDF viewer would run or open; it is refused. "
                      "Print it to a new PDF and send that.", f"Contains {found}.")  # fmt: skip


def _active_content(reader: PdfReader) -> str | None:
    """Walk every object reachable from the trailer; name the first active thing found."""
    stack, seen = [reader.trailer], set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            if len(seen) > _PDF_MAX_OBJECTS:
                return "more objects than a bill needs"
            stack.append(obj.get_object())
        elif isinstance(obj, DictionaryObject):  # stream objects are dictionaries too
            for key in obj:
                if key in _ACTIVE_KEYS:
                    return _describe(key)
            action = obj.get("/S")
            if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
                return _describe(action)
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _describe(name: str) -> str:
    return {
        "/JS": "JavaScript", "/JavaScript": "JavaScript",
        "/EmbeddedFiles": "embedded files", "/EmbeddedFile": "embedded files", "/Launch": "a launch action",
        "/ImportData": "an import action", "/SubmitForm": "a form submission", "/XFA": "an XFA form",
    }.get(name, "rich media")  # fmt: skip


def _image_check(data: bytes, content_type: str) -> None:
    limit = settings.DOCUMENT_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > limit:
                raise _refuse(f"The image is {width}×{height} pixels; images may have at most {limit:,} pixels.",
                              f"At most {limit:,} pixels.")  # fmt: skip
            _decode_whole(image)
    except UnsafeDocument:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"The image declares far more pixels than the {limit:,} an image may have.",
                      f"At most {limit:,} pixels.") from None  # fmt: skip
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise _refuse(f"The image does not decode ({type(exc).__name__}).", "Not a readable image.") from None
    if content_type == "image/gif":
        _gif_check(data)
    elif content_type == "image/png":
        _png_check(data)


_truncated_setting = threading.Lock()


def _decode_whole(image) -> None:
    """Decode every frame, refusing a cut-short file: WeasyPrint turns Pillow's truncation
    tolerance on for the whole process when it is imported, so it is turned off around this."""
    with _truncated_setting:
        tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _png_check(data: bytes) -> None:
    end = data.rfind(b"IEND")
    if end < 0:
        raise _refuse("The PNG is cut short: it has no end.", "Not a whole image.")
    if data[end + 8 :].strip(b"\0"):
        raise _refuse("The PNG has data after its end, so it is refused.", "Data after the image.")


def _gif_check(data: bytes) -> None:
    """Walk a GIF's blocks: script hidden in a GIF sits in comments or after the trailer."""
    problem = _gif_hidden_data(data)
    if problem:
        raise _refuse(f"The GIF has {problem}, where a script can hide, so it is refused.", f"GIF with {problem}.")


def _gif_hidden_data(data: bytes) -> str | None:
    flags = data[10]
    at = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while at < len(data):
        block = data[at]
        if block == 0x3B:
            return "data after its end" if data[at + 1 :].strip(b"\0") else None
        if block == 0x21:
            label = data[at + 1]
            if label in (0xFE, 0x01):
                return "a comment" if label == 0xFE else "a text block"
            at += 2
        elif block == 0x2C:
            local = data[at + 9]
            at += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
        else:
            return "an unknown block"
        while at < len(data) and data[at]:
            at += data[at] + 1
        at += 1
    return "no end"
