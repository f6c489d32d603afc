"""Time expressions and promises: what a timeline can be, and what is the agent's follow-up.

A timeline value must name a time: a month, weekday, season, year, holiday, a span ("in two
weeks", "within a month"), or a relative time ("next spring", "as soon as possible", "by the
end of the year"). A line where someone promises to act ("I'll send the quote by Friday",
"someone will call you tomorrow") states a next step, not the customer's timeline, and a line
saying how long work takes ("the installation usually takes two to three days") states a
duration, not a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from callinsights.gazetteer import MONTHS, SEASONS, WEEKDAYS
from callinsights.numbers import TENS_WORDS, UNIT_WORDS
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
                   ("he", "will"), ("she", "will"), ("hell",), ("shell",), ("you", "will"),
                   ("youll",), ("expect",)]
PROMISE_ACTIONS = {"send", "call", "email", "mail", "follow", "get", "schedule", "book", "set",
                   "text", "drop", "put", "reach", "ring", "forward", "come", "stop", "swing",
                   "have", "give", "pull", "check", "look", "prepare", "draft", "write", "share",
                   "arrange", "confirm", "reply", "contact", "bring", "visit", "receive", "hear",
                   "see"}


# Greetings and goodbyes that name a time of day without placing anything in time.
GREETINGS = [("good", "morning"), ("good", "afternoon"), ("good", "evening"), ("good", "night"),
             ("good", "day"), ("gday",), ("enjoy", "your"), ("enjoy", "the")]
WISHES = {"good", "great", "nice", "lovely", "wonderful", "awesome", "fantastic", "safe"}


def is_pleasantry(text: str) -> bool:
    """"Have a good day", "good morning", "enjoy your weekend": no when."""
    words = [normalize_word(w) for w in text.split() if normalize_word(w)]
    if words[:1] == ["have"] and words[1:2] in (["a"], ["an"]) and set(words[2:3]) & WISHES:
        return True
    return any(words[:len(greeting)] == list(greeting) for greeting in GREETINGS)


def is_time_expression(text: str) -> bool:
    """Whether a value names a time ("by October", "in two weeks", "before winter", "2027",
    "mid-December"), pleasantries aside ("Thank you, have a good day")."""
    for clause in re.split(r"[,.;!?]", text):
        if is_pleasantry(clause):
            continue
        for raw in clause.split():
            if _names_time(raw):
                return True
    return False


def _names_time(raw: str) -> bool:
    word = normalize_word(raw)
    if word in TIME_WORDS or (word.isdigit() and len(word) == 4 and 1990 <= int(word) <= 2100):
        return True
    if word.startswith("mid") and word[3:] in TIME_WORDS:  # "mid-December", "midsummer"
        return True
    if word == "may" and raw[:1] == "M":  # the month, not the verb
        return True
    return word.endswith(("st", "nd", "rd", "th")) and word[:-2].isdigit()  # "the 15th"


# Words that make a phrase about when ("before the first snow", "once the lease ends").
TEMPORAL = {"before", "after", "by", "until", "till", "when", "once", "within", "during",
            "soon", "ahead", "start", "end", "beginning", "early", "late", "mid", "next",
            "this", "coming", "upcoming", "later"}


# "within about 100 miles": a distance, whatever the preposition.
DISTANCE_UNITS = {"mile", "miles", "km", "kms", "kilometers", "kilometres", "meters", "metres",
                  "feet", "yards", "blocks"}


def is_about_when(text: str) -> bool:
    """A time, or a phrase placing something in time ("before the first snow"), not a distance
    ("within about 100 miles") nor a goodbye ("have a good day")."""
    if is_time_expression(text):
        return True
    words = {normalize_word(w) for w in text.split()}
    return bool(TEMPORAL & words) and not DISTANCE_UNITS & words and not is_pleasantry(text)


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


# "takes two to three days", "will last about a week": how long, not when.
DURATION_VERBS = {"take", "takes", "took", "taking", "last", "lasts", "lasted", "lasting"}
# What opens the span right after the verb ("takes | about a week", "lasts | two days").
SPAN_LEADS = {"a", "an", "about", "around", "roughly", "approximately", "maybe", "only", "just",
              "at", "up", "less", "more", "under", "over", "several", "few", "couple", "half",
              "anywhere", "somewhere", "between"} | set(UNIT_WORDS) | set(TENS_WORDS)
SPAN_UNITS = {"minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month",
              "months", "year", "years", "fortnight"}
DURATION_REACH = 4  # words before the value where the verb counts
WHEN_ANCHORS = {"by", "before", "after", "until", "till", "when", "once", "within", "next"}


def is_duration(before: Sequence[str], value: str) -> bool:
    """The value says how long something takes ("the installation usually takes | two to three
    days"), given the normalised words before it in its line; "by", "until" and the like make
    it a when again ("it takes until March" is not a span)."""
    words = list(before[-DURATION_REACH:]) + [normalize_word(w) for w in value.split()]
    verb = next((i for i, w in enumerate(words[:-1]) if w in DURATION_VERBS
                 and (words[i + 1] in SPAN_LEADS or words[i + 1].isdigit())), None)
    if verb is None:
        return False
    rest = set(words[verb + 1:])
    return bool(SPAN_UNITS & rest) and not rest & WHEN_ANCHORS


# The business's hours ("We're open till seven every day but Sunday", "We're here weekdays
# till 5"): when the customer can come, not when they want to buy.
OPENING_HOURS = [("were", "open"), ("open", "till"), ("open", "until"), ("open", "from"),
                 ("open", "every"), ("were", "here"), ("were", "closed"), ("closed", "on"),
                 ("our", "hours"), ("business", "hours"), ("office", "hours")]


def states_opening_hours(words: Sequence[str]) -> bool:
    """The line (normalised words) tells the business's opening hours."""
    return any(_find(words, phrase) for phrase in OPENING_HOURS)
