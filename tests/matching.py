"""The one tolerant rule for values a speech recogniser heard: fair to its spelling, strict
about the value.

Every test (and `bench/eval_extraction.py`) that compares a name, place, product, amount or
timeline from a transcript with what the script said uses these functions, never `==` on the
recogniser's spelling: Whisper writes "Priy Raman" for "Priya Raman" and "Winanet" for
"Watanabe", and a test that asserts one spelling fails on the next model or voice.

The rules (also in docs/extraction.md, "Matching rules"):
- a word is the same word at character similarity >= 0.8 (case and punctuation ignored); numbers
  are the same number within 1%, never by their digits' likeness ("18,500" is not "18,000");
- person name: as many words as the truth, first name similar, surname at >= 0.5 (the recogniser
  spells unusual surnames freely);
- city, region: the same words;
- products: the same set; two items match when their main (last) words match and the shorter
  one's words are all in the longer one, with at most two more ("new gutters" is "gutters",
  "treadmill" is "folding treadmill"; plural alike, similarity >= 0.75);
- budget: the amount within 1%; where the truth says them, the same currency, period and range;
- timeline: all the truth's words, with at most three more ("by the spring" is "spring"),
  little words aside ("in two months" is "two months");
- company, country: the same words, like places;
- null is right exactly when the truth is null (empty list for products).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from callinsights.text_match import word_similarity, words

SAME_WORD = 0.8  # word similarity that counts as the same word
ASR_SURNAME = 0.5  # surnames: the recogniser spells unusual ones freely
SAME_ITEM_WORD = 0.75  # a product's words, singular and plural alike
AMOUNT_TOLERANCE = 0.01  # amounts within 1% are the same amount
ITEM_EXTRA_WORDS = 2  # "new gutters" still names "gutters"
TIMELINE_EXTRA_WORDS = 3  # "by the spring" still says "spring"
MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6}
# Truth-file key -> the extraction field it is compared with.
EXTRACTED_AS = {"customer_name": "customer_name", "company": "company", "city": "city",
                "region": "region", "country": "country", "products": "products_of_interest",
                "budget": "budget", "timeline": "timeline"}
_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty")
_ORDINALS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
             "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
             "nineteenth twentieth")
NUMBER_WORDS = {w: i for i, w in enumerate(_NUMBERS.split(" "))} | {"thirty": 30}
ORDINALS = {w: str(i) for i, w in enumerate(_ORDINALS.split(" "))} | {"thirtieth": "30"}
# Words that do not change when something happens ("in two weeks" is "two weeks").
TIME_FILLERS = {"in", "by", "the", "a", "an", "at", "on", "of", "within", "sometime", "around"}
_NUMBER = re.compile(r"^\d+$")  # words are normalised: "$18,000." is "18000"


# --- words and amounts ----------------------------------------------------------------------

def _number(word: str) -> float | None:
    return float(word) if _NUMBER.match(word) else None


def same_word(a: str, b: str, threshold: float = SAME_WORD) -> bool:
    """Two normalised words alike: numbers within 1%, other words by character similarity."""
    x, y = _number(a), _number(b)
    if x is not None or y is not None:
        return x is not None and y is not None and same_amount(x, y)
    return word_similarity(a, b) >= threshold


def same_amount(truth: float, got: float) -> bool:
    return abs(truth - got) <= AMOUNT_TOLERANCE * abs(truth)


def amount_of(value: Any) -> float | None:
    """A budget as a number: {"amount": ...}, 25000, "25,000" or "$25,000"; None if it is none."""
    if isinstance(value, dict):
        value = value.get("amount")
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(str(value).replace(",", "").replace("$", "").strip())
    except ValueError:
        return None


def amounts_in(text: str) -> list[float]:
    """The numbers a transcript says in digits ("$18,000", "18 thousand", "2 million")."""
    found: list[float] = []
    said = words(text)
    for i, word in enumerate(said):
        number = _number(word)
        if number is not None:
            following = said[i + 1] if i + 1 < len(said) else ""
            found.append(number * MULTIPLIERS.get(following, 1.0))
    return found


# --- heard in a transcript ------------------------------------------------------------------

def heard_words(phrase: str, text: str) -> list[str]:
    """The words of `phrase` that the transcript `text` has, each by the same-word rule."""
    said = words(text)
    return [w for w in words(phrase) if any(same_word(w, s) for s in said)]


def unheard(expected: list[str], text: str) -> list[str]:
    """The expected words the transcript lacks (for "at most N missed" checks)."""
    return [w for w in expected if not heard_words(w, text)]


def heard(phrase: str, text: str) -> bool:
    """Every word of `phrase` is in the transcript, spelled within the recogniser's slack."""
    return bool(words(phrase)) and len(heard_words(phrase, text)) == len(words(phrase))


