"""A batch's disposal certificate as PDF, and the register as CSV."""

import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from common.csvsafe import SafeWriter
from retention.models import DisposalBatch, DisposalRecord

# Plain, uncompressed streams: the certificate stays greppable for audit and e-discovery.
rl_config.useA85 = 0

REGISTER_COLUMNS = [
    "image_public_id",
    "facility_code",
    "patient_mrn",
    "patient_name",
    "sha256",
    "captured_at",
    "retain_until",
    "basis",
    "batch",
    "approvers",
    "destroyed_at",
    "method",
    "printed_copy_exists",
]


def register_rows(records: Iterable[DisposalRecord]) -> Iterable[list[str]]:
    yield REGISTER_COLUMNS
    for entry in records:
        yield [
            str(entry.image_public_id),
            entry.facility_code,
            entry.patient_mrn,
            entry.patient_name,
            entry.sha256,
            entry.captured_at.isoformat(),
            entry.retain_until.isoformat(),
            entry.basis,
            str(entry.batch.public_id),
            entry.approvers,
            entry.destroyed_at.isoformat(),
            entry.method,
            "yes" if entry.printed_copy_exists else "no",
        ]


def as_csv(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    SafeWriter(out).writerows(rows)
    return out.getvalue()


def certificate_pdf(batch: DisposalBatch, records: QuerySet[DisposalRecord]) -> bytes:
    """One A4 certificate listing every image destroyed in the batch."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True, pageCompression=0)
    pdf.setTitle(f"Disposal certificate {batch.public_id}")
    y = _heading(pdf, batch)
    for entry in records:
        if y < 20 * mm:
            pdf.showPage()
            y = A4[1] - 20 * mm
        pdf.setFont("Helvetica", 8)
        pdf.drawString(
            15 * mm,
            y,
            f"{entry.image_public_id}  MRN {entry.patient_mrn}  "
            f"{entry.patient_name}  destroyed {entry.destroyed_at:%d/%m/%Y}",
        )
        pdf.drawString(20 * mm, y - 4 * mm, f"SHA-256 {entry.sha256}")
        pdf.drawString(
            20 * mm,
            y - 8 * mm,
            f"Kept until {entry.retain_until:%d/%m/%Y}: {entry.basis}"[:120],
        )
        y -= 13 * mm
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _heading(pdf: canvas.Canvas, batch: DisposalBatch) -> float:
    y = A4[1] - 20 * mm
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(15 * mm, y, "Certificate of destruction of clinical images")
    pdf.setFont("Helvetica", 9)
    lines = [
        f"Batch {batch.public_id}, proposed {batch.proposed_at:%d/%m/%Y}",
        f"Approved by {batch.first_approved_by} and {batch.second_approved_by}",
        f"Carried out {(batch.completed_at or timezone.now()):%d/%m/%Y}. "
        "Method: data keys destroyed (crypto-shredding); stored objects deleted.",
    ]
    for line in lines:
        y -= 6 * mm
        pdf.drawString(15 * mm, y, line)
    return float(y - 10 * mm)
