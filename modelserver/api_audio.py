"""`POST /v1/audio/transcriptions` and the Azure deployment path: multipart as the SDK sends."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from modelserver.api_common import admit, read_body, services
from modelserver.errors import bad_request
from modelserver.formats import check_format, render
from modelserver.transcription import TranscribeOptions

GRANULARITIES = {"word", "segment"}
FORM_OVERHEAD = 64 * 1024  # multipart headers and small fields around the file


def _options(form: FormData) -> TranscribeOptions:
    raw_temperature = str(form.get("temperature") or "0")
    try:
        temperature = float(raw_temperature)
    except ValueError as exc:
        raise bad_request(f"Invalid temperature: {raw_temperature!r}", param="temperature") from exc
    if not 0 <= temperature <= 1:
        raise bad_request("temperature must be between 0 and 1", param="temperature")
    granularities = [*form.getlist("timestamp_granularities[]"),
                     *form.getlist("timestamp_granularities")]
    unknown = [g for g in granularities if g not in GRANULARITIES]
    if unknown:
        raise bad_request(f"Invalid timestamp granularity: {unknown[0]!r}",
                          param="timestamp_granularities")
    return TranscribeOptions(language=str(form.get("language") or "") or None,
                             prompt=str(form.get("prompt") or "") or None,
                             temperature=temperature, words="word" in granularities)


async def transcriptions(request: Request) -> Response:
    """Transcribe one uploaded file (any format PyAV decodes)."""
    svc = services(request)
    if "deployment" in request.path_params:  # Azure: throttle before reading the upload
        admit(request, None, "transcription")
    await read_body(request, svc.settings.max_audio_bytes)
    form = await request.form(max_part_size=FORM_OVERHEAD)
    if "deployment" not in request.path_params:
        admit(request, str(form.get("model") or ""), "transcription")
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise bad_request("you must provide a file parameter (multipart upload)", param="file")
    response_format = check_format(str(form.get("response_format") or "json"))
    options = _options(form)
    data = await upload.read()
    result = await run_in_threadpool(svc.whisper.transcribe, data, options)
    return render(result, response_format, words=options.words)
