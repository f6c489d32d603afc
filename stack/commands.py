"""What each `python -m stack` subcommand does; `__main__` only parses arguments.

Machine-readable output (the `process` JSON lines) goes to stdout; progress, logs and advice to
stderr, so `make process ... > out.jsonl` captures only the records.
"""

from __future__ import annotations

import functools
import getpass
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from devhost import services
from devhost.keys import read_stored_keys
from stack import processes, render
from stack.api import TERMINAL, CallsApi
from stack.calls import Submitted, output_line
from stack.config import PROJECT_ROOT, StackConfig
from stack.session import LocalStack

err = functools.partial(print, file=sys.stderr, flush=True)
AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".ogg", ".flac", ".webm"}
SAMPLES_DIR = PROJECT_ROOT / "samples"
PROCESS_TIMEOUT = 4 * 3600.0


def api_for(cfg: StackConfig) -> CallsApi:
    return CallsApi(cfg.host_url, cfg.function_key, system_key=cfg.system_key)


def up(cfg: StackConfig) -> int:
    started = processes.start(cfg, log=err)
    print(f"local host:   {cfg.host_url}/api/calls/{{call_id}}")
    print(f"azurite blob: http://127.0.0.1:{cfg.azurite_port}/devstoreaccount1 "
          f"(upload recordings to the '{cfg.calls_container}' container)")
    print(f"model server: {cfg.model_url}")
    print(f"logs:         {cfg.log_dir}/")
    print(f"records:      {cfg.data_dir / 'records.sqlite'}")
    if started:
        print("started " + ", ".join(p.name for p in started) + "; `make down` stops them")
    return 0


def review_url(cfg: StackConfig) -> str:
    """The review page with the function key in the URL's fragment (no server ever sees it;
    the page moves it into the tab's session storage and out of the address bar)."""
    key = cfg.function_key or read_stored_keys(cfg.data_dir).get("function", "")
    return f"{cfg.host_url}/api/review#key={urllib.parse.quote(key, safe='')}"


def review(cfg: StackConfig) -> int:
    """Start what is not running (in the background, as `up`), then print the page's URL."""
    started = processes.start(cfg, log=err)
    if started:
        err("started " + ", ".join(p.name for p in started) + "; `make down` stops them")
    print(f"review page: {review_url(cfg)}")
    return 0


def down(cfg: StackConfig) -> int:
    stopped = processes.stop_recorded(cfg)
    err("stopped " + ", ".join(stopped) if stopped else "nothing started by `make up` is running")
    return 0


def status(cfg: StackConfig) -> int:
    pids = processes.recorded_pids(cfg)
    ports = {"azurite": cfg.azurite_port, "modelserver": cfg.model_port, "devhost": cfg.host_port}
    for name, port in ports.items():
        state = "listening" if services.port_open(port) else "down"
        owner = f" (pid {pids[name]}, started by make up)" if name in pids else ""
        print(f"{name:<12} 127.0.0.1:{port:<6} {state}{owner}")
    print(f"logs: {cfg.log_dir}/")
    return 0 if services.port_open(cfg.host_port) else 1


def _submit_and_wait(stack: LocalStack, files: list[Path]) -> list[tuple[Submitted, dict]]:
    """Upload the files and follow them to a settled status, with progress on stderr."""
    subs = [stack.submit(path) for path in files]
    for sub in subs:
        err(f"uploaded {sub.file} as {stack.cfg.calls_container}/{sub.blob} "
            f"(call {sub.call_id})")
    settled = stack.follow(subs, timeout=PROCESS_TIMEOUT,
                           on_change=lambda s, b: err(render.progress_line(s, b)))
    return [(sub, settled[sub.call_id]) for sub in subs]


def _existing(files: list[str]) -> list[Path]:
    paths = [Path(f) for f in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"not a file: {', '.join(missing)}")
    return paths


def process(cfg: StackConfig, files: list[str]) -> int:
    paths = _existing(files)
    with LocalStack(cfg, log=err) as stack:
        for sub, state in _submit_and_wait(stack, paths):
            print(json.dumps(output_line(sub, state), ensure_ascii=False), flush=True)
    return 0


