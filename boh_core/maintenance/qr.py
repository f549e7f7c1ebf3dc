"""QR codes for equipment labels: make them, print sheets of them, read them back from photos.

``qr_png`` and ``label_sheet_pdf`` produce what gets printed; ``decode_qr`` reads a
technician's photo of a label (rotated, small, noisy) and ``extract_token_from_url`` pulls
the token out of whatever URL the label carries, whichever host or base path it names.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
import qrcode
from PIL import Image, ImageFilter, ImageOps

from boh_core.errors import BohError, msg

from .images import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, open_checked_image
from .tokens import is_well_formed_token

_ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
#: Longest text accepted in a QR payload; a label URL is well under 200 characters.
MAX_QR_DATA = 2000
# Greedy prefix: whatever base path comes first, the last /boh/repair/<token> segment counts.
_REPAIR_PATH_RE = re.compile(r".*/boh/repair/([^/]+)/?", re.S)
_MM = 72 / 25.4  # PDF points per millimetre


def _qr_matrix(data: str, error_correction: str, border: int) -> list[list[bool]]:
    """Encode ``data`` and return its module matrix, quiet zone included."""
    if not isinstance(data, str) or not data:
        raise BohError("data", data, msg("maintenance.qr.data.qr_content_non", data=data))
    if len(data) > MAX_QR_DATA:
        raise BohError(
            "data",
            len(data),
            msg(
                "maintenance.qr.data.qr_content_characters",
                n_data=len(data),
                max_qr_data=MAX_QR_DATA,
            ),
        )
    if error_correction not in _ERROR_CORRECTION:
        raise BohError(
            "error_correction",
            error_correction,
            msg("maintenance.qr.error_correction.level_l_m", error_correction=error_correction),
        )
    if isinstance(border, bool) or not isinstance(border, int) or not 0 <= border <= 20:
        raise BohError("border", border, msg("maintenance.qr.border.qr_modules", border=border))
    code = qrcode.QRCode(
        error_correction=_ERROR_CORRECTION[error_correction], box_size=1, border=border
    )
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_png(data: str, box_size: int = 10, border: int = 4, error_correction: str = "M") -> bytes:
    """Return a black-on-white PNG of a QR code for ``data``.

    ``box_size`` is the size of one module in pixels, ``border`` the quiet zone in modules
    (4 is what the standard asks for), ``error_correction`` one of ``L M Q H``.
    """
    if isinstance(box_size, bool) or not isinstance(box_size, int) or not 1 <= box_size <= 100:
        raise BohError(
            "box_size", box_size, msg("maintenance.qr.box_size.qr_pixels", box_size=box_size)
        )
    matrix = np.array(_qr_matrix(data, error_correction, border), dtype=bool)
    # Scaling the boolean matrix with np.kron avoids drawing module by module.
    pixels = np.kron(~matrix, np.ones((box_size, box_size), dtype=bool))
    out = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8) * 255, mode="L").convert("1").save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


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


def _register_fonts() -> tuple[str, str, str]:
    """Return (regular, bold, cjk) font names, registering the CJK one once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    # STSong-Light is one of the Adobe CID fonts that PDF readers supply themselves, so
    # Chinese names print without embedding a font file.
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "Helvetica", "Helvetica-Bold", "STSong-Light"


def _font_for(text: str, latin: str, cjk: str) -> str:
    """Pick the Latin font when the text fits its encoding, else the CJK one."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return cjk
    return latin


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten ``text`` with an ellipsis until it fits ``width`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, font: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines of ``width`` points, at spaces if any.

    Chinese text has no spaces and breaks between characters; the last line is shortened
    with an ellipsis when the text still does not fit.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < max_lines - 1:
        if stringWidth(rest, font, size) <= width:
            break
        cut = 1
        while cut < len(rest) and stringWidth(rest[: cut + 1], font, size) <= width:
            cut += 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            cut = space
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(_fit(rest, font, size, width))
    return lines


def _draw_qr(canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a vector QR code in the square at (x, y) of side ``size`` points."""
    matrix = _qr_matrix(data, "M", 4)
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        col = 0
        # One rectangle per horizontal run of dark modules keeps the PDF small.
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rect(x + start * module, top, (col - start) * module, module)
            else:
                col += 1
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)


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


def _label_lines(label: Label, caption: str | None, fonts: tuple[str, str, str], width: float):
    """The ``(text, font, size)`` lines of a label: its name wrapped, store, code, caption."""
    regular, bold, cjk = fonts
    name_font = _font_for(label.name, bold, cjk)
    lines = [(line, name_font, 11) for line in _wrap(label.name, name_font, 11, width)]
    lines += [
        (label.store, _font_for(label.store, regular, cjk), 9),
        (label.code, _font_for(label.code, "Courier-Bold", cjk), 16),
    ]
    if caption:
        lines.append((caption, _font_for(caption, regular, cjk), 7))
    return lines


def _draw_lines(canvas, lines, x: float, top: float, width: float) -> None:
    """Draw ``lines`` down from ``top``, each cut to ``width``."""
    for text, font, size in lines:
        top -= size * 1.35
        canvas.setFont(font, size)
        canvas.drawString(x, top, _fit(text, font, size, width))


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
    STSong-Light CID font. Output is deterministic for the same input. Needs reportlab.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    _check_sheet(labels, columns, rows, margin_mm)

    regular, bold, cjk = _register_fonts()
    page_w, page_h = A4
    margin = margin_mm * _MM
    cell_w = (page_w - 2 * margin) / columns
    cell_h = (page_h - 2 * margin) / rows
    pad = 3 * _MM
    qr_size = min(cell_h - 2 * pad, cell_w * 0.5)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.setTitle("Equipment labels")
    per_page = columns * rows
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        x = margin + (slot % columns) * cell_w
        y = page_h - margin - (slot // columns + 1) * cell_h
        canvas.setStrokeGray(0.8)
        canvas.setLineWidth(0.3)
        canvas.setDash(2, 2)
        canvas.rect(x, y, cell_w, cell_h, stroke=1, fill=0)
        canvas.setDash()
        _draw_qr(canvas, label.url, x + pad, y + (cell_h - qr_size) / 2, qr_size)

        text_w = cell_w - 3 * pad - qr_size
        canvas.setFillGray(0)
        lines = _label_lines(label, caption, (regular, bold, cjk), text_w)
        _draw_lines(canvas, lines, x + 2 * pad + qr_size, y + cell_h - pad, text_w)
    canvas.save()
    return out.getvalue()
