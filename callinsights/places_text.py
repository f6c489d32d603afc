"""Place names folded to one comparable key: "St. John's", "Saint Johns" and "ST JOHNS" agree."""

from __future__ import annotations

import re
import unicodedata

_SHORT = {"saint": "st", "sainte": "ste", "fort": "ft", "mount": "mt"}


def place_key(name: str) -> str:
    """Accents, case, punctuation and Saint/St. folded: "Montréal" -> "montreal"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9 ]", "", re.sub(r"[-–'’.]", " ", plain)).split()
    return "".join(_SHORT.get(w, w) for w in words)
