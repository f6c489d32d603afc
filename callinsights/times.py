"""Time expressions and promises: what a timeline can be, and what is the agent's follow-up.

A timeline value must name a time: a month, weekday, season, year, holiday, a span ("in two
weeks", "within a month"), or a relative time ("next spring", "as soon as possible", "by the
end of the year"). A line where someone promises to act ("I'll send the quote by Friday",
"someone will call you tomorrow") states a next step, not the customer's timeline.
"""

from __future__ import annotations

from collections.abc import Sequence

from callinsights.gazetteer import MONTHS, SEASONS, WEEKDAYS
from callinsights.text_match import normalize_word

TIME_WORDS = ({normalize_word(w) for w in MONTHS + WEEKDAYS + SEASONS} - {"may"}) | {
    "day", "days", "week", "weeks", "weekend", "weekends", "month", "months", "year", "years",
    "quarter", "quarters", "season", "semester", "holiday", "holidays", "christmas", "easter",
    "thanksgiving", "tomorrow", "today", "tonight", "asap", "soon", "immediately", "now",
    "later", "summertime", "wintertime", "springtime", "fortnight", "midyear", "yearend",
    "morning", "afternoon", "evening", "night", "deadline", "possible",
    "sept", "oct", "nov", "dec", "jan", "feb", "aug",
}
# First-person future + an action: the speaker commits to doing something.
PROMISE_OPENERS = [("i", "will"), ("ill",), ("we", "will"), ("well",), ("let", "me"),
                   ("i", "can"), ("we", "can"), ("im", "going", "to"), ("were", "going", "to"),
                   ("someone", "will"), ("somebody", "will"), ("they", "will"), ("theyll",),
                   ("he", "will"), ("she", "will"), ("hell",), ("shell",), ("you", "will", "get"),
                   ("youll", "get"), ("expect",)]
PROMISE_ACTIONS = {"send", "call", "email", "mail", "follow", "get", "schedule", "book", "set",
                   "text", "drop", "put", "reach", "ring", "forward", "come", "stop", "swing",
                   "have", "give", "pull", "check", "look", "prepare", "draft", "write", "share",
                   "arrange", "confirm", "reply", "contact", "bring", "visit", "receive", "hear",
                   "see"}


def is_time_expression(text: str) -> bool:
    """Whether a value names a time ("by October", "in two weeks", "before winter", "2027")."""
    raw_words = text.split()
    for raw in raw_words:
        word = normalize_word(raw)
        if word in TIME_WORDS or (word.isdigit() and len(word) == 4 and 1990 <= int(word) <= 2100):
            return True
        if word == "may" and raw[:1] == "M":  # the month, not the verb
            return True
        if word.endswith(("st", "nd", "rd", "th")) and word[:-2].isdigit():  # "the 15th"
            return True
    return False


# Words that make a phrase about when ("before the first snow", "once the lease ends").
TEMPORAL = {"before", "after", "by", "until", "till", "when", "once", "within", "during",
            "soon", "ahead", "start", "end", "beginning", "early", "late", "mid", "next",
            "this", "coming", "upcoming", "later"}


def is_about_when(text: str) -> bool:
    """A time, or a phrase placing something in time ("before the first snow")."""
    return is_time_expression(text) or bool(TEMPORAL & {normalize_word(w) for w in text.split()})


def leading_time_clause(value: str) -> str:
    """The first comma-separated clause that names a time: "May, once the ground is dry" ->
    "May" (the rest is why, not when)."""
    clauses = [c.strip() for c in value.split(",") if c.strip()]
    return next((c for c in clauses if is_about_when(c)), value)


def _find(words: Sequence[str], phrase: Sequence[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if list(words[i:i + n]) == list(phrase)]


def promises(words: Sequence[str]) -> list[int]:
    """Indices where a promise opens ("I'll send", "someone will call"), in normalised words."""
    found = []
    for opener in PROMISE_OPENERS:
        for at in _find(words, opener):
            ahead = words[at + len(opener):at + len(opener) + 3]
            if PROMISE_ACTIONS & set(ahead):
                found.append(at)
    return sorted(found)
