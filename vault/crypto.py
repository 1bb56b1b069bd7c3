"""Envelope encryption of stored objects: a fresh data key per image, wrapped by the master key.

Objects are encrypted in segments (AES-256-GCM, 1 MiB each) so that originals of any size
can be streamed in and out with bounded memory. Each segment's nonce carries its index and
a final-segment flag, so reordering, dropping or truncating segments fails authentication.

Layout: MAGIC (5 bytes) | nonce prefix (7 bytes) | segments, each ciphertext + 16-byte tag.
"""

import base64
import hashlib
import io
import os
import struct
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"CSTD1"
PREFIX_LEN = 7
HEADER_LEN = len(MAGIC) + PREFIX_LEN
SEGMENT = 1024 * 1024
TAG = 16


class DecryptionError(Exception):
    """The object or its key is damaged, or the key is not the one it was sealed with."""


def _master_key(encoded: str | None = None) -> bytes:
    raw = base64.b64decode(encoded or settings.CUSTODIAN_MASTER_KEY)
    if len(raw) != 32:
        raise ValueError("The master key must be 32 bytes, base64-encoded.")
    return raw


def master_key_id(encoded: str | None = None) -> str:
    """A short fingerprint naming which master key wrapped a data key (never the key)."""
    return hashlib.sha256(b"custodian-key-id" + _master_key(encoded)).hexdigest()[:16]


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(data_key: bytes, *, context: str, master: str | None = None) -> bytes:
    """Seal a data key under the master key, bound to its image (context)."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_master_key(master)).encrypt(
        nonce, data_key, context.encode()
    )


def unwrap_key(wrapped: bytes, *, context: str, master: str | None = None) -> bytes:
    try:
        return AESGCM(_master_key(master)).decrypt(
            bytes(wrapped[:12]), bytes(wrapped[12:]), context.encode()
        )
    except InvalidTag as exc:
        raise DecryptionError(
            "The data key does not open with this master key."
        ) from exc


def _nonce(prefix: bytes, index: int, *, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def encrypt_stream(chunks: Iterable[bytes], key: bytes) -> Iterator[bytes]:
    """Encrypt a stream of plaintext chunks of any size into the segmented format."""
    aead = AESGCM(key)
    prefix = os.urandom(PREFIX_LEN)
    yield MAGIC + prefix
    buffer = b""
    index = 0
    for chunk in chunks:
        buffer += chunk
        # Hold back at least one byte: only the true last segment may carry the flag.
        while len(buffer) > SEGMENT:
            segment, buffer = buffer[:SEGMENT], buffer[SEGMENT:]
            yield aead.encrypt(_nonce(prefix, index, last=False), segment, MAGIC)
            index += 1
    yield aead.encrypt(_nonce(prefix, index, last=True), buffer, MAGIC)


def decrypt_stream(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    """Decrypt a segmented object read from a file-like source, a segment at a time."""
    aead = AESGCM(key)
    header = source.read(HEADER_LEN)
    if len(header) != HEADER_LEN or not header.startswith(MAGIC):
        raise DecryptionError("Not a Custodian encrypted object.")
    prefix = header[len(MAGIC) :]
    index = 0
    current = source.read(SEGMENT + TAG)
    while True:
        following = source.read(SEGMENT + TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, index, last=last), current, MAGIC)
        except InvalidTag as exc:
            raise DecryptionError(f"Segment {index} failed authentication.") from exc
        if last:
            return
        current, index = following, index + 1


def encrypt_bytes(data: bytes, key: bytes) -> bytes:
    return b"".join(encrypt_stream([data], key))


def decrypt_bytes(blob: bytes, key: bytes) -> bytes:
    return b"".join(decrypt_stream(io.BytesIO(blob), key))
