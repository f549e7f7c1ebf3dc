"""Printed labels with a QR code: the one renderer of the suite's equipment and date labels.

A :class:`PrintLabel` is a QR code (its ``url``) and lines of text in given sizes; the
renderer (:func:`labels_pdf`) sets them on A4 sheets (``layout="sheet"``, a grid with cut
lines, for office printers) or one label per page of a label printer's size
(``layout="roll"``, 50 x 30 mm by default). Chinese text is set in the STSong-Light CID font,
which PDF readers supply. Output is deterministic for the same input. Needs reportlab.

:func:`date_label` builds the label of a batch of prep: item, prepared at and use by in the
store's time zone, who made it, its allergens, and the QR code of its lot.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pytz
import qrcode
from PIL import Image

from boh_core.errors import BohError, msg

_ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
#: Longest text accepted in a QR payload; a label URL is well under 200 characters.
MAX_QR_DATA = 2000
_MM = 72 / 25.4  # PDF points per millimetre
#: Label printer sizes the renderer accepts, in millimetres (width, height).
ROLL_SIZES = {(50, 30), (60, 40), (100, 50)}


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


@dataclass(frozen=True)
class LabelLine:
    """One line of a label: ``size`` points, bold or fixed-width, wrapped onto ``wrap`` lines."""

    text: str
    size: float = 9
    bold: bool = False
    mono: bool = False
    wrap: int = 1


@dataclass(frozen=True)
class PrintLabel:
    """A label: the QR code of ``url`` and ``lines`` of text beside it, top down."""

    url: str
    lines: tuple[LabelLine, ...]


def _font_of(line: LabelLine, fonts: tuple[str, str, str]) -> str:
    regular, bold, cjk = fonts
    latin = "Courier-Bold" if line.mono else (bold if line.bold else regular)
    return _font_for(line.text, latin, cjk)


def _set_lines(label: PrintLabel, fonts: tuple[str, str, str], width: float):
    """The ``(text, font, size)`` lines of a label, wrapped to ``width`` points."""
    lines = []
    for line in label.lines:
        if not line.text:
            continue
        font = _font_of(line, fonts)
        if line.wrap > 1:
            lines += [
                (part, font, line.size)
                for part in _wrap(line.text, font, line.size, width, line.wrap)
            ]
        else:
            lines.append((line.text, font, line.size))
    return lines


def _draw_label(
    canvas, label: PrintLabel, box: tuple[float, float, float, float], pad: float, fonts
):
    """Draw one label in ``box`` = (x, y, width, height): QR on the left, text beside it."""
    x, y, width, height = box
    qr_size = min(height - 2 * pad, width * 0.5)
    _draw_qr(canvas, label.url, x + pad, y + (height - qr_size) / 2, qr_size)
    text_w = width - 3 * pad - qr_size
    canvas.setFillGray(0)
    top = y + height - pad
    for text, font, size in _set_lines(label, fonts, text_w):
        top -= size * 1.35
        canvas.setFont(font, size)
        canvas.drawString(x + 2 * pad + qr_size, top, _fit(text, font, size, text_w))


def check_labels(labels: Sequence[PrintLabel]) -> None:
    """Refuse labels :func:`labels_pdf` cannot print, naming the field."""
    if not labels:
        raise BohError("labels", 0, msg("maintenance.qr.labels.there_print_select"))
    for index, label in enumerate(labels):
        if not isinstance(label, PrintLabel):
            raise BohError(
                "labels",
                index,
                msg("maintenance.qr.labels.label", index=index, name=type(label).__name__),
            )
        if not isinstance(label.url, str) or not label.url:
            raise BohError("url", label.url, msg("labels.url.missing", index=index))
        for line in label.lines:
            if not isinstance(line.text, str):
                raise BohError(
                    "text", line.text, msg("labels.text.not_text", index=index, text=line.text)
                )


def labels_pdf(
    labels: Sequence[PrintLabel],
    *,
    layout: str = "sheet",
    columns: int = 2,
    rows: int = 6,
    margin_mm: float = 10.0,
    size_mm: tuple[float, float] = (50, 30),
    title: str = "Labels",
) -> bytes:
    """Render ``labels`` and return the PDF bytes.

    ``layout="sheet"``: A4 pages of ``columns`` x ``rows`` labels framed by light grey cut
    lines, ``margin_mm`` from the edges. ``layout="roll"``: one label per page of
    ``size_mm`` (one of :data:`ROLL_SIZES`), as label printers take them.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    check_labels(labels)
    if layout not in ("sheet", "roll"):
        raise BohError("layout", layout, msg("labels.layout.sheet_or_roll", layout=layout))
    if layout == "roll" and tuple(size_mm) not in ROLL_SIZES:
        sizes = ", ".join(f"{w}x{h}" for w, h in sorted(ROLL_SIZES))
        raise BohError(
            "size_mm", size_mm, msg("labels.size_mm.one_of", size_mm=size_mm, sizes=sizes)
        )
    fonts = _register_fonts()
    out = io.BytesIO()
    if layout == "roll":
        page = (size_mm[0] * _MM, size_mm[1] * _MM)
        canvas = Canvas(out, pagesize=page, invariant=1)
        canvas.setTitle(title)
        for index, label in enumerate(labels):
            if index:
                canvas.showPage()
            _draw_label(canvas, label, (0, 0, page[0], page[1]), 1.5 * _MM, fonts)
        canvas.save()
        return out.getvalue()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.setTitle(title)
    _draw_sheet(canvas, labels, A4, (columns, rows, margin_mm * _MM), fonts)
    canvas.save()
    return out.getvalue()


