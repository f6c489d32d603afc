"""What `func azure functionapp publish` / `azd deploy` ship: the project minus `.funcignore`.

`.funcignore` uses gitignore syntax; this reads the subset the project uses (a name or glob
matches at any depth, a trailing `/` matches directories only, a pattern with an inner `/` is
anchored at the root) and refuses what it cannot read (negations), so the deploy check never
silently checks something other than what is deployed.
"""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCIGNORE = ROOT / ".funcignore"


def patterns(path: Path = FUNCIGNORE) -> list[str]:
    found = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            raise ValueError(f".funcignore negation {line!r} is not supported by this check")
        found.append(line)
    return found


def ignored(relative: Path, is_dir: bool, rules: list[str]) -> bool:
    """Does one rule exclude this path (relative to the project root)?"""
    for rule in rules:
        dir_only = rule.endswith("/")
        body = rule.rstrip("/")
        if dir_only and not is_dir:
            continue
        if "/" in body:  # anchored at the root
            if fnmatch.fnmatch(relative.as_posix(), body.lstrip("/")):
                return True
        elif fnmatch.fnmatch(relative.name, body):
            return True
    return False


def deployed_files(root: Path = ROOT) -> list[Path]:
    """Every file the deployment package holds, relative to `root`."""
    rules = patterns(root / ".funcignore")
    found: list[Path] = []

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            relative = entry.relative_to(root)
            if ignored(relative, entry.is_dir(), rules):
                continue
            if entry.is_dir():
                walk(entry)
            elif entry.is_file():
                found.append(relative)

    walk(root)
    return found


def copy_package(target: Path, root: Path = ROOT) -> list[Path]:
    """Lay the deployment package out in `target`; returns its files."""
    files = deployed_files(root)
    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, destination)
    return files
