"""Orchestrations: `process_call` (one recorded call, upload to stored record) and, in
`orchestrators.reextract_call`, `reextract_call` (a stored call extracted again)."""

from orchestrators.process_call import ORCHESTRATOR, bp

__all__ = ["ORCHESTRATOR", "bp"]
