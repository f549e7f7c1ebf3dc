"""Checking and cleaning photos that strangers upload to the public repair page.

Everything here is judged on the bytes, never on the file name or the claimed type: a
photo must be JPEG, PNG or WebP by content, small enough in bytes *and* in pixels (checked
from the header before any pixel is decoded), and it leaves re-encoded as JPEG with its
metadata (EXIF, GPS, comments, ICC) dropped after its orientation has been applied.
"""

from __future__ import annotations

import io

from PIL import Image

from boh_core.errors import BohError, Message, msg

#: Formats accepted by content, with the Pillow plugin that reads each.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Largest JPEG header accepted: libjpeg decodes it at 1/2, 1/4 or 1/8 scale (draft mode), so
#: its pixels never exist at full size in memory.
DEFAULT_MAX_PIXELS = 40_000_000
#: Largest PNG accepted: its decoder has no reduced scale, so every pixel is decoded (Pillow
#: keeps 4 bytes a pixel: 8 Mpx is 32 MB).
MAX_FULL_DECODE_PIXELS = 8_000_000
#: Largest WebP accepted: Pillow decodes WebP through libwebp's animation decoder, which holds
#: about three full-size copies (some 15 bytes a pixel), so the same memory bound allows less.
MAX_WEBP_PIXELS = 2_500_000
#: A JPEG is decoded at the largest libjpeg scale that stays within this many pixels.
MAX_DECODED_PIXELS = 4_000_000
JPEG_SCALES = (1, 1 / 2, 1 / 4, 1 / 8)
_FULL_DECODE_LIMITS = {"PNG": MAX_FULL_DECODE_PIXELS, "WEBP": MAX_WEBP_PIXELS}
ORIENTATION_TAG = 0x0112
#: EXIF orientation -> the transpose that shows the photo upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# What a refused file most likely is, so the message can say so instead of "unknown".
_GIF = msg("maintenance.images.kind.gif")
_TIFF = msg("maintenance.images.kind.tiff")
_EXECUTABLE = msg("maintenance.images.kind.executable")
_KNOWN_SIGNATURES = (
    (b"GIF87a", _GIF),
    (b"GIF89a", _GIF),
    (b"PK\x03\x04", msg("maintenance.images.kind.zip")),
    (b"%PDF", msg("maintenance.images.kind.pdf")),
    (b"BM", msg("maintenance.images.kind.bmp")),
    (b"II*\x00", _TIFF),
    (b"MM\x00*", _TIFF),
    (b"\x7fELF", _EXECUTABLE),
    (b"MZ", _EXECUTABLE),
    (b"<", msg("maintenance.images.kind.text")),
)


def _sniff(data: bytes) -> str | None:
    """Return the Pillow format name of an accepted image by its magic bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _describe(data: bytes) -> Message:
    """Name what a refused file looks like, for the error message."""
    for signature, label in _KNOWN_SIGNATURES:
        if data.startswith(signature):
            return label
    return msg("maintenance.images.kind.unknown")


def _field_label(field: str) -> str | Message:
    """The field as the messages name it: the photo in the message's language."""
    return msg("maintenance.images.field.photo") if field == "photo" else field


