"""Decoding one accepted photo stays within a memory bound, measured in a fresh process.

The public repair page decodes photos from strangers: a JPEG is decoded through libjpeg's draft
mode to at most about 4 Mpx, a PNG or WebP above 8 Mpx is refused from its header, so that one
accepted photo raises a fresh process's peak RSS by at most 50 MB.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from boh_core.errors import BohError
from boh_core.maintenance.images import MAX_FULL_DECODE_PIXELS, sanitize_photo

ROOT = Path(__file__).resolve().parents[2]
PEAK_BOUND_MB = 50

MEASURE = """
import io, json, sys
from PIL import Image
from boh_core.errors import BohError
from boh_core.maintenance.images import sanitize_photo

def status_kb(name):
    for line in open("/proc/self/status"):
        if line.startswith(name + ":"):
            return int(line.split()[1])

data = open(sys.argv[1], "rb").read()
warm = open(sys.argv[2], "rb").read()
sanitize_photo(warm, max_side=1920)  # codecs and plugins loaded before the measure
# Reset the peak (VmHWM) to the current RSS, so that imports' earlier peaks hide nothing.
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")
before = status_kb("VmRSS")
try:
    out, _ = sanitize_photo(data, max_side=1920)
    size = list(Image.open(io.BytesIO(out)).size)
except BohError as error:
    size = str(error)
print(json.dumps({"mb": (status_kb("VmHWM") - before) / 1024, "size": size}))
"""

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc peak-RSS reset"
)


def _encoded(mode, size, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (180, 40, 40, 200)[: len(mode)] if mode != "P" else 0).save(
        buffer, fmt, **options
    )
    return buffer.getvalue()


def _peak(tmp_path, name, data, fmt) -> dict:
    photo = tmp_path / name
    photo.write_bytes(data)
    warm = tmp_path / f"warm-{name}"
    warm.write_bytes(_encoded("RGB", (64, 48), fmt))
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(photo), str(warm)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "mode", "size", "fmt"),
    [
        ("jpeg-40mpx.jpg", "RGB", (7900, 5000), "JPEG"),
        ("jpeg-12mpx.jpg", "RGB", (4000, 3000), "JPEG"),
        ("png-8mpx-rgba.png", "RGBA", (3460, 2310), "PNG"),
        ("png-8mpx-rgb.png", "RGB", (3460, 2310), "PNG"),
        ("webp-2.5mpx.webp", "RGBA", (1930, 1290), "WEBP"),
    ],
)
def test_one_accepted_photo_stays_within_the_memory_bound(tmp_path, name, mode, size, fmt):
    measured = _peak(tmp_path, name, _encoded(mode, size, fmt), fmt)
    assert isinstance(measured["size"], list), measured["size"]
    assert max(measured["size"]) <= 1920
    assert measured["mb"] <= PEAK_BOUND_MB, f"{name} raised the peak RSS by {measured['mb']:.1f} MB"


def test_a_webp_above_its_limit_is_refused_from_its_header():
    data = _encoded("RGB", (2000, 1300), "WEBP")
    with pytest.raises(BohError) as caught:
        sanitize_photo(data, max_side=1920)
    assert "2500000 pixels" in str(caught.value)


def test_a_png_above_8_mpx_is_refused_from_its_header():
    data = _encoded("P", (4000, 2001), "PNG")
    with pytest.raises(BohError) as caught:
        sanitize_photo(data, max_side=1920)
    assert caught.value.field == "photo"
    assert str(MAX_FULL_DECODE_PIXELS) in str(caught.value)


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` 8-bit greyscale pixels, all zero,
    compressed to a few hundred kB: the classic decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    idat = b"".join(rows.compress(row) for _ in range(height)) + rows.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_within_the_memory_bound(tmp_path):
    # 12,000 x 12,000 pixels: a few hundred kB that would inflate to 144 MB (below Pillow's own
    # bomb guard, so the check here is what refuses it).
    bomb = _png_bomb(12000, 12000)
    assert len(bomb) < 2 * 1024 * 1024
    measured = _peak(tmp_path, "bomb.png", bomb, "PNG")
    assert "pixels" in measured["size"] and "12000" in measured["size"]
    assert measured["mb"] <= PEAK_BOUND_MB
