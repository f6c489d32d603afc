"""What the review page plays and reads of one call: its recording and its merged transcript.

- `GET /api/calls/{call_id}/audio`: the uploaded recording, read from its blob. An audio element
  asks with `Range: bytes=...` and seeks by asking for other ranges, so a range is answered
  206 with `Content-Range` (at most `MAX_RANGE_BYTES` at a time: the Python worker holds a
  response whole in memory, so a long recording is never read whole for one request; browsers
  ask for the rest). Without a Range header the whole recording is sent (200).
- `GET /api/calls/{call_id}/transcript`: the merged transcript's segments with their times,
  words and speakers (when the roles are known), without the recogniser's scores, and `roles`
  (where the labels come from and how sure they are; null for a transcript merged before).
Both are customer data: behind `api.auth.DATA`, like every data route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.calls import bad_call_id, problem, respond, stored_record
from callinsights import status
from callinsights.settings import Settings

bp = df.Blueprint()

MAX_RANGE_BYTES = 1 << 20  # 1 MiB per partial response
AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
               ".mp4": "audio/mp4", ".aac": "audio/aac", ".ogg": "audio/ogg",
               ".opus": "audio/ogg", ".oga": "audio/ogg", ".flac": "audio/flac",
               ".webm": "audio/webm"}
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
TIME_DIGITS = 2  # centiseconds are plenty to seek and highlight


class Unsatisfiable(ValueError):
    """The range starts past the end of the recording (HTTP 416)."""


@dataclass(frozen=True)
class ByteRange:
    """Bytes `start`..`end` of a blob, both inclusive, as HTTP counts them."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def requested_range(header: str | None, size: int, cap: int = MAX_RANGE_BYTES
                    ) -> ByteRange | None:
    """The part of a `size`-byte blob to send for a Range header; None: send it whole.

    One range only (`bytes=a-b`, `bytes=a-`, `bytes=-n`); anything else is ignored, as
    RFC 9110 allows. The answer is cut to `cap` bytes from its start.
    """
    found = _RANGE.match(header or "")
    if not found or not any(found.groups()):
        return None
    first, last = found.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None  # invalid: ignored
    else:  # a suffix: the last n bytes
        start, end = max(0, size - int(last)), size - 1
        if int(last) == 0:
            raise Unsatisfiable("an empty suffix range")
    if start >= size:
        raise Unsatisfiable(f"the recording has {size} bytes")
    return ByteRange(start, min(end, start + cap - 1))


def audio_type(blob_name: str, stored_type: str | None) -> str:
    """The blob's own content type when it is audio, else one from the file name's suffix."""
    if stored_type and stored_type.split(";")[0].strip().startswith("audio/"):
        return stored_type
    return AUDIO_TYPES.get(PurePosixPath(blob_name).suffix.lower(), "application/octet-stream")


async def recording_of(client: df.DurableOrchestrationClient, call_id: str,
                       settings: Settings) -> tuple[str, str] | None:
    """(container, blob name) of the call's recording: the run's input, else its record's."""
    found = await client.get_status(call_id, show_input=True)
    source = status.run_input(found.to_json()) if found else {}
    if not source.get("blob_name"):
        source = (stored_record(call_id) or {}).get("metadata") or {}
    if not source.get("blob_name"):
        return None
    return source.get("container") or settings.calls_container, source["blob_name"]


def _blob_store(settings: Settings):
    from callinsights.blobs import BlobStore

    return BlobStore(settings.storage_connection)


@bp.route(route="calls/{call_id}/audio", methods=["GET"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def get_call_audio(req: func.HttpRequest, client: df.DurableOrchestrationClient
                         ) -> func.HttpResponse:
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused
    from callinsights.blobs import BlobNotFound

    call_id = req.route_params["call_id"]
    settings = Settings.from_env()
    where = await recording_of(client, call_id, settings)
    if where is None:
        return problem(404, f"no recording known for call {call_id}")
    store = _blob_store(settings)
    try:
        props = store.properties(*where)
    except BlobNotFound:
        return problem(404, f"the recording of call {call_id} is no longer in storage")
    size = int(props["size"])
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600",
               "ETag": str(props.get("etag") or "")}
    mimetype = audio_type(where[1], props.get("content_type"))
    try:
        part = requested_range(req.headers.get("range"), size)
    except Unsatisfiable as exc:
        return func.HttpResponse(str(exc), status_code=416, mimetype="text/plain",
                                 headers={**headers, "Content-Range": f"bytes */{size}"})
    if part is None:
        return func.HttpResponse(store.read_bytes(*where), status_code=200, mimetype=mimetype,
                                 headers=headers)
    body = store.read_range(*where, part.start, part.length)
    return func.HttpResponse(body, status_code=206, mimetype=mimetype,
                             headers={**headers, "Content-Range": part.content_range(size)})


def transcript_view(doc: dict) -> dict:
    """The merged transcript as the page shows it: times, text, words, speakers; no scores."""
    from callinsights.transcript import Transcript

    transcript = Transcript.model_validate(doc)

    def t(seconds: float) -> float:
        return round(seconds, TIME_DIGITS)

    return {"call_id": transcript.call_id, "language": transcript.language,
            "duration": t(transcript.duration),
            "roles": transcript.roles.model_dump() if transcript.roles else None,
            "segments": [{"start": t(s.start), "end": t(s.end), "text": s.text.strip(),
                          "speaker": s.speaker,
                          "words": [{"start": t(w.start), "end": t(w.end), "word": w.word,
                                     "speaker": w.speaker} for w in s.words]}
                         for s in transcript.segments]}


@bp.route(route="calls/{call_id}/transcript", methods=["GET"], auth_level=DATA.auth_level)
def get_call_transcript(req: func.HttpRequest) -> func.HttpResponse:
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused
    from callinsights.blobs import BlobNotFound
    from callinsights.stages.merge_transcript import transcript_name

    call_id = req.route_params["call_id"]
    settings = Settings.from_env()
    try:
        doc = _blob_store(settings).read_json(settings.transcripts_container,
                                              transcript_name(call_id))
    except BlobNotFound:
        return problem(404, f"call {call_id} has no transcript (yet)")
    return respond(200, transcript_view(doc))
