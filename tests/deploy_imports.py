"""Run inside the requirements-only venv, in a copy of the deployment package (cwd).

Imports `function_app` and indexes it as the Functions worker does (`get_functions()`), then
every module of the app's packages, including the ones activities import lazily. Prints one
JSON object: the modules imported and, per module, the error if its import failed.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys

PACKAGES = ("activities", "api", "orchestrators", "callinsights")


def main() -> int:
    sys.path.insert(0, ".")
    failures: dict[str, str] = {}
    imported: list[str] = []
    try:
        app = importlib.import_module("function_app").app
        imported.append("function_app")
        functions = [f.get_function_name() for f in app.get_functions()]
    except Exception as exc:  # reported, not raised: the test prints every failure at once
        failures["function_app"] = f"{type(exc).__name__}: {exc}"
        functions = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        imported.append(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            try:
                importlib.import_module(module.name)
                imported.append(module.name)
            except Exception as exc:
                failures[module.name] = f"{type(exc).__name__}: {exc}"
    print(json.dumps({"imported": imported, "failures": failures, "functions": functions}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
