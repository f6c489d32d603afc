"""Human-readable output for the terminal: progress lines and record tables."""

from __future__ import annotations

from typing import Any

from stack.calls import Submitted, flagged_fields, progress_of

FIELD_WIDTH = 22
VALUE_WIDTH = 34
QUOTE_WIDTH = 60


def progress_line(sub: Submitted, status: dict) -> str:
    """`01_solar.wav [3f1c2a9b] Running: transcribing, chunks 1/2`."""
    stage, done, total = progress_of(status)
    text = f"{sub.blob} [{sub.call_id[:8]}] {status.get('status')}"
    if stage:
        text += f": {stage}"
    if total:
        text += f", chunks {done or 0}/{total}"
    return text


def show_value(value: Any) -> str:
    """Lists joined, budgets as amount and currency, null as a dash."""
    if value is None or value == [] or value == "":
        return "-"
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, dict):
        if "amount" in value:
            amount = value.get("amount")
            amount = f"{amount:,.0f}" if isinstance(amount, int | float) else amount
            return f"{amount} {value.get('currency') or ''}".strip()
        return ", ".join(f"{k}={show_value(v)}" for k, v in value.items())
    return str(value)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def field_rows(fields: dict[str, Any], flagged: set[str]) -> list[str]:
    """One line per field: name, value, confidence, quote with its times; `!` marks review."""
    rows = [f"    {'field':<{FIELD_WIDTH}} {'value':<{VALUE_WIDTH}} {'conf':>5}  evidence"]
    for name, item in fields.items():
        item = item or {}
        conf = item.get("confidence")
        evidence = item.get("evidence") or {}
        quote = ""
        if evidence.get("quote"):
            quote = f"\"{_cut(evidence['quote'], QUOTE_WIDTH)}\""
            if evidence.get("start") is not None:
                quote += f" @{float(evidence['start']):.1f}s"
        mark = "!" if name in flagged else " "
        conf_text = f"{conf:.2f}" if isinstance(conf, int | float) else "-"
        rows.append(f"  {mark} {name:<{FIELD_WIDTH}} "
                    f"{_cut(show_value(item.get('value')), VALUE_WIDTH):<{VALUE_WIDTH}} "
                    f"{conf_text:>5}  {quote}")
    return rows


def _correction(name: str, item: dict | None) -> str:
    """`city=Boise`, `customer_name='<value>'`: a flagged field as a `SET` word to edit."""
    raw = (item or {}).get("value")
    text = "<value>" if raw in (None, [], "") else show_value(raw)
    return f"{name}='{text}'" if " " in text or "<" in text else f"{name}={text}"


def approve_hint(call_id: str, flagged: dict[str, Any]) -> list[str]:
    """The commands that settle a call awaiting approval."""
    example = " ".join(_correction(name, item) for name, item in flagged.items())
    return [f"    approve as is:        make approve CALL={call_id}",
            f'    approve, corrected:   make approve CALL={call_id} SET="{example}"',
            f"    reject:               make reject CALL={call_id}"]


def call_report(sub: Submitted, status: dict) -> str:
    """A block per call: header, then the fields (stored record, or flagged fields if waiting)."""
    record = status.get("record") or {}
    flagged = flagged_fields(status)
    outcome = (record.get("review") or {}).get("outcome")
    head = f"{sub.file}  call {sub.call_id}  {status.get('status')}"
    if outcome:
        head += f" ({outcome})"
    duration = (record.get("metadata") or {}).get("duration")
    if isinstance(duration, int | float):
        head += f"  {duration / 60:.1f} min" if duration >= 120 else f"  {duration:.0f} s"
    lines = [head]
    fields = record.get("extraction") or status.get("extraction") or flagged
    if fields:
        lines += field_rows(fields, set(flagged) if status.get("status") == "AwaitingApproval"
                            else set())
    review = record.get("review") or {}
    for change in review.get("changes") or []:
        lines.append(f"    changed by {change.get('by') or review.get('reviewer')}: "
                     f"{change['field']}: {show_value(change.get('before'))} -> "
                     f"{show_value(change.get('after'))}")
    error = status.get("error") or record.get("error")
    if error:
        lines.append(f"    error: {error}")
    if status.get("status") == "AwaitingApproval":
        deadline = status.get("deadline") or (status.get("custom_status") or {}).get("deadline")
        lines.append("    awaiting approval (! = below the confidence threshold)"
                     + (f", until {deadline}" if deadline else ""))
        lines += approve_hint(sub.call_id, flagged)
    return "\n".join(lines)
