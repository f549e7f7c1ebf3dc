"""QR codes for equipment labels: make them, print sheets of them, read them back from photos.

``qr_png`` and ``label_sheet_pdf`` produce what gets printed; ``decode_qr`` reads a
technician's photo of a label (rotated, small, noisy) and ``extract_token_from_url`` pulls
the token out of whatever URL the label carries, whichever host or base path it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from boh_core.errors import BohError, msg
from boh_core.labels import MAX_QR_DATA, LabelLine, PrintLabel, labels_pdf, qr_png

__all__ = [
    "MAX_QR_DATA",
    "Label",
    "decode_qr",
    "extract_token_from_url",
    "label_sheet_pdf",
    "qr_png",
]

from .images import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, open_checked_image
from .tokens import is_well_formed_token

# Greedy prefix: whatever base path comes first, the last /boh/repair/<token> segment counts.
_REPAIR_PATH_RE = re.compile(r".*/boh/repair/([^/]+)/?", re.S)


def _otsu(gray: Image.Image) -> Image.Image:
    """Binarise with Otsu's threshold, which copes with uneven photo exposure."""
    hist = np.asarray(gray.histogram()[:256], dtype=np.float64)
    total = hist.sum()
    if total == 0:
        return gray
    levels = np.arange(256)
    weight_bg = np.cumsum(hist)
    weight_fg = total - weight_bg
    cum_mean = np.cumsum(hist * levels)
    mean_bg = np.divide(cum_mean, weight_bg, out=np.zeros(256), where=weight_bg > 0)
    mean_fg = np.divide(cum_mean[-1] - cum_mean, weight_fg, out=np.zeros(256), where=weight_fg > 0)
    between = weight_bg * weight_fg * (mean_bg - mean_fg) ** 2
    threshold = int(np.argmax(between))
    return gray.point(lambda v: 255 if v > threshold else 0)


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    """Resize so that the longer side is ``longest`` pixels."""
    factor = longest / max(image.size)
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _cleaned(base: Image.Image) -> Iterator[Image.Image]:
    """Contrast-stretched, denoised and binarised versions of one greyscale image."""
    contrasted = ImageOps.autocontrast(base, cutoff=1)
    yield contrasted
    denoised = contrasted.filter(ImageFilter.MedianFilter(3))
    yield denoised
    yield _otsu(denoised)
    yield _otsu(contrasted.filter(ImageFilter.GaussianBlur(1)))


def _candidates(gray: Image.Image) -> Iterator[Image.Image]:
    """Yield ever more processed versions of a greyscale photo, cheapest and likeliest first."""
    # zbar handles any rotation and moderate blur by itself; the variants are for poor
    # contrast, sensor noise and too few pixels per module. A phone photo of 12 MP is
    # first read at 1600 px: zbar is slow on huge images and a label fills much of them.
    longest = max(gray.size)
    work = _shrink(gray, 1600) if longest > 2000 else gray
    yield work
    yield from _cleaned(work)
    if longest < 1200:
        for scale in (2, 3):
            if longest * scale > 2400:
                break
            bigger = work.resize((work.width * scale, work.height * scale), Image.BICUBIC)
            yield bigger
            yield from _cleaned(bigger)
    if work is not gray:
        # A small label far away in a big photo needs the full resolution.
        yield from _cleaned(gray)
    # A last resort for strong perspective or skew on small codes: present other angles.
    contrasted = ImageOps.autocontrast(work, cutoff=1)
    for angle in (45, 22, -22):
        yield contrasted.rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)


