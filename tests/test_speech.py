"""The tests' own audio (`tests.speech`): the same turns are the same bytes on every run, and a
kept rendering is never served for a changed script."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests import speech

TURNS = [["A", "Thanks for calling Summit Roofing, this is Tyler speaking."],
         ["C", "Hi Tyler, my name is Angela Brooks and I live in Nashville, Tennessee."]]


def test_two_renders_of_the_same_turns_are_byte_identical(tmp_path: Path) -> None:
    first = speech.render_call(TURNS, tmp_path / "first.wav")
    samples = speech.speak(TURNS)
    speech._say.cache_clear()  # synthesise again rather than reuse the cached turns
    second = speech.render_call(TURNS, tmp_path / "second.wav")

    assert first.read_bytes() == second.read_bytes()
    assert np.array_equal(samples, speech.speak(TURNS))
    assert samples.size > speech.VOICE_RATE  # real speech, not an empty file twice


def test_a_kept_rendering_is_reused_only_for_the_same_script(tmp_path: Path) -> None:
    kept = speech.rendered(TURNS, tmp_path, "call")
    written = kept.stat().st_mtime_ns
    other = speech.rendered(TURNS[:1], tmp_path, "call_b")

    assert speech.rendered(TURNS, tmp_path, "call") == kept
    assert kept.stat().st_mtime_ns == written  # not rendered again

    changed = [*TURNS[:1], ["C", "Hi Tyler, my name is Angela Brooks and I live in Memphis."]]
    renewed = speech.rendered(changed, tmp_path, "call")
    assert renewed != kept and renewed.exists()
    assert not kept.exists(), "the rendering of the old script is removed"
    assert other.exists(), "another call's rendering is left alone"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([renewed.name, other.name])


def test_the_key_covers_the_audio_format() -> None:
    assert speech.render_key(TURNS) != speech.render_key(TURNS, rate=16000)
    assert speech.render_key(TURNS, rate=16000) == speech.render_key(TURNS, rate=16000)
