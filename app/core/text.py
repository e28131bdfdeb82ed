"""What of a text a person can see: the test of a required text field, shared by the
services' checks and the error collector."""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """The text without white space and invisible format characters (zero-width spaces,
    joiners, direction marks, the byte order mark)."""
    return "".join(
        char for char in text if not char.isspace() and unicodedata.category(char) != "Cf"
    )


def has_visible(text: str) -> bool:
    """Whether something of the text can be seen (stops at the first visible character)."""
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text)
