"""Stage 3 (fan-in): the chunk transcripts become one call transcript blob.

The merged blob is `Transcript.model_dump_json()` at `{call_id}/transcript.json` in the
`transcripts` container; extraction reads it from there. Re-running overwrites it with the same
content, so the stage is idempotent. With `REDACT_PII` on, PII is masked in it
(`callinsights.redaction`) before it is written, also where a number crosses a chunk's cut.
"""

from __future__ import annotations

from collections import defaultdict

from callinsights.blobs import BlobStore
from callinsights.channels import CHANNEL_NAMES
from callinsights.merge import ChunkTranscript, interleave, merge_chunks
from callinsights.redaction import redact_transcript
from callinsights.role_certainty import UNLABELLED, from_decision
from callinsights.roles import decide_agent_channel, roles_of
from callinsights.settings import Settings
from callinsights.stages.transcribe_chunk import chunk_transcript_name
from callinsights.transcript import Transcript


def transcript_name(call_id: str) -> str:
    return f"{call_id}/transcript.json"


def merge_transcript(store: BlobStore, settings: Settings, input: dict) -> dict:
    """`{"call_id", "chunks": [{"index", ...}], "duration"?}` -> `{"blob", "duration", ...}`.

    `chunks` may be split_audio's chunk list or transcribe_chunk's outputs: only `index` is
    read (and `channel`, for the chunks of a stereo call's channels); each chunk's position in
    the call comes from its stored chunk transcript. A stereo call's channels are merged apart,
    the agent's channel is chosen (`AGENT_CHANNEL`, `roles`), and their sentences interleaved
    with `speaker` on every segment and word; the output then says `agent_channel` and why.
    The blob's `roles` says where the labels come from and how sure they are
    (`callinsights.role_certainty`); the output's shape is unchanged (enrich reads `roles`
    from the blob), so the orchestration's history and replay are as in version 2.1.
    """
    call_id = input["call_id"]
    duration = input.get("duration")
    by_channel: dict[str | None, list[ChunkTranscript]] = defaultdict(list)
    for index, channel in sorted({(int(c["index"]), c.get("channel")) for c in input["chunks"]}):
        doc = store.read_json(settings.transcripts_container,
                              chunk_transcript_name(call_id, index, channel))
        by_channel[channel or doc.get("channel")].append(ChunkTranscript(
            start=doc["start"], end=doc["end"],
            transcript=Transcript.model_validate(doc["transcript"])))
    roles: dict = {}
    if set(by_channel) == set(CHANNEL_NAMES):
        sides = {name: merge_chunks(by_channel[name], call_id=call_id, duration=duration)
                 for name in CHANNEL_NAMES}
        agent, why = decide_agent_channel({n: t.segments for n, t in sides.items()},
                                          settings.agent_channel)
        speakers = roles_of(agent)
        order = sorted(CHANNEL_NAMES, key=lambda n: n != agent)  # the agent first on a tie
        merged = interleave([(speakers[n], sides[n]) for n in order], call_id=call_id,
                            duration=duration).model_copy(update={"roles": from_decision(why)})
        roles = {"agent_channel": agent, "roles_rule": why}
    else:  # mono (a stereo call missing a channel's chunks would be a bug: merged as mono)
        merged = merge_chunks([p for pieces in by_channel.values() for p in pieces],
                              call_id=call_id, duration=duration
                              ).model_copy(update={"roles": UNLABELLED})
    if settings.redact_pii:  # again on the whole timeline: a number may cross a chunk's cut
        merged = redact_transcript(merged)
    name = transcript_name(call_id)
    store.write_bytes(settings.transcripts_container, name,
                      merged.model_dump_json().encode("utf-8"), content_type="application/json")
    return {"blob": name, "duration": merged.duration, "language": merged.language,
            "words": len(merged.text.split()), "segments": len(merged.segments), **roles}
