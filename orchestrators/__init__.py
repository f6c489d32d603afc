"""Orchestrations: `process_call` (one recorded call, upload to stored record)."""

from orchestrators.process_call import bp

__all__ = ["bp"]
