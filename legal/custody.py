"""The chain of custody: every audit event about the matter, the export and each image."""

from collections.abc import Iterator
from pathlib import Path

from audit.models import AuditEvent
from common.csvsafe import SafeWriter
from imaging.models import ClinicalImage
from legal.models import ExportBundle
from legal.render import TextPages

FIELDS = (
    "document_id",
    "object_id",
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "reason",
    "ip_address",
    "prev_hash",
    "hash",
)


def _events(object_ids: list[str]) -> Iterator[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_id__in=object_ids)
        .order_by("sequence")
        .iterator()
    )


def _row(document_id: str, event: AuditEvent) -> list[str]:
    return [
        document_id,
        event.object_id,
        str(event.sequence),
        event.occurred_at.isoformat(),
        event.actor_username or "system",
        event.action,
        event.reason,
        event.ip_address or "",
        event.prev_hash,
        event.hash,
    ]


def write_custody(
    *,
    bundle: ExportBundle,
    documents: list[tuple[str, ClinicalImage]],
    head: tuple[int, str],
    csv_path: Path,
    pdf_path: Path,
) -> None:
    """Write the custody CSV and PDF in one pass over the audit trail."""
    matter = bundle.matter
    pages = TextPages(
        pdf_path, title=f"Chain of custody: {matter.reference}", stamp_id="CUSTODY"
    )
    pages.line(f"Audit chain head at export: #{head[0]} {head[1]}", bold=True)
    pages.line(f"Bundle {bundle.public_id} requested by {bundle.requested_by}")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        out = SafeWriter(handle)
        out.writerow(FIELDS)
        out.writerow(
            ["", "audit-chain-head", str(head[0]), "", "", "", "", "", "", head[1]]
        )
        holds = [str(h) for h in matter.holds.values_list("public_id", flat=True)]
        groups = [
            ("MATTER", [str(matter.public_id), str(bundle.public_id), *holds]),
            *((doc, [str(image.public_id)]) for doc, image in documents),
        ]
        for document_id, object_ids in groups:
            pages.line(f"{document_id}  ({', '.join(object_ids[:1])})", bold=True)
            for event in _events(object_ids):
                row = _row(document_id, event)
                out.writerow(row)
                pages.line(
                    f"#{row[2]} {row[3][:19]} {row[4]:<18} {row[5]:<18} {row[9]}"
                )
    pages.save()
