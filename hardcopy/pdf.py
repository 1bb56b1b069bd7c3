"""Drawing hard-copy pages with ReportLab: A4, one image per page or a contact sheet of six.

Every page carries the patient's identifiers, each image's provenance, clinical details,
consent, record id, SHA-256 prefix and a QR code for re-filing, who printed it and when,
"page x of y" and the confidentiality notice. Pages go straight to a file on disk.
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import qrcode
import qrcode.constants
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from hardcopy.pictures import Picture

# With the default, every embedded JPEG is ASCII85-encoded in Python (about 38x slower).
rl_config.useA85 = 0

PAGE_W, PAGE_H = A4
MARGIN = 36.0
HEADER_H = 50.0
FOOTER_H = 22.0
CONTENT_TOP = PAGE_H - MARGIN - HEADER_H
CONTENT_BOTTOM = MARGIN + FOOTER_H
CONTENT_W = PAGE_W - 2 * MARGIN
CONFIDENTIAL = "Clinical record: confidential"

SINGLE_TEXT_H = 92.0
SINGLE_QR = 84.0
SINGLE_BOX = (CONTENT_W, CONTENT_TOP - CONTENT_BOTTOM - SINGLE_TEXT_H - 8)

SHEET_COLS, SHEET_ROWS = 2, 3
SHEET_GAP = 10.0
SHEET_CELL_W = (CONTENT_W - SHEET_GAP) / SHEET_COLS
SHEET_CELL_H = (CONTENT_TOP - CONTENT_BOTTOM) / SHEET_ROWS
SHEET_TEXT_H = 58.0
SHEET_QR = 50.0
SHEET_BOX = (SHEET_CELL_W, SHEET_CELL_H - SHEET_TEXT_H - SHEET_GAP)
PER_PAGE = {"single": 1, "contact_sheet": SHEET_COLS * SHEET_ROWS}
BOXES = {"single": SINGLE_BOX, "contact_sheet": SHEET_BOX}
_xobject_names = itertools.count(1)


@dataclass(frozen=True)
class PageHeader:
    """What every page says about the patient and the printing."""

    patient_name: str
    mrn: str
    date_of_birth: str
    facility: str
    ward: str
    printed_by: str
    printed_on: str


@dataclass(frozen=True)
class ImageSheet:
    """What is printed beside one image; the picture itself is prepared on demand."""

    record_id: str
    sha16: str
    qr_payload: str
    lines: Sequence[str]
    picture: Callable[[tuple[float, float]], Picture]


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_header(c: Canvas, head: PageHeader, page: int, total: int) -> None:
    top = PAGE_H - MARGIN
    c.setFont("Helvetica-Bold", 9)
    c.drawRightString(PAGE_W - MARGIN, top - 9, CONFIDENTIAL)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(MARGIN, top - 14, _fit(head.patient_name, "Helvetica-Bold", 14, 360))
    ident = (
        f"MRN {head.mrn}   Date of birth {head.date_of_birth}   "
        f"{head.facility}   Ward: {head.ward}"
    )
    c.setFont("Helvetica", 9)
    c.drawString(MARGIN, top - 32, _fit(ident, "Helvetica", 9, CONTENT_W))
    c.setLineWidth(0.75)
    c.line(MARGIN, top - HEADER_H + 8, PAGE_W - MARGIN, top - HEADER_H + 8)
    c.line(MARGIN, MARGIN + FOOTER_H - 6, PAGE_W - MARGIN, MARGIN + FOOTER_H - 6)
    c.setFont("Helvetica", 8)
    printed = f"Printed by {head.printed_by} on {head.printed_on}"
    c.drawString(MARGIN, MARGIN + 2, _fit(printed, "Helvetica", 8, CONTENT_W - 90))
    c.drawRightString(PAGE_W - MARGIN, MARGIN + 2, f"Page {page} of {total}")


def _draw_jpeg(
    c: Canvas, picture: Picture, x: float, y: float, w: float, h: float
) -> None:
    """Embed JPEG bytes untouched (DCTDecode) without ReportLab decoding them.

    Canvas.drawImage with an in-memory ImageReader decodes the whole image to fingerprint
    it; building the XObject from the bytes keeps the embed a copy.
    """
    name = f"hc{next(_xobject_names)}"
    xobject = pdfdoc.PDFImageXObject(name)
    if not xobject.loadImageFromJPEG(_Bytes(picture.jpeg)):
        raise ValueError("Not a JPEG stream.")
    xobject.name = name
    reg_name = c._doc.getXObjectName(name)
    c._setXObjects(xobject)
    c._doc.Reference(xobject, reg_name)
    c._doc.addForm(name, xobject)
    scale = min(w / picture.width, h / picture.height)
    draw_w, draw_h = picture.width * scale, picture.height * scale
    c.saveState()
    c.translate(x + (w - draw_w) / 2, y + (h - draw_h) / 2)
    c.scale(draw_w, draw_h)
    c._code.append(f"/{reg_name} Do")
    c.restoreState()
    c._formsinuse.append(name)


class _Bytes:
    """The minimal file interface ReportLab's JPEG loader reads from."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk, self._pos = self._data[self._pos : end], min(end, len(self._data))
        return chunk

    def seek(self, pos: int, whence: int = 0) -> None:
        self._pos = (
            pos
            if whence == 0
            else (self._pos + pos if whence == 1 else len(self._data) + pos)
        )

    def tell(self) -> int:
        return self._pos


