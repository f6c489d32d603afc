"""A call's id: the first 32 hex digits of its recording's SHA-256, the one rule and its check.

The id is the orchestration instance id and the record id, so the same recording uploaded twice
is the same call. `digest_of_stream` hashes a file-like object in chunks, so a long recording is
never held in memory a second time; `is_call_id` is the one validator every route uses.
"""

from __future__ import annotations

import hashlib
import re
from typing import BinaryIO

CALL_ID_LENGTH = 32
HASH_CHUNK_BYTES = 1 << 20  # 1 MiB reads: constant memory whatever the recording's length
_CALL_ID = re.compile(rf"[0-9a-f]{{{CALL_ID_LENGTH}}}")


def call_id_from_digest(digest: str) -> str:
    """The call id of a content hash (lowercase SHA-256 hex)."""
    return digest[:CALL_ID_LENGTH]


def digest_of_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def digest_of_stream(stream: BinaryIO, chunk_bytes: int = HASH_CHUNK_BYTES) -> tuple[str, int]:
    """(SHA-256 hex, size in bytes) of everything left in `stream`, read `chunk_bytes` at a time."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(chunk_bytes):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


REEXTRACTION_MARK = "-x"  # `{call_id}-x{n}`: the n-th re-extraction's instance id
MAX_REEXTRACTIONS = 100  # instance ids probed per call (`{call_id}-x1` ... `-x100`)


def reextraction_id(call_id: str, n: int) -> str:
    """The instance id of a call's n-th re-extraction (n from 1); never a call id (no hex `-`)."""
    return f"{call_id}{REEXTRACTION_MARK}{n}"


def reextraction_number(instance_id: str) -> int:
    """The n of `{call_id}-x{n}`; 0 for the call's own run (the call id itself)."""
    _, mark, n = instance_id.partition(REEXTRACTION_MARK)
    return int(n) if mark and n.isdigit() else 0


def is_call_id(value: object) -> bool:
    """Exactly 32 lowercase hex digits: the only shape a call id has."""
    return isinstance(value, str) and _CALL_ID.fullmatch(value) is not None
