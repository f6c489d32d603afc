"""Import the app's `function_app.py` once and map its functions the way the extension does.

Orchestrators and activities are looked up by name case-insensitively (as `FunctionName` compares
in the extension); HTTP routes and blob triggers become small records the servers iterate over.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import azure.functions as func
from azure.functions.decorators.core import BindingDirection

from devhost import logs


class AppError(RuntimeError):
    """function_app.py is missing or does not define exactly one function app."""


@dataclass
class AppFunction:
    """One indexed function: what to call and which argument gets what."""

    name: str
    kind: str  # the trigger binding type, e.g. "httpTrigger"
    user_function: Callable[..., Any]
    trigger: Any
    client_arg: str | None = None
    out_args: list[str] = field(default_factory=list)

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.user_function)

    @property
    def wants_context(self) -> bool:
        params = inspect.signature(self.user_function).parameters
        return "context" in params and self.trigger.name != "context"


@dataclass
class AppIndex:
    """The indexed app; it is the engine's `FunctionLookup`."""

    functions: list[AppFunction]
    orchestrators: dict[str, AppFunction] = field(default_factory=dict)
    activities: dict[str, AppFunction] = field(default_factory=dict)
    http: list[AppFunction] = field(default_factory=list)
    blobs: list[AppFunction] = field(default_factory=list)
    timers: list[AppFunction] = field(default_factory=list)
    other: list[AppFunction] = field(default_factory=list)

    def orchestrator(self, name: str) -> tuple[str, Callable[[str], str]] | None:
        found = self.orchestrators.get(name.lower())
        return (found.name, found.user_function) if found else None

    def activity(self, name: str) -> str | None:
        found = self.activities.get(name.lower())
        return found.name if found else None

    def activity_names(self) -> list[str]:
        return [f.name for f in self.activities.values()]

    def function(self, name: str) -> AppFunction | None:
        """Any function by its function name (case-insensitive, as the host's admin API)."""
        return next((f for f in self.functions if f.name.lower() == name.lower()), None)


def _index_function(fn: Any) -> AppFunction:
    trigger = fn.get_trigger()
    client_arg = None
    outs: list[str] = []
    for binding in fn.get_bindings():
        if binding is trigger:
            continue
        if binding.get_binding_name() == "durableClient":
            client_arg = binding.name
        elif binding.direction == BindingDirection.OUT.value and binding.name != "$return":
            outs.append(binding.name)
    return AppFunction(fn.get_function_name(), trigger.get_binding_name(),
                       fn.get_user_function(), trigger, client_arg, outs)


def build_index(functions: list[Any]) -> AppIndex:
    index = AppIndex([_index_function(fn) for fn in functions])
    for entry in index.functions:
        if entry.kind == "orchestrationTrigger":
            name = entry.trigger.orchestration or entry.name
            index.orchestrators[name.lower()] = entry
            entry.name = name
        elif entry.kind == "activityTrigger":
            name = entry.trigger.activity or entry.name
            index.activities[name.lower()] = entry
            entry.name = name
        elif entry.kind == "httpTrigger":
            index.http.append(entry)
        elif entry.kind == "blobTrigger":
            index.blobs.append(entry)
        elif entry.kind == "timerTrigger":
            index.timers.append(entry)
        else:
            index.other.append(entry)
    return index


def load_app(app_dir: Path, script: str = "function_app.py") -> AppIndex:
    """Import the script (with its folder on sys.path) and index its single FunctionRegister."""
    path = app_dir.resolve() / script
    if not path.exists():
        raise AppError(f"{path} not found: point --app-dir at the folder holding {script}")
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    module_name = f"devhost_app_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        logs.LOGGER.exception("importing %s failed", path)
        raise AppError(f"importing {path} failed: {type(exc).__name__}: {exc}") from exc
    apps = [v for v in vars(module).values() if isinstance(v, func.FunctionRegister)]
    if len(apps) != 1:
        raise AppError(f"{path} must define exactly one function app, found {len(apps)}")
    return build_index(apps[0].get_functions())
