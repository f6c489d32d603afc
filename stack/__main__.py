"""`python -m stack demo|up|down|status|review|process|list|approve|reject|delete|reextract|
reprocess` (what `make` runs)."""

from __future__ import annotations

import argparse
import os
import sys

from devhost.services import ServiceError
from stack import commands
from stack.config import StackConfig

SEARCH_OPTIONS = {"customer": "a part of the customer's name", "city": "the city",
                  "product": "a product or a word of it", "from": "call date YYYY-MM-DD from",
                  "to": "call date YYYY-MM-DD to"}


def search_of(args: argparse.Namespace) -> dict[str, str]:
    """The `list` options as `GET /api/calls` parameters."""
    search = {name: getattr(args, name) for name in SEARCH_OPTIONS}
    return {**search, "flagged": "true" if args.flagged else ""}


def batch_of(args: argparse.Namespace) -> dict[str, str]:
    """The `reextract` range options as the `POST /api/reextractions` body."""
    body = {"from": getattr(args, "from"), "to": args.to, "status": args.status}
    return {name: value for name, value in body.items() if value}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="start the stack, process samples/, show the records, stop")
    sub.add_parser("up", help="start Azurite, the model server and the host in the background")
    sub.add_parser("down", help="stop what `up` started")
    sub.add_parser("status", help="which pieces are listening")
    sub.add_parser("review", help="start the stack if needed, print the review page's URL")
    proc = sub.add_parser("process", help="upload recordings, print one JSON line per call")
    proc.add_argument("files", nargs="+")
    lst = sub.add_parser("list", help="calls with a status (default: awaiting approval)")
    lst.add_argument("--status", default="AwaitingApproval", help="'' for all calls")
    for name, what in SEARCH_OPTIONS.items():
        lst.add_argument(f"--{name}", default="", help=what)
    lst.add_argument("--flagged", action="store_true", help="only calls with a flagged field")
    for decision in ("approve", "reject"):
        cmd = sub.add_parser(decision, help=f"{decision} a call awaiting approval")
        cmd.add_argument("call_id")
        cmd.add_argument("--reviewer", default="")
        if decision == "approve":
            cmd.add_argument("corrections", nargs="*", metavar="FIELD=VALUE")
    delete = sub.add_parser("delete", help="delete a call everywhere (recording, transcripts, "
                                           "record, history)")
    delete.add_argument("call_id")
    delete.add_argument("--force", action="store_true",
                        help="terminate it first if it is running or awaiting approval")
    again = sub.add_parser("reextract", help="extract a stored call (or every stored call of a "
                                             "date range) again from its transcript")
    again.add_argument("call_id", nargs="?")
    again.add_argument("--from", default="", help="every stored call from this date, YYYY-MM-DD")
    again.add_argument("--to", default="", help="... to this date, YYYY-MM-DD")
    again.add_argument("--status", default="", help="Completed or Rejected (default: both)")
    redo = sub.add_parser("reprocess", help="run a call's whole pipeline again from its recording")
    redo.add_argument("call_id")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "reextract" and not (args.call_id or batch_of(args)):
        parser().error("reextract: give a call id, or a date range (--from / --to)")
    cfg = StackConfig.from_env(os.environ)
    actions = {
        "demo": lambda: commands.demo(cfg),
        "up": lambda: commands.up(cfg),
        "down": lambda: commands.down(cfg),
        "status": lambda: commands.status(cfg),
        "review": lambda: commands.review(cfg),
        "process": lambda: commands.process(cfg, args.files),
        "list": lambda: commands.list_calls(cfg, args.status, search_of(args)),
        "approve": lambda: commands.decide(cfg, args.call_id, "approve", args.reviewer,
                                           args.corrections),
        "reject": lambda: commands.decide(cfg, args.call_id, "reject", args.reviewer, []),
        "delete": lambda: commands.delete(cfg, args.call_id, args.force),
        "reextract": lambda: (commands.again(cfg, args.call_id, "reextract") if args.call_id
                              else commands.reextract_range(cfg, batch_of(args))),
        "reprocess": lambda: commands.again(cfg, args.call_id, "reprocess"),
    }
    try:
        return actions[args.command]()
    except (ServiceError, TimeoutError) as exc:
        print(f"stack {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
