#!/usr/bin/env python3
"""Render the sample recordings in this folder from `calls.json` with Piper TTS (offline).

The samples are committed so `make demo` needs no rendering; this script is how they were made,
and how to make them again after changing a script:

    .venv/bin/python samples/make_samples.py [--force] [NAME ...]

Each call becomes `<file>` (container and codec from its extension, sample rate from `audio`)
and `<stem>.truth.json`. A call with `long_minutes` is padded with filler turns to about that
length, its `facts` spoken at the beginning, the middle and the end.

Rendering goes through `tests.speech`, so it is deterministic (Piper's noise scales are 0): the
same script gives the same file. The committed files predate that and are kept as they are.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.speech import long_turns, render_call  # noqa: E402


def turns_of(call: dict) -> list[list[str]]:
    """The spoken turns: the script itself, or a long call built around its facts."""
    if "long_minutes" in call:
        return long_turns(call["long_minutes"], call["facts"])
    return call["turns"]


def render(call: dict, force: bool) -> Path:
    """Write the recording (unless it exists) and its truth file; return the recording's path."""
    path = HERE / call["file"]
    if force or not path.exists():
        render_call(turns_of(call), path, **call.get("audio", {}))
    truth = HERE / f"{path.stem}.truth.json"
    truth.write_text(json.dumps(call["truth"], indent=2) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="files to render (default: all)")
    parser.add_argument("--force", action="store_true", help="render again even if present")
    args = parser.parse_args()
    calls = json.loads((HERE / "calls.json").read_text())
    for call in calls:
        if args.names and call["file"] not in args.names:
            continue
        path = render(call, args.force)
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
