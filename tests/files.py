"""Documents built for the file checks: real files of each kind, and the hostile ones an outside
test sent."""

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def pdf(pages: int = 1, text_size: int = 200) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=text_size, height=text_size)
    return _written(writer)


def pdf_with_black_square(pages: int = 1) -> bytes:
    """Pages of 200×200 points, each with a black 100×100 square: a quarter of the page dark."""
    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=200, height=200)
        content = DecodedStreamObject()
        content.set_data(b"0 g 50 50 100 100 re f")
        page[NameObject("/Contents")] = writer._add_object(content)
    return _written(writer)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_open_action_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hi')")})  # fmt: skip
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_document_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                                  NameObject("/JS"): TextStringObject("app.alert('hi')")}))  # fmt: skip
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("greeting"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})
    return _written(writer)


def pdf_with_launch_action() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                               NameObject("/F"): TextStringObject("calc.exe")})  # fmt: skip
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(launch)})
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00")
    return _written(writer)


def pdf_with_a_password(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    return _written(writer)


def pdf_html_polyglot() -> bytes:
    return b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n" + pdf()[9:]


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def photo_png(width: int = 400, height: int = 300) -> bytes:
    """Noise, so that the pixels take most of the file (a cut one loses pixels, not only its end)."""
    out = io.BytesIO()
    Image.effect_noise((width, height), 64).convert("RGB").save(out, "PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width`×`height`: a decompression bomb for the viewer."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 20_000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def gif(comment: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("P", (16, 16), 1)
    if comment is not None:
        image.info["comment"] = comment
    image.save(out, "GIF")
    return out.getvalue()


def gif_javascript_polyglot() -> bytes:
    """`GIF89a/*…*/=1;alert(1);` reads as a GIF and as JavaScript: the width's bytes open a
    comment that a GIF comment block closes."""
    header = b"GIF89a" + b"/*" + b"\x0a\x00" + b"\x00\x00\x00"
    image = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02\x44\x01\x00"
    script = b"*/=1;alert(document.domain);/*"
    comment = b"\x21\xfe" + bytes([len(script)]) + script + b"\x00"
    return header + b"\x21\xf9\x04\x01\x00\x00\x00\x00" + comment + image + b";*/"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def tiff() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, "TIFF")
    return out.getvalue()


def heic() -> bytes:
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (10, 120, 200))).save(out, quality=50)
    return out.getvalue()


def bill_photo(seed: int, *, quality: int = 90, scale: float = 1.0) -> bytes:
    """A JPEG of a page with a pattern of dark bars, like lines of print: the same seed draws the same page."""
    import random

    from PIL import ImageDraw

    rnd = random.Random(seed)
    size = (800, 1000)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rnd.randrange(0, size[0] - 200), rnd.randrange(0, size[1] - 30)
        draw.rectangle([x, y, x + rnd.randrange(40, 200), y + rnd.randrange(8, 30)], fill=(rnd.randrange(0, 80),) * 3)
    if scale != 1.0:
        image = image.resize((int(size[0] * scale), int(size[1] * scale)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
