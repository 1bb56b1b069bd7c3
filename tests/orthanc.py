"""A real PACS for tests: Debian's Orthanc on free loopback ports, with a throwaway store.

It answers C-STORE only to the calling AE title `CUSTODIAN` from 127.0.0.1, and only when
called by its own AE title (DicomCheckCalledAet), as a hospital PACS configured for
Custodian would. Its REST API (no authentication; RemoteAccessAllowed off, so loopback
only) is how tests look at what it kept. The `orthanc` fixture (tests/interop/conftest.py)
starts one per session.
"""

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ORTHANC = "/usr/sbin/Orthanc"
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
HOST = "127.0.0.1"
PACS_AE = "CUSTODIAN_PACS"
CUSTODIAN_AE = "CUSTODIAN"
START_SECONDS = 30.0


@dataclass(frozen=True)
class Orthanc:
    http_url: str
    dicom_port: int
    host: str = HOST
    called_ae: str = PACS_AE
    calling_ae: str = CUSTODIAN_AE

    @property
    def dicomweb_url(self) -> str:
        return f"{self.http_url}/dicom-web"

    def request(self, path: str, method: str = "GET") -> bytes:
        req = urllib.request.Request(f"{self.http_url}{path}", method=method)  # noqa: S310
        with urllib.request.urlopen(req, timeout=10) as answer:  # noqa: S310
            body: bytes = answer.read()
        return body

    def json(self, path: str) -> Any:
        return json.loads(self.request(path))

    def instances(self) -> list[str]:
        ids: list[str] = self.json("/instances")
        return ids

    def tags(self, instance_id: str) -> dict[str, Any]:
        tags: dict[str, Any] = self.json(f"/instances/{instance_id}/tags?simplify")
        return tags

    def frame(self, instance_id: str) -> bytes:
        """The first frame as stored: the JPEG fragment, or native pixel bytes."""
        return self.request(f"/instances/{instance_id}/frames/0/raw")

    def patient_ids(self) -> list[str]:
        """The PatientID of every patient it holds."""
        return [
            self.json(f"/patients/{pid}")["MainDicomTags"]["PatientID"]
            for pid in self.json("/patients")
        ]

    def delete_instance(self, instance_id: str) -> None:
        self.request(f"/instances/{instance_id}", method="DELETE")

    def empty(self) -> None:
        """Forget every patient, so each test sees only what it sent."""
        for pid in self.json("/patients"):
            self.request(f"/patients/{pid}", method="DELETE")


def configuration(store: Path, http_port: int, dicom_port: int) -> dict[str, Any]:
    """Orthanc's options (names as in /etc/orthanc/orthanc.json of Orthanc 1.10)."""
    return {
        "Name": "custodian-test-pacs",
        "StorageDirectory": str(store),
        "IndexDirectory": str(store),
        "HttpPort": http_port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomServerEnabled": True,
        "DicomAet": PACS_AE,
        "DicomPort": dicom_port,
        "DicomCheckCalledAet": True,
        "DicomCheckModalityHost": True,
        "DicomAlwaysAllowStore": False,
        "DicomAlwaysAllowEcho": False,
        "DicomModalities": {
            "custodian": {"AET": CUSTODIAN_AE, "Host": HOST, "Port": 11112},
        },
        # A resend of the same SOP Instance UID replaces the stored copy.
        "OverwriteInstances": True,
        "SaveJobs": False,
        "Plugins": [str(DICOMWEB_PLUGIN)] if DICOMWEB_PLUGIN.exists() else [],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": False},
    }


def free_ports(count: int) -> list[int]:
    """Ports the kernel has just handed out, all different (held open until chosen)."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]


def _answers(orthanc: Orthanc) -> bool:
    try:
        orthanc.json("/system")
        with socket.create_connection((HOST, orthanc.dicom_port), timeout=1):
            return True
    except OSError:
        return False


def _wait_until_up(
    process: subprocess.Popen[bytes], orthanc: Orthanc, log: Path
) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not _answers(orthanc):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"Orthanc did not start:\n{tail}")
        time.sleep(0.05)  # polling interval, not a wait for readiness


@contextmanager
def running_orthanc(workdir: Path) -> Iterator[Orthanc]:
    """Orthanc on free ports of 127.0.0.1 storing under workdir, stopped on leaving."""
    if shutil.which(ORTHANC) is None:
        raise RuntimeError("Orthanc is not installed: run `make system-deps`.")
    http_port, dicom_port = free_ports(2)
    config = workdir / "orthanc.json"
    config.write_text(
        json.dumps(configuration(workdir / "store", http_port, dicom_port))
    )
    log = workdir / "orthanc.log"
    orthanc = Orthanc(http_url=f"http://{HOST}:{http_port}", dicom_port=dicom_port)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - Debian's binary, our own config
            [ORTHANC, str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(process, orthanc, log)
        yield orthanc
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
