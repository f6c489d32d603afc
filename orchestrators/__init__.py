"""Orchestrations: `process_call` (one recorded call, upload to stored record)."""

from orchestrators.process_call import ORCHESTRATOR, bp

__all__ = ["ORCHESTRATOR", "bp"]
