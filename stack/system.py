"""Check the machine before `make setup` builds anything, and say plainly what is missing.

Runs on whatever `python3` the user has (before the venv exists), so it uses the standard
library only. `--build` adds the tools that compiling llama-cpp-python from source needs.
`--browser` installs Debian's Chromium for the review page's browser tests when it is missing
(apt-get, as root or through `sudo -n`); where that cannot work it says what to do instead, and
setup goes on (the app runs without a browser; only the browser tests need one).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

MIN_PYTHON = (3, 11)
MIN_NODE = 20


def _version_of(command: list[str]) -> tuple[int, ...] | None:
    """The first dotted version number a command prints, or None when it cannot run."""
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out.stdout + out.stderr)
    return tuple(int(part) for part in match.groups() if part) if match else None


def python_problems() -> list[str]:
    """Python new enough, with venv and ensurepip (Debian splits them into python3-venv)."""
    if sys.version_info[:2] < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        return [f"Python >= 3.11 is required, {sys.executable} is {found}: install python3.11 "
                "(apt-get install python3.11 python3.11-venv), then "
                "`make setup PYTHON=python3.11`"]
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return [f"{sys.executable} cannot create virtual environments: "
                "apt-get install python3-venv"]
    return []


def node_problems() -> list[str]:
    """Node.js >= 20 and npm, for Azurite and the Cosmos DB server in node_modules."""
    problems = []
    version = _version_of(["node", "--version"]) if shutil.which("node") else None
    if version is None:
        problems.append("Node.js >= 20 is required (Azurite runs on it): "
                        "install it from your package manager or nodejs.org")
    elif version[0] < MIN_NODE:
        problems.append(f"Node.js >= 20 is required, found {'.'.join(map(str, version))}")
    if not shutil.which("npm"):
        problems.append("npm is required to install Azurite into node_modules "
                        "(apt-get install npm)")
    return problems


def build_problems() -> list[str]:
    """A C/C++ compiler and cmake: pip builds llama-cpp-python from source the first time."""
    problems = []
    if not (shutil.which("cc") or shutil.which("gcc")):
        problems.append("a C compiler is required to build llama-cpp-python "
                        "(apt-get install build-essential)")
    if not (shutil.which("c++") or shutil.which("g++")):
        problems.append("a C++ compiler is required to build llama-cpp-python "
                        "(apt-get install g++)")
    if not shutil.which("cmake"):
        problems.append("cmake is required to build llama-cpp-python (apt-get install cmake)")
    return problems


CHROMIUM_PACKAGE = "chromium"  # Debian's; Playwright's own browser builds are not used
APT_TIMEOUT = 1800


def chromium() -> str | None:
    """The Chromium the browser tests drive: `CHROMIUM`, else `chromium` on the PATH."""
    given = os.environ.get("CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _as_root(command: list[str]) -> list[str] | None:
    if os.geteuid() == 0:
        return command
    return ["sudo", "-n", *command] if shutil.which("sudo") else None


def install_chromium() -> str | None:
    """apt-get install chromium; None when it worked, else what the user should do."""
    advice = (f"the review page's browser tests need Chromium: install it (Debian/Ubuntu: "
              f"apt-get install {CHROMIUM_PACKAGE}) or set CHROMIUM to a Chromium binary")
    if not shutil.which("apt-get"):
        return f"{advice}; apt-get is not available here"
    update, install = _as_root(["apt-get", "update"]), _as_root(
        ["apt-get", "install", "-y", "--no-install-recommends", CHROMIUM_PACKAGE])
    if install is None:
        return f"{advice}; installing needs root (sudo apt-get install {CHROMIUM_PACKAGE})"
    print(f"make setup: installing {CHROMIUM_PACKAGE} with apt-get (browser tests)",
          file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (update, install):
            subprocess.run(command, check=True, timeout=APT_TIMEOUT, env=env,
                           stdout=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{advice}; `{' '.join(install)}` failed: {exc}"
    return None if chromium() else f"{advice}; apt-get installed no chromium binary"


def browser_warnings() -> list[str]:
    return [] if chromium() else [problem for problem in [install_chromium()] if problem]


def main(argv: list[str]) -> int:
    problems = python_problems() + node_problems()
    if "--build" in argv:
        problems += build_problems()
    for problem in problems:
        print(f"make setup: {problem}", file=sys.stderr)
    if "--browser" in argv:
        for warning in browser_warnings():
            print(f"make setup: warning: {warning}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