def _draw_sheet(canvas, labels, page, grid, fonts) -> None:
    """A4 pages of ``grid`` = (columns, rows, margin in points) labels with cut lines."""
    columns, rows, margin = grid
    page_w, page_h = page
    cell_w = (page_w - 2 * margin) / columns
    cell_h = (page_h - 2 * margin) / rows
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
        _draw_label(canvas, label, (x, y, cell_w, cell_h), 3 * _MM, fonts)


@dataclass(frozen=True)
class DateLabelCaptions:
    """The words of a date label, already in the reader's language."""

    prepared: str = "Prepared"
    use_by: str = "Use by"
    made_by: str = "By"
    allergens: str = "Allergens"
    none: str = "none"


def local_time(moment: datetime, tz: str) -> datetime:
    """A naive UTC ``moment`` as the naive local time of ``tz`` (an unknown zone is refused)."""
    try:
        zone = pytz.timezone(tz)
    except pytz.UnknownTimeZoneError:
        raise BohError("tz", tz, msg("labels.tz.unknown", tz=tz)) from None
    return pytz.utc.localize(moment).astimezone(zone).replace(tzinfo=None)


def date_label(
    item: str,
    prepared_at: datetime,
    use_by: datetime,
    tz: str,
    made_by: str,
    allergens: Sequence[str],
    url: str,
    captions: DateLabelCaptions | None = None,
) -> PrintLabel:
    """The label of a batch: times are naive UTC, printed in ``tz`` (the store's zone)."""
    words = captions or DateLabelCaptions()
    fmt = "%Y-%m-%d %H:%M"
    prepared = local_time(prepared_at, tz).strftime(fmt)
    until = local_time(use_by, tz).strftime(fmt)
    return PrintLabel(
        url=url,
        lines=(
            LabelLine(item, size=9, bold=True, wrap=2),
            LabelLine(f"{words.prepared}: {prepared}", size=6),
            LabelLine(f"{words.use_by}: {until}", size=7, bold=True),
            LabelLine(f"{words.made_by}: {made_by}", size=6),
            LabelLine(f"{words.allergens}: {', '.join(allergens) or words.none}", size=6, wrap=2),
        ),
    )
