"""Access reports as PDF (ReportLab Platypus), for a complaint file or an investigation."""

from collections.abc import Iterable, Iterator
from io import BytesIO
from itertools import islice
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from records.access_reports.reports import ReportRow

# The default ASCII85-encodes every stream in pure Python: far slower, no smaller.
rl_config.useA85 = 0

# Long Platypus tables lay out in super-linear time: the report is many short tables.
ROWS_PER_TABLE = 40
_HEADER = ("#", "When", "User", "Action", "Record", "Patient", "Reason", "IP address")
_WIDTHS = (14, 36, 28, 30, 44, 40, 62, 26)
_STYLES = getSampleStyleSheet()
_CELL = _STYLES["BodyText"].clone("cell", fontSize=7, leading=8.5)
_TABLE_STYLE = [
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf0")),
    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def _cell(text: str) -> Paragraph:
    return Paragraph(escape(text), _CELL)


def _table(chunk: list[ReportRow]) -> Table:
    body = [
        [
            _cell(str(r.sequence)),
            _cell(r.when),
            _cell(r.user),
            _cell(r.action),
            _cell(r.record),
            _cell(r.patient),
            _cell(r.reason),
            _cell(r.ip_address),
        ]
        for r in chunk
    ]
    table = Table(
        [list(_HEADER), *body], colWidths=[w * mm for w in _WIDTHS], repeatRows=1
    )
    table.setStyle(_TABLE_STYLE)
    return table


def _chunks(report_rows: Iterable[ReportRow]) -> Iterator[list[ReportRow]]:
    source = iter(report_rows)
    while chunk := list(islice(source, ROWS_PER_TABLE)):
        yield chunk


def render_pdf(*, title: str, subtitle: str, report_rows: Iterable[ReportRow]) -> bytes:
    """A landscape A4 report: a heading, then the rows in page-sized tables."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
        author="Custodian",
    )

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        text = f"{title}: page {document.page}. Confidential: every access is recorded."
        canvas.setFont("Helvetica", 7)
        width = stringWidth(text, "Helvetica", 7)
        canvas.drawString((landscape(A4)[0] - width) / 2, 7 * mm, text)

    story: list[Flowable] = [
        Paragraph(escape(title), _STYLES["Title"]),
        Paragraph(escape(subtitle), _STYLES["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    tables = [_table(chunk) for chunk in _chunks(report_rows)]
    story.extend(tables or [Paragraph("No events recorded.", _STYLES["BodyText"])])
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
