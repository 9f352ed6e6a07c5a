"""A perceptual fingerprint of a photographed or scanned bill: the same page photographed twice,
or saved again at another size or quality, gives fingerprints a few bits apart; different pages
give far ones. The difference hash (dHash): a 9×8 greyscale thumbnail, one bit for each pair of
neighbouring pixels, set when the left one is brighter."""

import io

from PIL import Image, UnidentifiedImageError

BITS = 64
# Fingerprints at most this many bits apart are taken for the same picture.
CLOSE = 6
# A fingerprint with this few bits set (or unset) says the picture is nearly plain.
PLAIN = 8


def difference_hash(data: bytes) -> str:
    """16 hex digits; "" for what is not an image Pillow can read (pillow-heif registers HEIC)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("L", (64, 64))  # JPEG decodes at a fraction of its size: far faster
            small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return ""
    pixels = small.tobytes()  # one byte a pixel in mode L
    bits = 0
    for row in range(8):
        for column in range(8):
            bits = (bits << 1) | (pixels[row * 9 + column] > pixels[row * 9 + column + 1])
    if not PLAIN < bits.bit_count() < BITS - PLAIN:
        return ""  # a blank or nearly plain picture: every such one would look like every other
    return f"{bits:016x}"


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
