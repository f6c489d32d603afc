"""Two-channel calls through the split, transcribe and merge stages against real Azurite.

The split and the merge need no model (the merge is fed chunk transcripts written as
transcribe_chunk writes them); the test marked `models` sends each channel to the local
Whisper and checks the speakers of the merged transcript.
"""

from __future__ import annotations

import dataclasses

import pytest

from callinsights.ai import openai_client
from callinsights.role_certainty import SURE_CERTAINTY, UNLABELLED, certainty_of, margin_of
from callinsights.settings import Settings
from callinsights.stages import merge_transcript, split_audio, transcribe_chunk
from callinsights.stages.transcribe_chunk import chunk_transcript_name
from callinsights.transcript import Transcript
from tests.matching import heard
from tests.speech import render_call
from tests.stereo_calls import AGENT_NAME, SOLAR_TURNS
from tests.test_blob_stages import _merged, _small, _upload
from tests.text_calls import segment


@pytest.fixture(scope="module")
def renderings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The solar call: agent on the right, the same call on both channels, and mixed."""
    folder = tmp_path_factory.mktemp("stereo")
    return {
        "apart": render_call(SOLAR_TURNS, folder / "apart.wav", apart=True,
                             agent_channel=1).read_bytes(),
        "twice": render_call(SOLAR_TURNS, folder / "twice.wav", mixed=True,
                             channels=2).read_bytes(),
        "mono": render_call(SOLAR_TURNS, folder / "mono.wav", mixed=True).read_bytes(),
    }


def test_stereo_split_keeps_the_channels_apart(store, settings, renderings):
    job = _upload(store, settings, renderings["apart"], "stereo.wav")
    split = _small(split_audio(store, settings, job))
    assert split["audio"]["layout"] == "stereo" and split["audio"]["channels"] == 2
    assert abs(split["audio"]["channel_correlation"]) < 0.2
    chunks = split["chunks"]
    assert [(c["index"], c["channel"]) for c in chunks] == [(0, "left"), (1, "right")]
    for chunk in chunks:
        assert chunk["blob"] == f"{job['call_id']}/{chunk['channel']}-{chunk['index']:04d}.flac"
        props = store.properties(settings.chunks_container, chunk["blob"])
        assert props["metadata"] == {"channel": chunk["channel"]}
        assert chunk["speech_seconds"] > 5
    assert split_audio(store, settings, job) == split  # the manifest answers a re-run


@pytest.mark.parametrize("name", ["twice", "mono"])
def test_one_signal_twice_or_one_channel_takes_the_mono_path(store, settings, renderings, name):
    job = _upload(store, settings, renderings[name], f"{name}.wav")
    split = split_audio(store, settings, job)
    assert split["audio"]["layout"] == "mono"
    [chunk] = split["chunks"]
    assert "channel" not in chunk and chunk["blob"] == f"{job['call_id']}/0000.flac"


def _write_chunk(store, settings, call_id, index, channel, turns):
    doc = {"call_id": call_id, "index": index, "chunk_blob": "x", "start": 0.0, "end": 20.0,
           "model": "m", "channel": channel, "dropped": [],
           "transcript": Transcript(language="en", duration=20.0, segments=[
               segment(t, text) for t, text in turns]).model_dump(mode="json")}
    store.write_json(settings.transcripts_container,
                     chunk_transcript_name(call_id, index, channel), doc)
    return {"index": index, "channel": channel}


@pytest.mark.parametrize("agent_channel, agent", [("auto", "right"), ("left", "left")])
def test_merge_interleaves_the_channels_with_speakers(store, settings, agent_channel, agent):
    call_id = f"merge-{agent_channel}"
    chunks = [
        _write_chunk(store, settings, call_id, 0, "left",
                     [(3.0, "Hi Megan, my name is Dan Okafor."), (9.0, "In Tucson.")]),
        _write_chunk(store, settings, call_id, 1, "right",
                     [(0.0, "Thanks for calling Bright Harbor Solar, this is Megan."),
                      (6.0, "Where is the house?")]),
    ]
    config = dataclasses.replace(settings, agent_channel=agent_channel)
    out = _small(merge_transcript(store, config, {"call_id": call_id, "chunks": chunks,
                                                  "duration": 20.0}))
    assert out["agent_channel"] == agent
    assert out["roles_rule"]["rule"] == ("auto" if agent_channel == "auto" else "setting")
    transcript = _merged(store, config, out)
    texts = [s.text.strip()[:5] for s in transcript.segments]
    assert texts == ["Thank", "Hi Me", "Where", "In Tu"]
    right = "agent" if agent == "right" else "customer"
    assert transcript.segments[0].speaker == right
    assert all(w.speaker == s.speaker for s in transcript.segments for w in s.words)
    roles = transcript.roles
    if agent_channel == "auto":  # 7 points to 1 ("Hi Megan" is the person greeted): sure
        assert (roles.source, roles.rule) == ("channels-auto", "auto")
        assert roles.margin == margin_of(out["roles_rule"]) == 6
        assert roles.certainty == certainty_of(6) >= SURE_CERTAINTY and roles.sure
    else:
        assert (roles.source, roles.certainty, roles.sure) == ("channels-setting", 1.0, True)
    assert "roles" not in out  # the blob says it; the activity's answer keeps its 2.1 shape


def test_merge_marks_a_close_auto_decision_unsure_and_mono_unlabelled(store, settings):
    chunks = [_write_chunk(store, settings, "merge-close", 0, "left", [(0.0, "Okay, go on.")]),
              _write_chunk(store, settings, "merge-close", 1, "right", [(2.0, "Right, sure.")])]
    out = merge_transcript(store, settings, {"call_id": "merge-close", "chunks": chunks})
    transcript = _merged(store, settings, out)
    assert transcript.roles.source == "channels-auto" and transcript.roles.margin <= 1
    assert not transcript.roles.sure and transcript.roles.certainty < SURE_CERTAINTY
    assert all(s.speaker for s in transcript.segments)  # the guess stays, marked unsure
    mono = [_write_chunk(store, settings, "merge-mono", 0, None, [(0.0, "Hello there.")])]
    out = merge_transcript(store, settings, {"call_id": "merge-mono", "chunks": mono})
    assert _merged(store, settings, out).roles == UNLABELLED


@pytest.fixture(scope="module")
def model_settings(settings: Settings, model_server: str) -> Settings:
    return dataclasses.replace(settings, openai_base_url=model_server,
                               model_timeout_seconds=600.0)


@pytest.mark.models
def test_stereo_call_transcribed_per_channel_and_merged_with_speakers(
        store, model_settings, renderings):
    job = _upload(store, model_settings, renderings["apart"], "stereo-spoken.wav")
    split = split_audio(store, model_settings, job)
    client = openai_client(model_settings)
    results = [_small(transcribe_chunk(store, client, model_settings,
                                       {"call_id": job["call_id"], **c}))
               for c in split["chunks"]]
    assert [r["channel"] for r in results] == ["left", "right"]
    assert results[1]["blob"] == f"{job['call_id']}/chunk-right-0001.json"
    merged = merge_transcript(store, model_settings, {
        "call_id": job["call_id"], "chunks": [{**c, **r} for c, r in zip(split["chunks"], results,
                                                                         strict=True)],
        "duration": split["audio"]["duration"]})
    assert merged["agent_channel"] == "right", merged["roles_rule"]
    transcript = _merged(store, model_settings, merged)
    said = {role: " ".join(s.text for s in transcript.segments if s.speaker == role)
            for role in ("agent", "customer")}
    assert heard(f"calling {AGENT_NAME}", said["agent"]), said
    assert heard("Daniel Denver Colorado", said["customer"]), said
    assert not heard("Colorado", said["agent"]), said
    assert transcript.segments[0].speaker == "agent"

