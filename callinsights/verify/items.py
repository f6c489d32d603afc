"""Products of interest: each wanted, said in the call, once.

An item is dropped when the call never says its main word, or when every place the call says it
declines it ("we don't need gutters", "no warranty", "rather not"), offers it in a question the
next line turns down ("Do you need a trailer with it?" - "No, ..."), or names it as something the
customer already has ("we already have solar panels", "our old furnace"). It is doubted when the
call names it only inside a price quote ("a single implant with the crown is usually around
4,500": the crown is the agent's, not asked for). Items naming the same thing ("a heat pump",
"the pump") are merged.
"""

from __future__ import annotations

from collections.abc import Sequence

from callinsights.call_context import CallContext
from callinsights.evidence import Mention, find_words
from callinsights.model_answer import RawField
from callinsights.money import amounts
from callinsights.text_match import normalize_word, word_similarity
from callinsights.verify.budget import QUOTED_PRICE, not_budget_cue
from callinsights.verify.common import Verdict, answer_to, norm_words, refuses

CUE_WORDS = 6  # words before a mention where a cue counts
DECLINES = [("dont", "need"), ("do", "not", "need"), ("no", "need"), ("not", "interested"),
            ("rather", "not"), ("wont", "need"), ("dont", "want"), ("do", "not", "want"),
            ("skip",), ("without",), ("instead", "of"), ("pass", "on"), ("no", "thanks"),
            ("not", "looking"), ("dont", "think", "we", "need"), ("not", "right", "now"),
            ("hold", "off"), ("leave", "out"), ("take", "off"), ("drop", "the")]
OWNS = [("already", "have"), ("already", "got"), ("already", "own"), ("our", "current"),
        ("my", "current"), ("our", "old"), ("my", "old"), ("existing",), ("we", "own"),
        ("i", "own"), ("currently", "have"), ("replace",), ("replacing",), ("swap", "out"),
        ("get", "rid", "of")]
REPLACED_BY = {"with", "for", "by"}  # "replace our shingles with a metal roof": the roof is wanted
# Right before the item: "no gutters", "not the warranty".
ADJACENT_NEGATIONS = {"no", "not", "never"}


def _has(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return _find_last(words, phrase) is not None


def _stance(ctx: CallContext, mention: Mention) -> str | None:
    """"declined" / "owned" when the words before the mention, or the answer to the question
    that offers it, say so, else None."""
    line = ctx.line_of(mention.first)
    answer = answer_to(ctx, line)  # "Would you like a smart thermostat as well?" - "No, ..."
    if answer is not None and refuses(ctx, answer):
        return "declined"
    lo = max(line.first if line else 0, mention.first - CUE_WORDS)
    before = ctx.doc.norm[lo:mention.first]
    if any(_has(before, cue) for cue in DECLINES) or (before[-1:] and before[-1]
                                                       in ADJACENT_NEGATIONS):
        return "declined"
    for cue in OWNS:
        at = _find_last(before, cue)
        if at is not None and not REPLACED_BY & set(before[at + len(cue):]):
            return "owned"
    return None


def _in_price_quote(ctx: CallContext, mention: Mention) -> bool:
    """The mention comes before an amount its sentence quotes as a price ("... with the crown
    is usually around forty-five hundred"); a sentence the recogniser cut into two segments
    runs on into the next line."""
    line = ctx.line_of(mention.first)
    if line is None:
        return False
    end = line.end
    following = ctx.line_after(line.number)
    if following is not None and not ctx.doc.raw[line.end - 1].endswith((".", "?", "!")) \
            and following.speaker == line.speaker:
        end = following.end
    return any(amount.first >= mention.end and not_budget_cue(ctx, amount) == QUOTED_PRICE
               for amount in amounts(ctx.doc, line.first, end))


def _find_last(words: Sequence[str], phrase: Sequence[str]) -> int | None:
    n = len(phrase)
    hits = [i for i in range(len(words) - n + 1) if list(words[i:i + n]) == list(phrase)]
    return hits[-1] if hits else None


def _mentions_of(ctx: CallContext, item: str) -> list[Mention]:
    """Every place the call says the item's main (last) word."""
    head = normalize_word(item.split()[-1]) if item.split() else ""
    stem = head.rstrip("s")
    out = []
    for i, word in enumerate(ctx.doc.norm):
        if word_similarity(word.rstrip("s"), stem) >= 0.8:
            out.append(Mention(i, i + 1, 1.0, False))
    return out


def same_thing(a: str, b: str) -> bool:
    """"heat pump" and "the pump", "gutters" and "new gutters": one item."""
    wa = [w.rstrip("s") for w in norm_words(a) if w not in {"a", "an", "the", "new", "some"}]
    wb = [w.rstrip("s") for w in norm_words(b) if w not in {"a", "an", "the", "new", "some"}]
    if not wa or not wb:
        return False
    if wa == wb or word_similarity(" ".join(wa), " ".join(wb)) >= 0.9:
        return True
    shorter, longer = sorted((wa, wb), key=len)
    if longer[:len(shorter)] == shorter:  # "garage door" and "garage door opener": the longer
        return True
    if len(shorter) == 1 and shorter[0] in longer:  # "metal" and "standing seam metal roof"
        return True
    return shorter[-1] == longer[-1] and set(shorter) <= set(longer)


def verify_items(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    verdict = Verdict(list(raw.value or []))
    kept: list[str] = []
    mentions: list[Mention | None] = []
    for item in verdict.value:
        twin = next((k for k in kept if same_thing(k, item)), None)
        if twin is not None:
            verdict.note("duplicate", "corrected", f"{item!r} is the same as {twin!r}")
            if len(item) > len(twin):  # keep the fuller name of the two
                index = kept.index(twin)
                kept[index] = item
            continue
        said = _mentions_of(ctx, item)
        if not said:
            verdict.note("not_said", "dropped", f"the call never says {item!r}")
            continue
        stances = [_stance(ctx, m) for m in said]
        if all(stances):
            stance = "declined" if "declined" in stances else "owned"
            why = "the customer declines it" if stance == "declined" else \
                "the customer already has it"
            verdict.note(stance, "dropped", f"{item!r}: {why}")
            continue
        wanted = [m for m, stance in zip(said, stances, strict=True) if stance is None]
        if all(_in_price_quote(ctx, m) for m in wanted):
            verdict.doubt("price_quote", f"{item!r} is named only in a quoted price")
        kept.append(item)
        mentions.append(find_words(ctx, item, raw.line) or said[stances.index(None)])
    verdict.value = kept
    verdict.item_mentions = mentions
    verdict.mention = next((m for m in mentions if m), None)
    return verdict
