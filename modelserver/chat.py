"""Placeholder until the chat engine lands."""

from __future__ import annotations


class ChatService:
    def __init__(self, settings, budget) -> None:
        self.loaded = False
