"""The pipeline's activity logic, one stage per module, free of Azure Functions.

Each stage takes a `BlobStore`, the `Settings` (and a model client where it needs one) and the
activity's small JSON input, and returns the activity's small JSON output (see
docs/architecture.md). The `activities/` wrappers only build those arguments and call these.
"""

from callinsights.stages.merge_transcript import merge_transcript
from callinsights.stages.split_audio import split_audio
from callinsights.stages.transcribe_chunk import transcribe_chunk

__all__ = ["merge_transcript", "split_audio", "transcribe_chunk"]
