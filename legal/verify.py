"""Checking a bundle offline: the bag's structure, Payload-Oxum and every file's SHA-256."""

import hashlib
import re
import zipfile
from pathlib import Path

from legal.bagit import BAGIT_TXT, CHUNK

LINE_RE = re.compile(r"^([0-9a-f]{64}) {1,2}\*?(\S.*)$")
REQUIRED_TAGS = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")


class BundleInvalid(Exception):
    """The first discrepancy found in a bundle."""


def _root(names: list[str]) -> str:
    roots = {name.split("/", 1)[0] for name in names}
    if len(roots) != 1 or any("/" not in name for name in names):
        raise BundleInvalid("The ZIP must hold exactly one bag folder.")
    return roots.pop()


def _manifest(text: str, which: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = LINE_RE.match(line)
        if not match:
            raise BundleInvalid(f"{which} line {number} is malformed.")
        entries[match.group(2)] = match.group(1)
    return entries


def _sha256(bag: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with bag.open(name) as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check(bag: zipfile.ZipFile, root: str, entries: dict[str, str], which: str) -> int:
    total = 0
    for path, expected in sorted(entries.items()):
        try:
            actual, size = _sha256(bag, f"{root}/{path}")
        except KeyError as exc:
            raise BundleInvalid(f"{path} is listed in {which} but missing.") from exc
        if actual != expected:
            raise BundleInvalid(f"{path} does not match {which} ({actual}).")
        total += size
    return total


def _read(bag: zipfile.ZipFile, name: str) -> str:
    try:
        return bag.read(name).decode("utf-8")
    except KeyError as exc:
        raise BundleInvalid(f"{name.split('/', 1)[1]} is missing.") from exc
    except UnicodeDecodeError as exc:
        raise BundleInvalid(f"{name.split('/', 1)[1]} is not UTF-8.") from exc


def _oxum(info: str) -> str:
    match = re.search(r"^Payload-Oxum: (\d+\.\d+)$", info, re.MULTILINE)
    if not match:
        raise BundleInvalid("bag-info.txt has no Payload-Oxum.")
    return match.group(1)


def verify_bundle(path: Path) -> str:
    """Validate the bag in the ZIP; raise BundleInvalid with the first discrepancy."""
    try:
        with zipfile.ZipFile(path) as bag:
            return _verify(bag)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BundleInvalid(f"The ZIP itself is damaged: {exc}") from exc


def _verify(bag: zipfile.ZipFile) -> str:
    names = [n for n in bag.namelist() if not n.endswith("/")]
    root = _root(names)
    files = {n.split("/", 1)[1] for n in names}
    if _read(bag, f"{root}/bagit.txt") != BAGIT_TXT:
        raise BundleInvalid("bagit.txt is not a BagIt 1.0 declaration.")
    tags = _manifest(_read(bag, f"{root}/tagmanifest-sha256.txt"), "tagmanifest")
    missing = [t for t in REQUIRED_TAGS if t not in tags]
    if missing:
        raise BundleInvalid(f"tagmanifest-sha256.txt does not cover {missing[0]}.")
    _check(bag, root, tags, "tagmanifest-sha256.txt")
    payload = _manifest(_read(bag, f"{root}/manifest-sha256.txt"), "manifest")
    unlisted = sorted(f for f in files if f.startswith("data/") and f not in payload)
    if unlisted:
        raise BundleInvalid(f"{unlisted[0]} is in the bag but not in the manifest.")
    untagged = sorted(
        f
        for f in files
        if not f.startswith("data/") and f not in tags and f != "tagmanifest-sha256.txt"
    )
    if untagged:
        raise BundleInvalid(f"{untagged[0]} is not covered by the tag manifest.")
    total = _check(bag, root, payload, "manifest-sha256.txt")
    oxum = f"{total}.{len(payload)}"
    if _oxum(_read(bag, f"{root}/bag-info.txt")) != oxum:
        raise BundleInvalid(f"Payload-Oxum does not match the payload ({oxum}).")
    return f"Bag {root} is valid: {len(payload)} files, {total} bytes."
