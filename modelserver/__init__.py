"""Local OpenAI-compatible model server: Whisper transcription and chat on bundled models.

Run with `python -m modelserver serve`; settings are described in `docs/modelserver.md`.
"""
