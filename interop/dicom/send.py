"""C-STORE one instance to a PACS, failing loudly enough for a task to retry or give up."""

import io
import time
from dataclasses import dataclass
from typing import Any

from pydicom import dcmread
from pydicom.dataset import Dataset
from pynetdicom import AE, evt
from pynetdicom.association import Association

from interop.dicom.exceptions import AssociationRefused, SendFailed

SUCCESS = 0x0000
# PS3.4 B.2.3: warnings mean the PACS kept the instance (perhaps coerced).
_WARNINGS = frozenset({0x0001, 0xB000, 0xB006, 0xB007})
_OUT_OF_RESOURCES = 0xA700
_HIGH_BYTE = 0xFF00


@dataclass(frozen=True)
class SendResult:
    sop_instance_uid: str
    status: int  # 0x0000, or a warning the PACS kept the instance with
    seconds: float


def send(
    dataset_or_bytes: Dataset | bytes,
    *,
    host: str,
    port: int,
    called_ae: str,
    calling_ae: str,
    timeout: float,
) -> SendResult:
    """Store one instance; raise AssociationRefused or SendFailed unless the PACS keeps it."""
    ds = load_dataset(dataset_or_bytes)
    started = time.monotonic()
    ae = _application_entity(ds, calling_ae, timeout)
    connected: list[bool] = []
    assoc = ae.associate(
        host,
        port,
        ae_title=called_ae,
        evt_handlers=[(evt.EVT_CONN_OPEN, lambda _event: connected.append(True))],
    )
    if not assoc.is_established:
        raise _not_established(assoc, f"{called_ae}@{host}:{port}", bool(connected))
    try:
        status = _store(assoc, ds)
    finally:
        assoc.release()
    return SendResult(
        sop_instance_uid=str(ds.SOPInstanceUID),
        status=status,
        seconds=time.monotonic() - started,
    )


def load_dataset(dataset_or_bytes: Dataset | bytes) -> Dataset:
    """The dataset itself, or read from DICOM Part 10 bytes."""
    if isinstance(dataset_or_bytes, Dataset):
        return dataset_or_bytes
    return dcmread(io.BytesIO(dataset_or_bytes))


def _application_entity(ds: Dataset, calling_ae: str, timeout: float) -> AE:
    ae = AE(ae_title=calling_ae)
    # Only the instance's own transfer syntax: a JPEG must reach the PACS unchanged.
    ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
    ae.connection_timeout = timeout
    ae.acse_timeout = timeout
    ae.dimse_timeout = timeout
    ae.network_timeout = timeout
    return ae


def _not_established(assoc: Association, peer: str, connected: bool) -> Exception:
    answer: Any = assoc.acceptor.primitive
    if assoc.is_rejected and answer is not None:
        # Even a permanent rejection (an AE title the PACS does not know) is tried again:
        # the fix is a change of configuration, the destination's here or the PACS's
        # list of callers there, and each retry reads the destination afresh.
        return AssociationRefused(
            f"{peer} refused the association: {answer.reason_str} "
            f"({answer.result_str}, {answer.source_str}).",
            transient=True,
        )
    if not connected:
        return SendFailed(f"No connection to {peer}.", transient=True)
    if assoc.rejected_contexts and not assoc.accepted_contexts:
        return SendFailed(
            f"{peer} accepts neither this SOP class nor its transfer syntax.",
            transient=False,
        )
    return SendFailed(
        f"{peer} aborted or did not answer the association.", transient=True
    )


def _store(assoc: Association, ds: Dataset) -> int:
    answer = assoc.send_c_store(ds)
    if "Status" not in answer:
        raise SendFailed(
            "The PACS sent no C-STORE answer (timeout or abort).", transient=True
        )
    status = int(answer.Status)
    if status == SUCCESS or status in _WARNINGS:
        return status
    comment = answer.get("ErrorComment", "")
    raise SendFailed(
        f"The PACS did not store the instance: status 0x{status:04X} {comment}".strip(),
        transient=status & _HIGH_BYTE == _OUT_OF_RESOURCES,
        status=status,
    )
