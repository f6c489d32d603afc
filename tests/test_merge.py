"""Merging chunk transcripts: rebasing, overlap words kept once, monotonic times."""

from __future__ import annotations

from callinsights.merge import ChunkTranscript, merge_chunks, rebase
from callinsights.transcript import Segment, Transcript, Word


def _words_segment(start: float, text: str, step: float = 0.4) -> Segment:
    words = [Word(start=start + i * step, end=start + i * step + step * 0.8, word=w)
             for i, w in enumerate(text.split())]
    return Segment(start=words[0].start, end=words[-1].end, text=text, words=words)


def _chunk(start: float, end: float, *segments: Segment, language: str = "en") -> ChunkTranscript:
    return ChunkTranscript(start, end, Transcript(language=language, segments=list(segments)))


def _assert_monotonic(transcript: Transcript) -> None:
    clock = 0.0
    for segment in transcript.segments:
        assert clock <= segment.start <= segment.end
        for word in segment.words:
            assert segment.start <= word.start <= word.end <= segment.end
        clock = segment.end


def test_rebase_moves_segment_and_words() -> None:
    moved = rebase(_words_segment(1.0, "hello there"), 300.0)
    assert (moved.start, moved.words[0].start, moved.words[1].end) == (301.0, 301.0, 301.72)


def test_overlap_words_are_kept_once_by_time() -> None:
    # chunk 0 covers 0-10.5 s, chunk 1 covers 9.5-20 s; the cut is at 10 s.
    first = _chunk(0.0, 10.5, _words_segment(1.0, "my name is Ana"),
                   _words_segment(8.6, "I live in Lisbon"))  # 8.6..10.12 (call time)
    second = _chunk(9.5, 20.0, _words_segment(0.0, "Lisbon"),  # 9.5..9.82: copy of the above
                    _words_segment(0.9, "and I need a roof"))  # 10.4 onwards
    merged = merge_chunks([second, first], call_id="c1")  # any order
    assert merged.text == "my name is Ana I live in Lisbon and I need a roof"
    assert merged.call_id == "c1" and merged.duration == 20.0
    _assert_monotonic(merged)


def test_overlap_repeated_text_is_dropped_without_word_times() -> None:
    first = _chunk(0.0, 61.0, Segment(start=50.0, end=60.8, text="We can start in March."))
    second = _chunk(59.0, 120.0,
                    Segment(start=1.5, end=4.0, text="start in March. Does that work?"),
                    Segment(start=5.0, end=7.0, text="Yes."))
    merged = merge_chunks([first, second])
    assert [s.text for s in merged.segments] == ["We can start in March.", "Does that work?",
                                                 "Yes."]
    assert merged.segments[1].start == 60.8  # clamped after the previous segment
    _assert_monotonic(merged)


def test_one_shared_word_is_not_taken_for_a_copy() -> None:
    first = _chunk(0.0, 31.0, Segment(start=20.0, end=29.0, text="I want the"))
    second = _chunk(29.0, 60.0, Segment(start=1.2, end=3.0, text="the blue one"))
    assert merge_chunks([first, second]).text == "I want the the blue one"


def test_times_become_monotonic() -> None:
    chunk = _chunk(0.0, 30.0, Segment(start=5.0, end=9.0, text="b"),
                   Segment(start=0.0, end=6.0, text="a"),
                   Segment(start=8.0, end=7.5, text="c"))
    merged = merge_chunks([chunk])
    assert [s.text for s in merged.segments] == ["a", "b", "c"]
    _assert_monotonic(merged)


def test_language_and_empty_chunks() -> None:
    silent = _chunk(0.0, 300.0, language="en")
    spoken = _chunk(299.0, 600.0, Segment(start=1, end=2, text="Hola."), language="es")
    merged = merge_chunks([silent, spoken], duration=600.2)
    assert merged.language == "es" and merged.duration == 600.2
    assert merge_chunks([silent]).segments == []


def test_ownership_passes_at_the_pause_in_the_overlap() -> None:
    # overlap 98-104 s; the earlier chunk heard a 0.6 s pause at 101.0-101.6 (the split's cut)
    first = _chunk(0.0, 104.0, _words_segment(99.0, "paying early"),  # 99.0..99.72
                   _words_segment(101.6, "I can also"))  # 101.6..102.52, cut off by the edge
    second = _chunk(98.0, 200.0, _words_segment(1.05, "paying early"),  # drifted 50 ms
                    _words_segment(3.6, "I can also send you reviews"))
    merged = merge_chunks([first, second])
    assert [s.text for s in merged.segments] == ["paying early", "I can also send you reviews"]
    assert merged.segments[0].start == 99.0  # the sentence before the pause is the first chunk's
