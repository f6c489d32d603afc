"""What Azure installs is enough: a fresh venv from `requirements.txt` alone runs the app.

The venv is built once per requirements hash under `.data/deploy-venv/` (pip may use the package
registry). In a copy of exactly what `.funcignore` lets the deployment ship, it imports
`function_app` (indexing it as the worker does) and every module of the app's packages, the
lazily imported stage, repository and extraction modules included; then it runs the app's pure
unit tests there, with none of the local stack installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deployable import ROOT, copy_package, deployed_files

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

VENV_ROOT = ROOT / ".data" / "deploy-venv"
REQUIREMENTS = ROOT / "requirements.txt"
APP_PACKAGES = ("activities", "api", "orchestrators", "callinsights")
LOCAL_ONLY = {"tests", "devhost", "modelserver", "stack", "bench", "samples", "infra", "docs",
              ".venv", "node_modules", ".data", ".ci"}
# Unit tests of the app that need nothing but the app's own requirements (no Azurite, Cosmos
# server, model server, Piper or llama): run in the requirements-only venv.
PURE_TESTS = ["test_orchestrator.py", "test_status.py", "test_settings.py", "test_records.py",
              "test_review.py", "test_merge.py", "test_api.py", "test_transcription_parse.py",
              "test_transcription_client.py", "test_verifiers.py", "test_extraction.py",
              "test_calibration.py", "test_money_times.py", "test_extraction_prompt.py",
              "test_matching.py", "test_speakers.py"]


def pytest_pin() -> str:
    """The pytest the project pins for itself (requirements-local.txt), for the same run."""
    text = (ROOT / "requirements-local.txt").read_text()
    return re.search(r"^pytest==\S+", text, re.MULTILINE).group(0)


def venv_key() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(f"{pytest_pin()} {sys.version_info[:2]}".encode())
    return digest.hexdigest()[:16]


def run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def deploy_python() -> Path:
    """The venv's python, built from requirements.txt (+ pytest) unless this hash has one."""
    target = VENV_ROOT / venv_key()
    python = target / "bin" / "python"
    if (target / ".complete").exists():
        return python
    shutil.rmtree(target, ignore_errors=True)
    made = run([sys.executable, "-m", "venv", target])
    assert made.returncode == 0, made.stderr
    pip = run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q",
               "-r", REQUIREMENTS, pytest_pin()])
    assert pip.returncode == 0, f"pip install -r requirements.txt failed:\n{pip.stderr[-4000:]}"
    (target / ".complete").touch()
    for old in VENV_ROOT.iterdir():  # one venv per current requirements is enough
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return python


def test_the_package_holds_the_app_and_none_of_the_local_stack():
    files = deployed_files()
    top = {f.parts[0] for f in files}
    assert {"function_app.py", "host.json", "requirements.txt", *APP_PACKAGES} <= top
    assert not top & LOCAL_ONLY, f"deployed but local-only: {sorted(top & LOCAL_ONLY)}"
    assert not [f for f in files if f.suffix == ".pyc" or "__pycache__" in f.parts]
    assert "local.settings.json" not in top


def test_every_app_module_imports_with_requirements_alone(deploy_python, tmp_path):
    package = tmp_path / "package"
    files = copy_package(package)
    done = run([deploy_python, "-I", ROOT / "tests" / "deploy_imports.py"], cwd=package)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["failures"] == {}, json.dumps(report["failures"], indent=2)
    modules = {".".join(f.with_suffix("").parts).removesuffix(".__init__") for f in files
               if f.suffix == ".py" and f.parts[0] in APP_PACKAGES}
    assert modules <= set(report["imported"]), sorted(modules - set(report["imported"]))
    assert {"process_call", "start_process_call", "get_call", "purge_history"} <= set(
        report["functions"])


def test_the_apps_pure_unit_tests_pass_with_requirements_alone(deploy_python):
    tests = [ROOT / "tests" / name for name in PURE_TESTS]
    done = run([deploy_python, "-m", "pytest", "-q", "--noconftest", "-p", "no:cacheprovider",
                "-o", "addopts=", *tests], cwd=ROOT)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
