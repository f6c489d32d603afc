"""A whole local stack per test module: Azurite, the model server and the host on free ports,
with their data in a temporary folder, started with the module's settings and stopped after.

The host's file settings are the committed `local.settings.example.json`, not a developer's
`local.settings.json`, so a local edit never changes what the tests see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devhost.services import free_port
from stack.config import COMMITTED_SETTINGS, StackConfig
from stack.session import LocalStack

StackFactory = Callable[..., LocalStack]


@pytest.fixture(scope="module")
def make_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackFactory]:
    """Start a stack with the given app settings (and MODELSERVER_* settings); stop it after."""
    stacks: list[LocalStack] = []

    def make(app_env: dict[str, str] | None = None,
             model_env: dict[str, str] | None = None) -> LocalStack:
        cfg = StackConfig(data_dir=tmp_path_factory.mktemp("stack"), host_port=free_port(),
                          azurite_port=free_port(), model_port=free_port(),
                          app_env=app_env or {}, model_env=model_env or {},
                          settings_files=COMMITTED_SETTINGS)
        stack = LocalStack(cfg, log=lambda line: None).start()
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Recordings the tests speak with Piper, shared by every module of the session."""
    return tmp_path_factory.mktemp("e2e-audio")
