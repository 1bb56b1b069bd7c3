"""A BagIt bag (RFC 8493) written straight into a ZIP, one file at a time.

Every file is streamed into a stored (not deflated) ZIP entry while its SHA-256 is taken,
so neither the bundle nor any file in it is ever held in memory. The manifests are written
last, from the hashes gathered on the way.
"""

import hashlib
import zipfile
from collections.abc import Iterable
from pathlib import Path

CHUNK = 1024 * 1024
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


class BagWriter:
    def __init__(self, zip_path: Path, root: str) -> None:
        self.zip = zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_STORED)
        self.root = root
        self.payload: list[tuple[str, str]] = []
        self.tags: list[tuple[str, str]] = []
        self.payload_bytes = 0

    def add_stream(
        self, relpath: str, chunks: Iterable[bytes], tee: Path | None = None
    ) -> str:
        """Stream chunks into the bag at relpath (and a copy to tee); return the SHA-256."""
        digest, size = hashlib.sha256(), 0
        copy = tee.open("wb") if tee else None
        try:
            with self.zip.open(f"{self.root}/{relpath}", "w", force_zip64=True) as out:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                    if copy:
                        copy.write(chunk)
        finally:
            if copy:
                copy.close()
        self._record(relpath, digest.hexdigest(), size)
        return digest.hexdigest()

    def add_file(self, relpath: str, path: Path) -> str:
        with path.open("rb") as handle:
            return self.add_stream(relpath, iter(lambda: handle.read(CHUNK), b""))

    def add_text(self, relpath: str, text: str) -> str:
        return self.add_stream(relpath, [text.encode()])

    def _record(self, relpath: str, sha256: str, size: int) -> None:
        if relpath.startswith("data/"):
            self.payload.append((sha256, relpath))
            self.payload_bytes += size
        else:
            self.tags.append((sha256, relpath))

    def finish(self, bag_info: list[tuple[str, str]]) -> None:
        """Write bagit.txt, bag-info.txt and both manifests, then close the ZIP."""
        oxum = f"{self.payload_bytes}.{len(self.payload)}"
        info = [*bag_info, ("Payload-Oxum", oxum)]
        self.add_text("bagit.txt", BAGIT_TXT)
        self.add_text("bag-info.txt", "".join(f"{k}: {v}\n" for k, v in info))
        self.add_text("manifest-sha256.txt", manifest(self.payload))
        # The tag manifest covers every tag file, itself excepted (RFC 8493 §2.2.1).
        tag_text = manifest(self.tags)
        self.zip.writestr(f"{self.root}/tagmanifest-sha256.txt", tag_text.encode())
        self.zip.close()

    def abort(self) -> None:
        self.zip.close()


def manifest(entries: list[tuple[str, str]]) -> str:
    # Two spaces: the form sha256sum -c reads, and a valid BagIt separator.
    return "".join(
        f"{sha}  {path}\n" for sha, path in sorted(entries, key=lambda e: e[1])
    )
