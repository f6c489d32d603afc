"""A clone carries everything its tests, benchmarks and `make` targets read: no tracked file
(docs aside) points at the workplace's shared folder or at this machine's absolute paths."""

from __future__ import annotations

import subprocess

import pytest

from stack.config import PROJECT_ROOT

# Spelled in parts, so this file does not match itself.
OUTSIDE = [b"/".join([b"..", b"shared"]), b"/".join([b"", b"work", b"shared"]),
           b"/".join([b"", b"work", b"main"]), b"/".join([b"", b"work", b"wt"])]
DOCS_SUFFIX = ".md"  # docs may say where a file came from


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc}): nothing to list")
    return [name for name in out.decode().split("\0") if name]


def test_no_tracked_file_outside_docs_reads_outside_the_repository() -> None:
    files = [f for f in tracked_files() if not f.endswith(DOCS_SUFFIX)]
    assert any(f.startswith("tests/") for f in files), "git listed no tests: wrong folder?"
    offenders = {}
    for name in files:
        path = PROJECT_ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        found = [p.decode() for p in OUTSIDE if p in path.read_bytes()]
        if found:
            offenders[name] = found
    assert not offenders, f"files that read outside the repository: {offenders}"
