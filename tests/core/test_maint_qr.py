"""Tests for boh_core.maintenance.qr: QR images, decoding photos of labels, label sheets."""

from __future__ import annotations

import base64
import io
import re
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from boh_core.errors import BohError
from boh_core.maintenance.qr import (
    Label,
    decode_qr,
    extract_token_from_url,
    label_sheet_pdf,
    qr_png,
)
from boh_core.maintenance.tokens import TOKEN_ALPHABET, new_token

pytest.importorskip("pyzbar.pyzbar")

TOKEN = "q3Xo0w_8Zr-FbN1mT2pKc5vLh7dYs9eA"
URL = f"https://boh.example.com/boh/repair/{TOKEN}"


def _photo(
    png: bytes,
    *,
    angle: float = 0,
    scale: float = 1.0,
    blur: float = 0.0,
    noise: float = 0.0,
    fmt: str = "JPEG",
) -> bytes:
    """Make a phone-like photo of a label: background, rotation, blur, noise, downscaling."""
    code = Image.open(io.BytesIO(png)).convert("L")
    scene = Image.new("L", (code.width * 2, code.height * 2), 170)
    scene.paste(code, (code.width // 2, code.height // 3))
    scene = scene.rotate(angle, expand=True, fillcolor=150, resample=Image.BICUBIC)
    if blur:
        scene = scene.filter(ImageFilter.GaussianBlur(blur))
    if scale != 1.0:
        size = (max(1, int(scene.width * scale)), max(1, int(scene.height * scale)))
        scene = scene.resize(size, Image.BILINEAR)
    if noise:
        pixels = np.asarray(scene, dtype=np.float64)
        pixels += np.random.default_rng(1).normal(0, noise, pixels.shape)
        scene = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    scene.convert("RGB").save(out, format=fmt, quality=75)
    return out.getvalue()


def test_qr_png_is_a_png_that_decodes_back():
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    # version-3/4 code (29 or 33 modules) + 2 x 4 quiet zone, 10 px per module
    assert image.width == image.height and image.width % 10 == 0
    assert decode_qr(png) == [URL]
    small = qr_png(URL, box_size=2, border=1, error_correction="H")
    assert Image.open(io.BytesIO(small)).width < image.width
    assert decode_qr(small) == [URL]


def test_qr_png_carries_unicode():
    text = "冷库 2 – Cold room"
    assert decode_qr(qr_png(text)) == [text]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"data": ""}, "data"),
        ({"data": None}, "data"),
        ({"data": "x" * 2001}, "data"),
        ({"data": "x", "box_size": 0}, "box_size"),
        ({"data": "x", "box_size": 1000}, "box_size"),
        ({"data": "x", "border": -1}, "border"),
        ({"data": "x", "error_correction": "Z"}, "error_correction"),
    ],
)
def test_qr_png_refuses_bad_arguments(kwargs, field):
    with pytest.raises(BohError) as info:
        qr_png(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize("angle", [30, 90, 180, 217])
def test_decode_rotated_noisy_blurred_photo(angle):
    photo = _photo(qr_png(URL), angle=angle, blur=1.2, noise=20)
    assert decode_qr(photo) == [URL]


@pytest.mark.parametrize(
    ("angle", "scale"),
    [(0, 0.45), (30, 0.5), (90, 0.45), (180, 0.5)],
)
def test_decode_low_resolution_photo(angle, scale):
    # Four pixels per module, downscaled to about two: the raw image is at zbar's limit,
    # the upscaled and binarised variants make it readable.
    photo = _photo(qr_png(URL, box_size=4), angle=angle, scale=scale, blur=0.6, noise=25)
    width, height = Image.open(io.BytesIO(photo)).size
    assert max(width, height) < 260
    assert decode_qr(photo) == [URL]


def test_decode_small_label_in_a_big_photo():
    # A 12 MP-like photo (3000 x 2250) with the label in one corner, slightly rotated.
    code = (
        Image.open(io.BytesIO(qr_png(URL, box_size=8)))
        .convert("L")
        .rotate(12, expand=True, fillcolor=255)
    )
    scene = Image.new("L", (3000, 2250), 120)
    scene.paste(code, (2200, 1400))
    out = io.BytesIO()
    scene.save(out, format="JPEG", quality=80)
    assert decode_qr(out.getvalue()) == [URL]


def test_decode_png_and_webp_photos_and_two_codes():
    other = "https://other.example/boh/repair/" + new_token()
    assert decode_qr(_photo(qr_png(URL), angle=30, fmt="PNG")) == [URL]
    assert decode_qr(_photo(qr_png(URL), angle=90, fmt="WEBP")) == [URL]
    left = Image.open(io.BytesIO(qr_png(URL)))
    right = Image.open(io.BytesIO(qr_png(other)))
    both = Image.new("L", (left.width + right.width + 40, max(left.height, right.height)), 255)
    both.paste(left, (0, 0))
    both.paste(right, (left.width + 40, 0))
    out = io.BytesIO()
    both.save(out, format="PNG")
    assert sorted(decode_qr(out.getvalue())) == sorted([URL, other])


def test_decode_returns_empty_list_without_code():
    blank = Image.new("RGB", (300, 200), (200, 180, 160))
    out = io.BytesIO()
    blank.save(out, format="JPEG")
    assert decode_qr(out.getvalue()) == []


@pytest.mark.parametrize(
    "data", [b"", b"PK\x03\x04" + b"\x00" * 100, b"GIF89a" + b"\x00" * 100, "not bytes"]
)
def test_decode_refuses_what_is_not_a_photo(data):
    with pytest.raises(BohError) as info:
        decode_qr(data)
    assert info.value.field == "photo"


@pytest.mark.parametrize(
    "text",
    [
        f"https://boh.example.com/boh/repair/{TOKEN}",
        f"http://10.0.0.5:8069/boh/repair/{TOKEN}/",
        f"https://erp.example.cn/some/base/boh/repair/{TOKEN}?lang=zh_CN#top",
        f"  HTTPS://BOH.EXAMPLE.COM/boh/repair/{TOKEN}\n",
        f"/boh/repair/{TOKEN}",
    ],
)
def test_extract_token_from_any_host_or_base(text):
    assert extract_token_from_url(text) == TOKEN


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        TOKEN,  # a bare token is not a label URL
        f"https://boh.example.com/boh/repair/{TOKEN}/extra",
        f"https://boh.example.com/boh/repairs/{TOKEN}",
        f"https://boh.example.com/boh/repair/{TOKEN[:10]}",
        f"https://boh.example.com/boh/repair/{TOKEN[:-1]}%2F",
        "https://boh.example.com/boh/repair/",
        f"https://evil.example/?next=/boh/repair/{TOKEN}",
        "http://[::1/boh/repair/" + TOKEN,
        "https://x/boh/repair/" + "A" * 5000,
    ],
)
def test_extract_token_refuses_other_text(text):
    assert extract_token_from_url(text) is None


