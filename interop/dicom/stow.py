"""STOW-RS (DICOMweb, PS3.18 10.5): the same instance over HTTP, for PACS that prefer it."""

import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

from pydicom.dataset import Dataset

from interop.dicom.build import dataset_bytes
from interop.dicom.exceptions import SendFailed
from interop.dicom.send import SUCCESS, SendResult, load_dataset

_FAILED_SOP_SEQUENCE = "00081198"
_REFERENCED_SOP_INSTANCE_UID = "00081155"
_FAILURE_REASON = "00081197"
# Worth a retry: the server is busy, overloaded or between deployments.
_TRANSIENT_HTTP = frozenset({408, 425, 429, 500, 502, 503, 504})


def stow(
    dataset_or_bytes: Dataset | bytes,
    *,
    base_url: str,
    timeout: float,
    authorization: str | None = None,
) -> SendResult:
    """POST one instance to {base_url}/studies; raise SendFailed unless it is stored."""
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise ValueError("A DICOMweb base URL is http or https.")
    ds = load_dataset(dataset_or_bytes)
    started = time.monotonic()
    request = _request(base_url, dataset_bytes(ds), authorization)
    answer = _post(request, timeout)
    _raise_if_failed(answer, str(ds.SOPInstanceUID))
    return SendResult(
        sop_instance_uid=str(ds.SOPInstanceUID),
        status=SUCCESS,
        seconds=time.monotonic() - started,
    )


def _request(
    base_url: str, part10: bytes, authorization: str | None
) -> urllib.request.Request:
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode(),
            part10,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    headers = {
        "Content-Type": (
            f'multipart/related; type="application/dicom"; boundary={boundary}'
        ),
        "Accept": "application/dicom+json",
    }
    if authorization:
        headers["Authorization"] = authorization
    url = f"{base_url.rstrip('/')}/studies"
    # The scheme was checked to be http or https in stow().
    return urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310


def _post(request: urllib.request.Request, timeout: float) -> Any:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read()
    except urllib.error.HTTPError as refused:
        raise SendFailed(
            f"{request.full_url} answered HTTP {refused.code} {refused.reason}.",
            transient=refused.code in _TRANSIENT_HTTP,
        ) from refused
    except (urllib.error.URLError, TimeoutError) as unreachable:
        raise SendFailed(
            f"No connection to {request.full_url}: {unreachable}.", transient=True
        ) from unreachable
    return json.loads(body) if body else {}


def _raise_if_failed(answer: Any, instance_uid: str) -> None:
    """A 200 can still list the instance as failed (PS3.18 Table 10.5.3-1)."""
    if not isinstance(answer, dict):
        return
    failed = answer.get(_FAILED_SOP_SEQUENCE, {}).get("Value", [])
    for item in failed:
        uids = item.get(_REFERENCED_SOP_INSTANCE_UID, {}).get("Value", [])
        if instance_uid in uids:
            reason = item.get(_FAILURE_REASON, {}).get("Value", [None])[0]
            raise SendFailed(
                f"The server did not store the instance (reason {reason}).",
                transient=False,
                status=reason,
            )
