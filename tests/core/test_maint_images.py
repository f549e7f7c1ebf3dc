"""Hostile-input tests for boh_core.maintenance.images.sanitize_photo."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from boh_core.errors import BohError
from boh_core.maintenance.images import sanitize_photo

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _jpeg_with_metadata() -> bytes:
    """A 40 x 20 phone-like JPEG: blue left half, red right, EXIF orientation 6 and GPS."""
    image = Image.new("RGB", (40, 20), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # display rotated 90 degrees clockwise
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (31.0, 14.0, 5.5), 3: "E", 4: (121.0, 28.0, 1.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"home address", quality=95)
    return out.getvalue()


def _encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width x height RGB but whose data is a few bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def test_gps_exif_and_comment_are_stripped_after_orientation_applied():
    source = _jpeg_with_metadata()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)  # the fixture has GPS
    data, mimetype = sanitize_photo(source)
    assert mimetype == "image/jpeg"
    assert data.startswith(b"\xff\xd8\xff")
    clean = Image.open(io.BytesIO(data))
    assert clean.format == "JPEG"
    exif = clean.getexif()
    assert len(exif) == 0
    assert not exif.get_ifd(GPS_IFD)
    assert "exif" not in clean.info and "comment" not in clean.info
    assert b"PhoneMaker" not in data and b"home address" not in data
    # Orientation 6 was applied: the 40 x 20 image is now 20 x 40, blue on top.
    assert clean.size == (20, 40)
    top = clean.convert("RGB").getpixel((10, 5))
    bottom = clean.convert("RGB").getpixel((10, 35))
    assert top[2] > 200 and top[0] < 60
    assert bottom[0] > 200 and bottom[2] < 60


def test_png_with_alpha_and_webp_are_accepted_and_become_jpeg():
    rgba = Image.new("RGBA", (30, 30), (0, 0, 0, 0))
    rgba.paste((0, 128, 0, 255), (0, 0, 15, 30))
    data, mimetype = sanitize_photo(_encode(rgba, "PNG"))
    clean = Image.open(io.BytesIO(data))
    assert (clean.format, clean.mode, clean.size, mimetype) == (
        "JPEG",
        "RGB",
        (30, 30),
        "image/jpeg",
    )
    assert min(clean.getpixel((25, 15))) > 240  # transparent became white, not black
    webp = _encode(Image.new("RGB", (16, 16), (10, 20, 30)), "WEBP")
    assert Image.open(io.BytesIO(sanitize_photo(webp)[0])).format == "JPEG"
    palette = Image.new("P", (8, 8))
    assert Image.open(io.BytesIO(sanitize_photo(_encode(palette, "PNG"))[0])).size == (8, 8)
    sixteen = Image.new("I;16", (8, 8), 40000)
    grey = Image.open(io.BytesIO(sanitize_photo(_encode(sixteen, "PNG"))[0])).convert("L")
    assert 140 < grey.getpixel((4, 4)) < 170  # 40000 / 256 = 156, not clipped to white


def test_zip_renamed_png_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("photo.png", _encode(Image.new("RGB", (4, 4)), "PNG"))
    with pytest.raises(BohError) as info:
        sanitize_photo(archive.getvalue())
    assert info.value.field == "photo"
    assert "ZIP" in str(info.value)
    assert "JPEG, PNG and WebP" in str(info.value)


@pytest.mark.parametrize(
    ("make", "word"),
    [
        (lambda: _encode(Image.new("RGB", (8, 8)), "GIF"), "GIF"),
        (lambda: _encode(Image.new("RGB", (8, 8)), "BMP"), "BMP"),
        (lambda: _encode(Image.new("RGB", (8, 8)), "TIFF"), "TIFF"),
        (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "text"),
        (lambda: b"%PDF-1.4\n", "PDF"),
        (lambda: b"\x00" * 100, "not a recognised image"),
    ],
)
def test_other_formats_are_refused_by_content(make, word):
    with pytest.raises(BohError) as info:
        sanitize_photo(make())
    assert info.value.field == "photo"
    assert word in str(info.value)


def test_truncated_jpeg_is_refused():
    image = Image.effect_noise((400, 300), 60).convert("RGB")
    full = _encode(image, "JPEG", quality=90)
    assert sanitize_photo(full)[1] == "image/jpeg"
    with pytest.raises(BohError) as info:
        sanitize_photo(full[: len(full) // 2])
    assert info.value.field == "photo"
    assert "JPEG" in str(info.value)


def test_png_with_bad_crc_is_refused():
    png = bytearray(_encode(Image.new("RGB", (8, 8), (1, 2, 3)), "PNG"))
    png[29] ^= 0xFF  # inside the IHDR CRC
    with pytest.raises(BohError) as info:
        sanitize_photo(bytes(png))
    assert info.value.field == "photo"


def test_decompression_bomb_header_is_refused_fast_without_allocating():
    bomb = _png_header_only(50_000, 50_000)
    assert len(bomb) < 200
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(BohError) as info:
            sanitize_photo(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 5 * 1024 * 1024  # 50,000^2 RGB would be 7.5 GB
    assert info.value.field == "photo"
    assert "pixels" in str(info.value)


def test_pixel_limit_is_checked_from_the_header_below_pillows_own_guard():
    # 8,000 x 8,000 = 64 MP: under Pillow's bomb error, over our 40 MP default.
    with pytest.raises(BohError) as info:
        sanitize_photo(_png_header_only(8_000, 8_000))
    assert info.value.value == "8000x8000"
    assert "8000 x 8000 pixels" in str(info.value)
    small = _encode(Image.new("RGB", (100, 100)), "PNG")
    with pytest.raises(BohError):
        sanitize_photo(small, max_pixels=9_999)
    assert sanitize_photo(small, max_pixels=10_000)[1] == "image/jpeg"


def test_byte_limit_empty_and_non_bytes():
    jpeg = _encode(Image.new("RGB", (64, 64)), "JPEG")
    with pytest.raises(BohError) as info:
        sanitize_photo(jpeg, max_bytes=len(jpeg) - 1)
    assert str(len(jpeg)) in str(info.value)
    with pytest.raises(BohError) as info:
        sanitize_photo(b"")
    assert "empty" in str(info.value)
    with pytest.raises(BohError) as info:
        sanitize_photo("not bytes")
    assert info.value.field == "photo"
    assert sanitize_photo(bytearray(jpeg))[1] == "image/jpeg"


SAMPLE_JPEG = _encode(Image.effect_noise((48, 32), 40).convert("RGB"), "JPEG")
SAMPLE_PNG = _encode(Image.effect_noise((24, 24), 40).convert("RGB"), "PNG")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([SAMPLE_JPEG, SAMPLE_PNG]),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    st.integers(0, 10_000),
)
def test_mutated_images_give_a_clean_jpeg_or_a_boh_error(source, flips, cut):
    data = bytearray(source[: max(cut, 3)] if cut < len(source) else source)
    for position, byte in flips:
        data[position % len(data)] = byte
    try:
        clean, mimetype = sanitize_photo(bytes(data))
    except BohError as error:
        assert error.field == "photo"
        assert str(error).endswith(".") or str(error).endswith(")")
    else:
        assert mimetype == "image/jpeg"
        assert Image.open(io.BytesIO(clean)).format == "JPEG"


@settings(max_examples=100)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    with pytest.raises(BohError):
        sanitize_photo(data)
