"""What the verifiers know about a call besides the model's answer: who the agent is, which
words name organisations, which lines are whose, and which countries are said.

The agent opens the call: they greet with the company's name and introduce themself ("Summit
Roofing, this is Tyler", "Hi, this is Dev from Brightline, am I speaking with Ana?"). With
speaker roles the agent's lines say it; without them, the opening does (the lines up to the
call's first question, at most three). Organisation names are capitalised runs that end in an
organisation word ("Harper Valley National Bank", "Lake Shore Credit Union") or that follow a
greeting ("calling Summit Roofing"): their words are neither people nor places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from callinsights.gazetteer import COUNTRIES
from callinsights.text_match import normalize_word
from callinsights.timed_words import TimedWords
from callinsights.transcript_lines import Line, split_lines

OPENING_LINES = 3
ADDRESSING = {"speaking", "talking", "chatting", "connect", "meet", "speak", "talk"}
HAILS = {"hi", "hello", "hey", "dear"}
ASKING_FOR = {("is", "this"), ("is", "that"), ("it", "this")}  # "is this Ingrid Solberg?"
SALUTATIONS = {"morning", "afternoon", "evening", "day", "thank", "thanks", "you", "for"}
GREETING_GOES_ON = {"this", "how", "my", "speaking", "what", "who", "can", "i", "its", "good"}
RESPONSES = {"hi", "hello", "hey", "yes", "yeah", "yep", "thanks", "thank", "good", "oh", "um",
             "speaking", "morning", "afternoon", "evening"}
INTRODUCTIONS = [("this", "is"), ("my", "name", "is"), ("my", "names"), ("name", "is"),
                 ("im",), ("i", "am"), ("its",), ("it", "is")]
AFTER_NAME_CUES = {"speaking", "here"}  # "Connor speaking", "Dana here"
GREETINGS = [("calling",), ("welcome", "to"), ("from",), ("with",), ("at",), ("reached",)]
ORG_WORDS = {normalize_word(w) for w in [
    "Bank", "Credit", "Union", "Insurance", "Solar", "Energy", "Roofing", "Services", "Service",
    "Inc", "LLC", "Ltd", "Limited", "Company", "Co", "Corp", "Corporation", "Group", "Homes",
    "Motors", "Auto", "Realty", "Properties", "Financial", "Mortgage", "Lending", "Savings",
    "Trust", "Partners", "Associates", "Solutions", "Systems", "Technologies", "Software",
    "Kitchens", "Windows", "Plumbing", "Electric", "Heating", "Cooling", "Air", "HVAC", "Pools",
    "Fitness", "Marine", "Dental", "Clinic", "Hospital", "Travel", "Tours", "Cruises",
    "Furniture", "Security", "Landscaping", "Builders", "Construction", "Contractors",
    "Remodeling", "Design", "Studio", "Outfitters", "Supply", "Store", "Shop", "Market",
    "Chevrolet", "Ford", "Toyota", "Honda", "Dealership", "Agency", "Brokers", "Mutual",
    "Federal", "National", "Wealth", "Capital", "Investments", "Telecom", "Wireless", "Cable",
    "Internet", "Academy", "School", "College", "University", "Church", "Hotel", "Resort",
    "Restaurant", "Cafe", "Bakery", "Foods", "Farms", "Logistics", "Freight", "Movers",
    "Storage", "Garage", "Glass", "Doors", "Flooring", "Carpets", "Paint", "Painting", "Pest",
    "Control", "Cleaning", "Appliances", "Electronics", "Outdoors", "Sports", "Boats", "Yachts",
    "RV", "Exteriors", "Interiors", "Gutters", "Siding", "Fence", "Fencing", "Decks", "Spa",
    "Spas", "Wellness", "Health", "Care", "Pharmacy", "Vision", "Optical", "Law", "Legal",
]}


@dataclass
class CallContext:
    """Facts about the call the verifiers and the second reader share."""

    doc: TimedWords
    lines: list[Line]
    roles_known: bool
    agent_lines: set[int] = field(default_factory=set)  # line numbers
    agent_names: set[str] = field(default_factory=set)  # normalised first names
    org_words: set[int] = field(default_factory=set)  # word indices inside organisation names
    countries: list[str] = field(default_factory=list)  # ISO codes said, in order

    @classmethod
    def of(cls, doc: TimedWords, lines: Sequence[Line] | None = None) -> CallContext:
        lines = list(lines) if lines is not None else split_lines(doc)
        roles = any(line.speaker for line in lines)
        ctx = cls(doc, lines, roles)
        ctx.agent_lines = ({line.number for line in lines if line.speaker == "agent"} if roles
                           else _opening(doc, lines))
        ctx.agent_names = _introduced_names(doc, [lines[n - 1] for n in sorted(ctx.agent_lines)])
        ctx.org_words = _organisation_words(doc, lines, ctx.agent_lines)
        ctx.countries = _countries(doc)
        return ctx

    def line_of(self, word: int) -> Line | None:
        """The line that holds word index `word`."""
        return next((line for line in self.lines if line.first <= word < line.end), None)

    def line_after(self, number: int) -> Line | None:
        """The line that follows line `number` (the answer to a question on it), if any."""
        return next((line for line in self.lines if line.number == number + 1), None)

    def line_before(self, number: int) -> Line | None:
        """The line before line `number` (the question it may answer), if any."""
        return next((line for line in self.lines if line.number == number - 1), None)

    def is_agent_word(self, word: int) -> bool:
        line = self.line_of(word)
        return bool(line and line.number in self.agent_lines)

    def speaker_of(self, word: int) -> str | None:
        """"agent" / "customer" when the roles are known, else None."""
        line = self.line_of(word)
        return line.speaker if line else None


def _opening(doc: TimedWords, lines: Sequence[Line]) -> set[int]:
    """Without roles: the agent's opening line(s).

    The call's first line, and the next one when the first is only a "Hello?" (an outbound call
    the customer answers) or is cut before the greeting ends (no introduction, no question yet,
    and the next line does not answer it: "Hi Tyler, ...").
    """
    opening: set[int] = set()
    substantive = False
    for line in lines[:OPENING_LINES]:
        words = doc.norm[line.first:line.end]
        if substantive and words[:1] and words[0] in RESPONSES:
            break  # the other side answers: the opening is over
        opening.add(line.number)
        substantive = substantive or line.end - line.first > 2
        if substantive and (doc.raw[line.end - 1].endswith("?") or _introduces(doc, line)):
            break
    return opening


def _introduces(doc: TimedWords, line: Line) -> bool:
    return bool(_introduced_names(doc, [line]))


def is_capitalized(doc: TimedWords, i: int) -> bool:
    word = doc.raw[i].lstrip("\"'(")
    return bool(word) and word[0].isupper()


def find_phrase(words: Sequence[str], phrase: Sequence[str], lo: int, hi: int) -> list[int]:
    n = len(phrase)
    return [i for i in range(lo, hi - n + 1) if list(words[i:i + n]) == list(phrase)]


NOT_NAMES = {"i", "calling", "interested", "looking", "just", "not", "so", "here", "the", "a", "in",
             "from", "with", "at", "on", "sorry", "happy", "glad", "good", "great", "fine",
             "okay", "ok", "sure", "yes", "no", "well", "hi", "hello", "hey", "thanks", "thank",
             "actually", "really", "also", "still", "going", "trying", "wondering", "hoping"}


def _introduced_names(doc: TimedWords, lines: Sequence[Line]) -> set[str]:
    """First names introduced in these lines ("this is Tyler", "Connor speaking")."""
    names = set()
    for line in lines:
        for phrase in INTRODUCTIONS:
            for at in find_phrase(doc.norm, phrase, line.first, line.end):
                i = at + len(phrase)
                if i < line.end and is_capitalized(doc, i) and doc.norm[i] not in NOT_NAMES:
                    names.add(doc.norm[i])
        for i in range(line.first + 1, line.end):
            if doc.norm[i] in AFTER_NAME_CUES and is_capitalized(doc, i - 1) \
                    and doc.norm[i - 1] not in NOT_NAMES and not doc.raw[i - 1].endswith(","):
                names.add(doc.norm[i - 1])
    return names


def _capital_run(doc: TimedWords, i: int, end: int) -> int:
    """End of the run of capitalised words from i ("Summit Roofing", stopping at punctuation)."""
    j = i
    while j < end and (is_capitalized(doc, j) or doc.norm[j] in {"and", "of", "the"}):
        j += 1
        if doc.raw[j - 1][-1] in ",.?!;:":
            break
    while j > i and doc.norm[j - 1] in {"and", "of", "the"}:
        j -= 1
    return j


def _addressed(doc: TimedWords, i: int) -> bool:
    """Word i starts the name of the person spoken to: right after a hail with no comma
    ("Hi Megan", "Hello Dana") or a question for them ("is this Ingrid Solberg, this is...",
    "am I speaking with Ana")."""
    if i == 0 or doc.raw[i - 1][-1] in ",.?!;:":
        return False
    two_before = tuple(doc.norm[max(0, i - 2):i])
    return doc.norm[i - 1] in HAILS or two_before in ASKING_FOR or (
        len(two_before) == 2 and two_before[0] in ADDRESSING and two_before[1] in {"with", "to"})


def _organisation_words(doc: TimedWords, lines: Sequence[Line], agent: set[int]) -> set[int]:
    """Word indices inside organisation names: org-word runs anywhere, greetings' companies."""
    inside: set[int] = set()
    for i in range(len(doc)):
        if doc.norm[i] in ORG_WORDS and is_capitalized(doc, i):
            start = i
            while start > 0 and is_capitalized(doc, start - 1) \
                    and doc.raw[start - 1][-1] not in ",.?!;:" and i - start < 4:
                start -= 1
            end = _capital_run(doc, i, len(doc))
            if end - start >= 2 or start < i:
                inside.update(range(start, max(end, i + 1)))
    for line in lines:
        if line.number not in agent:
            continue
        for phrase in GREETINGS:
            for at in find_phrase(doc.norm, phrase, line.first, line.end):
                if at > 0 and doc.norm[at - 1] in ADDRESSING:
                    continue  # "am I speaking with Ana?": a person, not a company
                i = at + len(phrase)
                if i < line.end and is_capitalized(doc, i):
                    inside.update(range(i, _capital_run(doc, i, line.end)))
        # "Summit Roofing, this is Tyler", "Good afternoon, Harbor Payroll, this is Nina": a
        # capitalised run closed by a comma before the greeting goes on names the company;
        # the person spoken to ("Hi Megan, this is Dan", "is this Ingrid Solberg, this is
        # Marissa from ...") is not
        i = line.first
        while i < line.end:
            if is_capitalized(doc, i) and doc.norm[i] not in NOT_NAMES | SALUTATIONS:
                run_end = _capital_run(doc, i, line.end)
                if run_end < line.end and doc.raw[run_end - 1].endswith(",") \
                        and doc.norm[run_end] in GREETING_GOES_ON and not _addressed(doc, i):
                    inside.update(range(i, run_end))
                i = max(run_end, i + 1)
            else:
                i += 1
    return inside


def _countries(doc: TimedWords) -> list[str]:
    found = []
    for i in range(len(doc)):
        for said, (_, code) in COUNTRIES.items():
            words = said.split()
            if doc.norm[i:i + len(words)] == words and (is_capitalized(doc, i) or len(words) > 1):
                found.append(code)
    return found