def decode_qr(
    image_bytes: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> list[str]:
    """Return the texts of the QR codes found in a photo, in the order found (maybe empty).

    The photo is checked like an upload (JPEG, PNG or WebP; size and pixel limits; a
    :class:`BohError` on field ``photo`` otherwise). It is tried as it is, then with
    autocontrast, resized, denoised and binarised, and at a few angles, stopping at the
    first version that yields a code; that is what lets rotated, low-resolution and noisy
    photos decode. Needs ``pyzbar`` and the zbar shared library (ImportError otherwise).
    """
    try:
        from pyzbar.pyzbar import ZBarSymbol
        from pyzbar.pyzbar import decode as zbar_decode
    except ImportError as exc:
        # A deployment problem, not bad input: no BohError, but say what to install.
        raise ImportError(
            f"QR decoding needs the pyzbar package and the zbar library (libzbar0): {exc}"
        ) from exc
    image = open_checked_image(
        image_bytes, field="photo", max_bytes=max_bytes, max_pixels=max_pixels
    )
    try:
        image.load()
        gray = ImageOps.exif_transpose(image).convert("L")
    except Exception as exc:
        # Hostile bytes can make a decoder (or the EXIF parser) raise nearly anything.
        raise BohError(
            "photo",
            image.format,
            msg("maintenance.qr.photo.cannot_decoded", format=image.format, exc=exc),
        ) from None
    for candidate in _candidates(gray):
        found = zbar_decode(candidate, symbols=[ZBarSymbol.QRCODE])
        if found:
            texts = [symbol.data.decode("utf-8", errors="replace") for symbol in found]
            return list(dict.fromkeys(texts))
    return []


def extract_token_from_url(text: str) -> str | None:
    """Return the repair token in a label URL, or None when ``text`` carries none.

    Any scheme, host and base path are accepted: the path ending in
    ``/boh/repair/<token>`` (a trailing slash, query or fragment allowed) is what
    identifies a label, so labels keep working when the server moves. The token must be
    well formed (see :func:`is_well_formed_token`).
    """
    if not isinstance(text, str) or len(text) > MAX_QR_DATA:
        return None
    try:
        path = urlsplit(text.strip()).path
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    match = _REPAIR_PATH_RE.fullmatch(path)
    if not match:
        return None
    token = match.group(1)
    return token if is_well_formed_token(token) else None


@dataclass(frozen=True)
class Label:
    """One equipment label: what a person reads and the URL the QR code carries."""

    name: str
    store: str
    code: str
    url: str


def _check_sheet(labels: Sequence[Label], columns: int, rows: int, margin_mm: float) -> None:
    """Refuse a sheet :func:`label_sheet_pdf` cannot print, naming the field."""
    if not labels:
        raise BohError("labels", 0, msg("maintenance.qr.labels.there_print_select"))
    for field, value, low, high in (("columns", columns, 1, 4), ("rows", rows, 1, 12)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BohError(
                field,
                value,
                msg("maintenance.qr.from", field=field, value=value, low=low, high=high),
            )
    if not 0 <= margin_mm <= 30:
        raise BohError(
            "margin_mm", margin_mm, msg("maintenance.qr.margin_mm.invalid", margin_mm=margin_mm)
        )
    for index, label in enumerate(labels):
        if not isinstance(label, Label):
            raise BohError(
                "labels",
                index,
                msg("maintenance.qr.labels.label", index=index, name=type(label).__name__),
            )
        for field in ("name", "store", "code", "url"):
            if not isinstance(getattr(label, field), str):
                raise BohError(
                    field,
                    getattr(label, field),
                    msg("maintenance.qr.label_text", index=index, field=field),
                )
        if not label.url:
            raise BohError(
                "url", label.url, msg("maintenance.qr.url.label_has", index=index, name=label.name)
            )


def label_sheet_pdf(
    labels: Sequence[Label],
    *,
    columns: int = 2,
    rows: int = 6,
    margin_mm: float = 10.0,
    caption: str | None = None,
) -> bytes:
    """Render labels on A4 pages, ``columns`` x ``rows`` per page, and return the PDF bytes.

    Each label shows the QR code of its URL, the equipment name, the store, the short code
    in large type and, when given, ``caption`` (already translated, e.g. "Scan to report
    a problem"). Light grey cut lines frame each label. Chinese text is set in the
    STSong-Light CID font. Output is deterministic for the same input. Needs reportlab;
    drawn by the suite's one label renderer (:func:`boh_core.labels.labels_pdf`).
    """
    _check_sheet(labels, columns, rows, margin_mm)
    printed = [
        PrintLabel(
            url=label.url,
            lines=(
                LabelLine(label.name, size=11, bold=True, wrap=2),
                LabelLine(label.store, size=9),
                LabelLine(label.code, size=16, mono=True),
                LabelLine(caption or "", size=7),
            ),
        )
        for label in labels
    ]
    return labels_pdf(
        printed,
        layout="sheet",
        columns=columns,
        rows=rows,
        margin_mm=margin_mm,
        title="Equipment labels",
    )