def amount_heard(amount: Any, text: str) -> bool:
    """The transcript says the amount in digits, within 1%."""
    wanted = amount_of(amount)
    return wanted is not None and any(same_amount(wanted, n) for n in amounts_in(text))


# --- extracted values against the truth -----------------------------------------------------

def _same_words(a: list[str], b: list[str], threshold: float = SAME_WORD) -> bool:
    return len(a) == len(b) and all(same_word(x, y, threshold) for x, y in zip(a, b, strict=True))


def _contains(longer: list[str], shorter: list[str], threshold: float) -> bool:
    return all(any(same_word(s, w, threshold) for w in longer) for s in shorter)


def match_name(truth: str, got: str) -> bool:
    """First name as said; surname present when the truth has one, spelled within ASR slack."""
    t, g = words(truth), words(got)
    if not g or len(g) != len(t) or not same_word(t[0], g[0]):
        return False
    return all(same_word(x, y, ASR_SURNAME) for x, y in zip(t[1:], g[1:], strict=True))


def match_place(truth: str, got: str) -> bool:
    """The same words: "Nashville" is "nashville," but not "Nashua"."""
    return _same_words(words(truth), words(got))


def same_item(truth: str, got: str) -> bool:
    """Two items name the same product: the same main (last) word, and the shorter one's words
    all in the longer one with at most two more ("treadmill" is "folding treadmill", "gutters"
    is "new gutters"; "accounting software" is not "payroll software"). Singular/plural alike."""
    t = [w.rstrip("s") for w in words(truth)]
    g = [w.rstrip("s") for w in words(got)]
    if not t or not g or not same_word(t[-1], g[-1], SAME_ITEM_WORD):
        return False
    shorter, longer = sorted((t, g), key=len)
    return _contains(longer, shorter, SAME_ITEM_WORD) and len(longer) <= len(shorter) + \
        ITEM_EXTRA_WORDS


def has_item(truth: str, got: list[str] | None) -> bool:
    """One product of the truth is among the extracted ones (others may be there too)."""
    return any(same_item(truth, g) for g in got or [])


def match_products(truth: list[str], got: list[str]) -> bool:
    """Same set: every truth item found, every extracted item a truth item."""
    return (all(has_item(t, got) for t in truth)
            and all(any(same_item(t, g) for t in truth) for g in got))


def match_budget(truth: Any, got: Any) -> bool:
    """The same amount within 1%; when the truth gives them, the same currency and period and
    the same range ends (a truth written as a bare amount compares the amount only)."""
    a, b = amount_of(truth), amount_of(got)
    if a is None or b is None or not same_amount(a, b):
        return False
    if not isinstance(truth, dict) or not isinstance(got, dict):
        return True
    if truth.get("currency") and truth["currency"] != got.get("currency"):
        return False
    if truth.get("period", "total") != got.get("period", "total"):
        return False
    for end in ("min", "max"):
        if truth.get(end) is not None and (got.get(end) is None
                                           or not same_amount(truth[end], got[end])):
            return False
    return True


def _time_words(text: str) -> list[str]:
    """Words of a time, little words dropped, numbers as digits ("the thirtieth" -> "30")."""
    out = []
    for word in words(text):
        word = ORDINALS.get(word, word)
        if word[:-2].isdigit() and word[-2:] in ("st", "nd", "rd", "th"):
            word = word[:-2]
        out.append(str(NUMBER_WORDS[word]) if word in NUMBER_WORDS else word)
    return [w for w in out if w not in TIME_FILLERS]


def match_timeline(truth: str, got: str) -> bool:
    """The truth's words all said, with at most three words around them ("by the spring");
    words like "in" or "the" do not count ("in two months" is "two months"), numbers are
    numbers however written ("July first" is "July 1st", "ten days" is "10 days")."""
    t, g = _time_words(truth), _time_words(got)
    return _contains(g, t, SAME_WORD) and len(g) <= len(t) + TIMELINE_EXTRA_WORDS


MATCHERS: dict[str, Callable[[Any, Any], bool]] = {
    "customer_name": match_name, "company": match_place, "city": match_place,
    "region": match_place, "country": match_place, "products": match_products,
    "budget": match_budget, "timeline": match_timeline}


def correct(field: str, truth: Any, got: Any) -> bool:
    """Whether an extracted value counts as right (null/empty is right when truth is null).

    `field` is a truth-file key (`customer_name`, `city`, `region`, `products`, `budget`,
    `timeline`).
    """
    empty_truth = truth in (None, [], "")
    empty_got = got in (None, [], "")
    if empty_truth or empty_got:
        return empty_truth and empty_got
    return MATCHERS[field](truth, got)
