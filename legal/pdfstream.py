"""A PDF written page by page straight to disk: the combined PDF of a bundle of any size.

ReportLab keeps a whole document in memory until it is saved, so the combined PDF (every
image of a matter) is written here instead: each page's JPEG is copied into the file as a
DCTDecode image as the page is added, and only the objects' offsets are kept until the end.
"""

import zlib
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4

from legal.bagit import CHUNK
from legal.render import MARGIN

CATALOG, PAGES, FONT, BOLD = 1, 2, 3, 4


def _text(value: str) -> bytes:
    raw = value.encode("latin-1", "replace")
    return (
        b"("
        + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


class StreamingPdf:
    def __init__(self, path: Path, *, title: str) -> None:
        self.out: BinaryIO = path.open("wb")
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.next_id = 5
        self.title = title
        self.out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._object(CATALOG, b"<< /Type /Catalog /Pages 2 0 R >>")
        self._object(FONT, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        self._object(
            BOLD, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>"
        )

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def _stream(self, number: int, header: bytes, source: Path | bytes) -> None:
        self.offsets[number] = self.out.tell()
        size = source.stat().st_size if isinstance(source, Path) else len(source)
        self.out.write(
            b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (number, header, size)
        )
        if isinstance(source, Path):
            with source.open("rb") as handle:
                for chunk in iter(lambda: handle.read(CHUNK), b""):
                    self.out.write(chunk)
        else:
            self.out.write(source)
        self.out.write(b"\nendstream\nendobj\n")

    def add_jpeg_page(
        self, jpeg: Path, size: tuple[int, int], *, stamp: str, caption: str
    ) -> None:
        """One A4 page: the image fitted, the stamp top right, the caption at the foot."""
        width, height = A4
        box_w, box_h = width - 2 * MARGIN, height - 2 * MARGIN - 34
        scale = min(box_w / size[0], box_h / size[1])
        draw_w, draw_h = size[0] * scale, size[1] * scale
        x, y = (width - draw_w) / 2, MARGIN + 22 + (box_h - draw_h) / 2
        image_id, content_id, page_id = self._new_id(), self._new_id(), self._new_id()
        self._stream(
            image_id,
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode" % size,
            jpeg,
        )
        stamp_w = len(stamp) * 12 * 0.61
        content = (
            b"q %.2f 0 0 %.2f %.2f %.2f cm /Im Do Q\n" % (draw_w, draw_h, x, y)
            + b"BT /F2 12 Tf %.2f %.2f Td %s Tj ET\n"
            % (width - MARGIN - stamp_w, height - MARGIN, _text(stamp))
            + b"BT /F1 8 Tf %.2f %.2f Td %s Tj ET\n"
            % (MARGIN, MARGIN, _text(caption[:150]))
        )
        self._stream(content_id, b"/Filter /FlateDecode", zlib.compress(content))
        self._object(
            page_id,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /Im %d 0 R >> >> >>"
            % (width, height, content_id, image_id),
        )
        self.pages.append(page_id)

    def close(self) -> None:
        kids = b" ".join(b"%d 0 R" % page for page in self.pages)
        self._object(
            PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.pages))
        )
        info = self._new_id()
        self._object(info, b"<< /Title %s /Producer (Custodian) >>" % _text(self.title))
        xref = self.out.tell()
        count = self.next_id
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for number in range(1, count):
            self.out.write(b"%010d 00000 n \n" % self.offsets[number])
        self.out.write(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (count, info, xref)
        )
        self.out.close()

    def abort(self) -> None:
        self.out.close()