def open_checked_image(
    data: bytes,
    *,
    field: str = "photo",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Image.Image:
    """Open untrusted image bytes after checking type, size and structure; pixels not decoded.

    Returns a lazily loaded Pillow image (JPEG, PNG or WebP by content). Raises
    :class:`BohError` naming ``field`` when the bytes are not such an image, are larger
    than ``max_bytes``, or declare more than ``max_pixels`` pixels (a decompression bomb).

    Long because it checks untrusted bytes step by step, each refusal next to the check that
    makes it (with its message code and parameters); helpers would hide the order of the checks.
    """
    label = _field_label(field)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise BohError(
            field, type(data).__name__, msg("maintenance.images.file_content_bytes", field=label)
        )
    data = bytes(data)
    if not data:
        raise BohError(field, 0, msg("maintenance.images.empty_bytes", field=label))
    if len(data) > max_bytes:
        raise BohError(
            field,
            len(data),
            msg(
                "maintenance.images.bytes_more_bytes",
                field=label,
                n_data=len(data),
                max_bytes=max_bytes,
            ),
        )
    kind = _sniff(data)
    if kind is None:
        raise BohError(
            field,
            str(_describe(data)),
            msg("maintenance.images.only_jpeg_png", field=label, data=_describe(data)),
        )
    try:
        # Limiting the plugins to the sniffed one stops Pillow from guessing another format.
        probe = Image.open(io.BytesIO(data), formats=[kind])
        width, height = probe.size
        # The pixel checks come before verify() and load(): the header alone tells the size,
        # so a 50,000 x 50,000 bomb is refused without inflating anything.
        limit = min(max_pixels, _FULL_DECODE_LIMITS.get(kind, max_pixels))
        if width * height > limit:
            raise BohError(
                field,
                f"{width}x{height}",
                msg(
                    "maintenance.images.x_pixels_more",
                    field=label,
                    width=width,
                    height=height,
                    limit=limit,
                ),
            )
        probe.verify()
        image = Image.open(io.BytesIO(data), formats=[kind])
    except Image.DecompressionBombError as exc:
        # Pillow's own guard fires inside open() for the largest headers.
        raise BohError(
            field,
            "decompression bomb",
            msg("maintenance.images.declares_far_too", field=label, exc=exc),
        ) from None
    except BohError:
        raise
    except Exception as exc:
        # Hostile bytes can make a decoder raise nearly anything (struct.error, IndexError...);
        # all of it means the same to the uploader.
        raise BohError(
            field,
            kind,
            msg("maintenance.images.claims_but_damaged", field=label, kind=kind, exc=exc),
        ) from None
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten any mode to RGB, putting transparency on white as a viewer would show it."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale would clip to white when converted directly.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def sanitize_photo(
    data: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    *,
    quality: int = 85,
    max_side: int | None = None,
) -> tuple[bytes, str]:
    """Check an uploaded photo by content and return ``(clean_jpeg_bytes, "image/jpeg")``.

    Accepts JPEG, PNG and WebP whatever the claimed type; refuses anything else, files over
    ``max_bytes``, images over ``max_pixels`` (before decoding) and damaged or truncated
    files, with a :class:`BohError` on field ``photo``. The EXIF orientation is applied,
    then the image is re-encoded so that EXIF (including GPS), XMP, comments and ICC
    profiles are gone. Animated images keep their first frame. With ``max_side``, a larger
    photo is scaled down to fit that many pixels on its longer side (a JPEG is decoded at
    a reduced scale straight away, which is much cheaper than decoding it whole).
    """
    image = open_checked_image(data, field="photo", max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        if image.format == "JPEG":
            _draft_jpeg(image, max_side)
        turn = _TRANSPOSE.get(image.getexif().get(ORIENTATION_TAG, 1))
        image.load()
        if max_side and max(image.size) > max_side:
            image = _shrink(image, max_side)
        if turn is not None:  # turned after shrinking: a full-size copy would double the peak
            image = image.transpose(turn)
        rgb = image if image.mode == "RGB" else _to_rgb(image)
        # Pillow carries a JPEG comment over from .info; with no exif=/icc_profile= argument
        # and an empty .info, nothing of the source metadata is written.
        rgb.info = {}
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=quality)
    except Exception as exc:
        # As above: any decoder failure on hostile bytes is a damaged photo to the uploader.
        raise BohError(
            "photo",
            image.format,
            msg("maintenance.images.photo.claims_but_cannot", format=image.format, exc=exc),
        ) from None
    return out.getvalue(), "image/jpeg"


def _draft_jpeg(image: Image.Image, max_side: int | None) -> None:
    """Have libjpeg decode at a reduced scale (1/2, 1/4 or 1/8): never more than about
    ``MAX_DECODED_PIXELS`` pixels, and, with ``max_side``, the smallest scale that still gives
    that many pixels on the longer side. A 40 Mpx photo never exists in memory at full size.
    """
    width, height = image.size
    fitting = [s for s in JPEG_SCALES if width * height * s * s <= MAX_DECODED_PIXELS]
    fitting = fitting or [JPEG_SCALES[-1]]
    big_enough = [s for s in fitting if max_side and max(width, height) * s >= max_side]
    step = min(big_enough) if big_enough else max(fitting)
    if step < 1:
        # draft() keeps the largest scale whose result is at least the size asked for
        image.draft("RGB", (max(1, int(width * step)), max(1, int(height * step))))


def _shrink(image: Image.Image, max_side: int) -> Image.Image:
    """Fit ``image`` within ``max_side`` pixels, never copying it at full size.

    A JPEG arrives already decoded at a reduced scale (draft mode). A full-size decode (PNG,
    WebP) is first reduced by a whole factor of at least 2 (a box average into a small image;
    a plain resize would first copy it whole, premultiplied when it has alpha), so such a
    photo may come out between half and all of ``max_side``.
    """
    if image.format != "JPEG":
        factor = max(2, max(image.size) // max_side)
        if image.mode in ("RGBA", "LA"):
            # Image.reduce() would first copy the image whole, premultiplied. The photo is put
            # on white afterwards, so averaging unpremultiplied only tints its edge pixels.
            image = image._new(image.im.reduce((factor, factor), (0, 0, *image.size)))
        else:
            image = image.reduce(factor)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.BICUBIC)
    return image