def demo(cfg: StackConfig) -> int:
    here = Path.cwd()
    files = sorted(p.relative_to(here) if p.is_relative_to(here) else p
                   for p in SAMPLES_DIR.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    err(f"demo: {len(files)} recordings from {SAMPLES_DIR.relative_to(PROJECT_ROOT)}/; the long "
        "one takes a few minutes on 2 cores")
    with LocalStack(cfg, log=err) as stack:
        temporary = bool(stack.started)
        results = _submit_and_wait(stack, files)
    print()
    for sub, state in results:
        print(render.call_report(sub, state) + "\n")
    waiting = [sub for sub, state in results if state.get("status") == "AwaitingApproval"]
    if waiting and temporary:
        print(f"{len(waiting)} call(s) await approval. The demo stopped the stack it started: "
              "`make up` resumes them, then run the commands above (or see README: Review).")
    return 0


def list_calls(cfg: StackConfig, status_filter: str, search: dict[str, str]) -> int:
    """One JSON line per call with that status and search (`GET /api/calls` parameters)."""
    if not services.port_open(cfg.host_port):
        raise SystemExit(f"no local host on {cfg.host_url}: run `make up` first")
    for call in api_for(cfg).list(status_filter or None, **search):
        print(json.dumps(call, ensure_ascii=False))
    return 0


def parse_corrections(pairs: list[str]) -> dict[str, Any]:
    """`field=value` words; a value that parses as JSON (numbers, lists, null) is taken as JSON."""
    corrections: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"correction {pair!r} is not FIELD=VALUE")
        try:
            corrections[name] = json.loads(raw)
        except ValueError:
            corrections[name] = raw
    return corrections


def decide(cfg: StackConfig, call_id: str, decision: str, reviewer: str,
           pairs: list[str]) -> int:
    """Approve or reject, then follow the call to its stored record and show it."""
    corrections = parse_corrections(pairs)
    reviewer = reviewer or getpass.getuser()
    with LocalStack(cfg, log=err) as stack:
        resp = stack.api.decide(call_id, decision, reviewer=reviewer, corrections=corrections)
        if resp.status != 202:
            err(f"{decision}: HTTP {resp.status}: {json.dumps(resp.body)}")
            return 1
        err(f"{decision}: accepted (HTTP 202), waiting for the stored record")
        sub = Submitted(call_id, call_id, call_id)
        state = stack.follow([sub], settled=TERMINAL, timeout=900)[call_id]
    blob = ((state.get("record") or {}).get("metadata") or {}).get("blob_name") or call_id
    print(render.call_report(Submitted(blob, call_id, blob), state))
    return 0


def delete(cfg: StackConfig, call_id: str, force: bool) -> int:
    """Delete a call everywhere; prints what was removed (counts) as one JSON line."""
    with LocalStack(cfg, log=err) as stack:
        resp = stack.api.delete(call_id, force=force)
    if resp.status != 200:
        hint = " (add --force, or FORCE=1 with make)" if resp.status == 409 else ""
        err(f"delete: HTTP {resp.status}: {json.dumps(resp.body)}{hint}")
        return 1
    print(json.dumps(resp.body, ensure_ascii=False))
    return 0


def reextract_range(cfg: StackConfig, body: dict[str, Any]) -> int:
    """Extract every stored call of a date range again: one JSON line per started or skipped
    call, the progress after each page on stderr. The re-extractions then run on their own."""
    if not services.port_open(cfg.host_port):
        raise SystemExit(f"no local host on {cfg.host_url}: run `make up` first")
    for page in api_for(cfg).reextract_range(**body):
        for started in page["started"]:
            print(json.dumps({"started": started}))
        for skipped in page["skipped"]:
            print(json.dumps({"skipped": skipped}))
        done = page["progress"]
        err(f"reextract: {done['seen']}/{done['total']} calls seen, {done['started']} started, "
            f"{done['skipped']} skipped")
    return 0


def again(cfg: StackConfig, call_id: str, how: str) -> int:
    """`reextract` or `reprocess` a stored call, follow it until it is stored or awaits
    approval, show it."""
    with LocalStack(cfg, log=err) as stack:
        resp = getattr(stack.api, how)(call_id)
        if resp.status != 202:
            err(f"{how}: HTTP {resp.status}: {json.dumps(resp.body)}")
            return 1
        err(f"{how}: started {resp.body.get('extraction_id', call_id)} (HTTP 202), waiting")
        sub = Submitted(call_id, call_id, call_id)
        state = stack.follow([sub], timeout=900)[call_id]
    blob = state.get("file") or call_id
    print(render.call_report(Submitted(blob, call_id, blob), state))
    return 0