def _draw_qr(c: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """A QR code as one filled path of module runs.

    ReportLab's QR widget builds a shape object per module and encodes twice (measured:
    over 90% of a page's drawing time); a path of horizontal runs is the same picture.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    path = c.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * cell
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            run = column
            while run < len(row) and row[run]:
                run += 1
            path.rect(x + column * cell, top, (run - column) * cell, cell)
            column = run
    c.drawPath(path, stroke=0, fill=1)


def _draw_text(
    c: Canvas, lines: Sequence[str], x: float, top: float, width: float, size: float
) -> None:
    leading = size * 1.3
    for n, line in enumerate(lines):
        font = "Helvetica-Bold" if n == 0 else "Helvetica"
        c.setFont(font, size)
        c.drawString(x, top - size - n * leading, _fit(line, font, size, width))


def _draw_single(c: Canvas, sheet: ImageSheet) -> None:
    box_y = CONTENT_TOP - SINGLE_BOX[1]
    _draw_jpeg(c, sheet.picture(SINGLE_BOX), MARGIN, box_y, *SINGLE_BOX)
    text_top = box_y - 8
    _draw_text(c, sheet.lines, MARGIN, text_top, CONTENT_W - SINGLE_QR - 10, 8.5)
    _draw_qr(
        c, sheet.qr_payload, PAGE_W - MARGIN - SINGLE_QR, CONTENT_BOTTOM, SINGLE_QR
    )


def _draw_cell(c: Canvas, sheet: ImageSheet, index: int) -> None:
    col, row = index % SHEET_COLS, index // SHEET_COLS
    x = MARGIN + col * (SHEET_CELL_W + SHEET_GAP)
    cell_top = CONTENT_TOP - row * SHEET_CELL_H
    box_y = cell_top - SHEET_BOX[1]
    _draw_jpeg(c, sheet.picture(SHEET_BOX), x, box_y, *SHEET_BOX)
    text_top = box_y - 4
    _draw_text(c, sheet.lines, x, text_top, SHEET_CELL_W - SHEET_QR - 4, 6.2)
    _draw_qr(
        c, sheet.qr_payload, x + SHEET_CELL_W - SHEET_QR, text_top - SHEET_QR, SHEET_QR
    )


def render_file(
    path: str,
    *,
    header: PageHeader,
    sheets: Sequence[ImageSheet],
    layout: str,
    first_page: int,
    total_pages: int,
    title: str,
    on_image: Callable[[], None] = lambda: None,
) -> int:
    """Write the sheets' pages to a PDF at path; return the number of pages written."""
    per_page = PER_PAGE[layout]
    c = Canvas(path, pagesize=A4, invariant=True, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Custodian")
    c.setSubject(CONFIDENTIAL)
    pages = 0
    for start in range(0, len(sheets), per_page):
        _draw_header(c, header, first_page + pages, total_pages)
        for index, sheet in enumerate(sheets[start : start + per_page]):
            if layout == "single":
                _draw_single(c, sheet)
            else:
                _draw_cell(c, sheet, index)
            on_image()
        c.showPage()
        pages += 1
    c.save()
    return pages
