"""Rendered copies for the bundle: one PDF per image, stamped top right with its number.

The hard-copy renderer (issue 5) is not on main yet, so the bundle draws its own pages:
a downscaled JPEG of the original (Pillow's draft mode decodes JPEG at reduced scale), the
document number top right on every page and a short caption at the foot.
"""

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

# ASCII85 encoding of embedded JPEGs runs in pure Python: about 38x slower (DESIGN.md §7).
rl_config.useA85 = 0

# Enough for an A4 page at ~200 dpi; the original itself is in data/originals/.
RENDER_PIXELS = 1800
MARGIN = 15 * mm
LINE = 4.2 * mm


@dataclass(frozen=True)
class Page:
    document_id: str
    caption: str
    jpeg: Path
    width: int
    height: int


def downscale(original: Path, out: Path) -> tuple[int, int]:
    """Write an upright, downscaled RGB JPEG of the original; return its pixel size."""
    with Image.open(original) as im:
        im.draft("RGB", (RENDER_PIXELS, RENDER_PIXELS))
        upright = ImageOps.exif_transpose(im) or im
        upright.thumbnail((RENDER_PIXELS, RENDER_PIXELS))
        rgb = upright.convert("RGB")
        rgb.save(out, "JPEG", quality=85)
        return rgb.size


def stamp(canvas: Canvas, document_id: str) -> None:
    width, height = A4
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawRightString(width - MARGIN, height - MARGIN, document_id)


def draw_image_page(canvas: Canvas, page: Page) -> None:
    width, height = A4
    stamp(canvas, page.document_id)
    box_w, box_h = width - 2 * MARGIN, height - 2 * MARGIN - 12 * mm
    scale = min(box_w / page.width, box_h / page.height)
    draw_w, draw_h = page.width * scale, page.height * scale
    x = (width - draw_w) / 2
    y = MARGIN + 8 * mm + (box_h - draw_h) / 2
    canvas.drawImage(str(page.jpeg), x, y, draw_w, draw_h)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(MARGIN, MARGIN, page.caption[:150])
    canvas.showPage()


def render_single(page: Page, out: Path) -> None:
    canvas = Canvas(str(out), pagesize=A4, pageCompression=0)
    canvas.setTitle(page.document_id)
    draw_image_page(canvas, page)
    canvas.save()


class TextPages:
    """Plain paginated text (audit extracts): linear in length, unlike long Platypus tables."""

    def __init__(self, out: Path, *, title: str, stamp_id: str) -> None:
        self.canvas = Canvas(str(out), pagesize=A4)
        self.canvas.setTitle(title)
        self.title, self.stamp_id = title, stamp_id
        self.page = 0
        self.y = 0.0

    def _new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        stamp(self.canvas, f"{self.stamp_id} p.{self.page}")
        self.canvas.setFont("Helvetica-Bold", 10)
        self.canvas.drawString(MARGIN, A4[1] - MARGIN - 8 * mm, self.title)
        self.y = A4[1] - MARGIN - 16 * mm

    def line(self, text: str, *, bold: bool = False) -> None:
        if self.page == 0 or self.y < MARGIN:
            self._new_page()
        self.canvas.setFont("Helvetica-Bold" if bold else "Courier", 7)
        self.canvas.drawString(MARGIN, self.y, text[:140])
        self.y -= LINE

    def save(self) -> None:
        if self.page == 0:
            self._new_page()
        self.canvas.save()