@given(
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){0,2}", fullmatch=True),
    st.lists(st.from_regex(r"[A-Za-z0-9_.~-]{1,12}", fullmatch=True), max_size=3),
    st.text(alphabet="".join(sorted(TOKEN_ALPHABET)), min_size=22, max_size=64),
)
def test_extract_token_round_trips_for_any_base(scheme, host, base, token):
    url = f"{scheme}://{host}/{'/'.join([*base, 'boh', 'repair', token])}"
    assert extract_token_from_url(url) == token


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_extract_token_never_raises(text):
    token = extract_token_from_url(text)
    assert token is None or (token in text and 22 <= len(token) <= 86)


def _pdf_text(pdf: bytes) -> bytes:
    """PDF with every ASCII85 + Flate stream decoded, for searching the drawn strings."""
    chunks = [pdf]
    for stream in re.findall(rb"(?<!end)stream\r?\n(.*?)\r?\n?endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(base64.a85decode(stream.strip(), adobe=True)))
        except (ValueError, zlib.error):
            continue
    return b"\n".join(chunks)


def test_label_sheet_pdf_holds_names_codes_and_pages():
    labels = [
        Label(f"Fryer {i}", "Jing'an store", f"FRY-{i:04d}", f"https://b.example/boh/repair/{i}")
        for i in range(1, 15)
    ]
    labels.append(Label("冷库 (walk-in)", "上海 静安店", "CLD-0002", URL))
    pdf = label_sheet_pdf(labels, caption="Scan to report a problem")
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    text = _pdf_text(pdf)
    for label in labels[:14]:
        assert f"({label.name})".encode() in text
        assert f"({label.code})".encode() in text
    assert b"Jing\\'an store" in text or b"Jing'an store" in text
    assert b"(Scan to report a problem)" in text
    assert b"STSong-Light" in text  # the Chinese label uses the CJK font
    # 15 labels at 12 a page make two pages; same input gives the same bytes
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    assert label_sheet_pdf(labels, caption="Scan to report a problem") == pdf


def test_label_sheet_layout_options_and_long_names():
    label = Label("A very long equipment name " * 5, "Store", "FRY-0001", URL)
    pdf = label_sheet_pdf([label] * 3, columns=1, rows=2)
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    text = _pdf_text(pdf)
    # The name wraps onto a second line at a space, which is then shortened to fit.
    first, second = re.findall(rb"\((.*?)\) Tj", text)[:2]
    assert label.name.startswith(first.decode()) and label.name[len(first)] == " "
    assert second.startswith(b"equipment") and second.endswith(b"\\205")  # cp1252 ellipsis


@pytest.mark.parametrize(
    ("labels", "kwargs", "field"),
    [
        ([], {}, "labels"),
        ([("a", "b", "c", "d")], {}, "labels"),
        ([Label("a", "b", "c", "")], {}, "url"),
        ([Label("a", None, "c", "d")], {}, "store"),
        ([Label("a", "b", "c", "d")], {"columns": 0}, "columns"),
        ([Label("a", "b", "c", "d")], {"rows": 50}, "rows"),
        ([Label("a", "b", "c", "d")], {"margin_mm": -5}, "margin_mm"),
    ],
)
def test_label_sheet_refuses_bad_input(labels, kwargs, field):
    with pytest.raises(BohError) as info:
        label_sheet_pdf(labels, **kwargs)
    assert info.value.field == field
