"""What a name, an address or another one-line value may hold: one rule for every way in.

Every write path (a units, people or actions file, a form, the command line) checks the
one-line fields it stores with `line_problem` (names, ids, owners) or `email_problem` (e-mail
addresses), and free text that may span lines (an action's description) with `text_problem`.
Refused are control characters (CR, LF, NUL, tab and the other C0/C1 characters, the Unicode
line and paragraph separators), the invisible formatting characters that reorder or hide text
(bidi overrides and isolates, zero-width spaces, the byte-order mark), and RFC 2047 encoded
words (`=?utf-8?q?…?=`), which a mail program would decode into anything, CR/LF included.
Letters of every script (æ, ø, å, sámi, Arabic), emoji and their joiners stay allowed.

Pure Python: the services turn a problem into the message of their way in (a file's row and
column, a form field, a command-line error), always naming the field and showing the value
with the refused characters spelled out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Formatting characters that belong to legitimate text: the zero-width (non-)joiner inside
# emoji sequences and some scripts, and the tag characters of subdivision flags (🏴 England).
_KEPT_FORMAT = {0x200C, 0x200D, *range(0xE0020, 0xE0080)}
# In text that may span lines, only these control characters are allowed.
_TEXT_CONTROLS = {"\n", "\t"}
# An RFC 2047 encoded word, loosely: `=?` and a later `?=`. No name needs both.
_ENCODED_WORD = re.compile(r"=\?.*?\?=", re.DOTALL)
# An addr-spec as the mail servers we send to accept it: ASCII, dot-atom local part, a host
# name with at least one dot. Stricter than RFC 5322 on purpose (no quoted or encoded forms).
_ATOM = r"[A-Za-z0-9!#$%&'*+/^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class TextProblem:
    """Why a value is refused: `key` names the message, `params` fill it in."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


def _refused(char: str, allowed: set[str]) -> bool:
    if char in allowed:
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp", "Cs"):
        return True
    return category == "Cf" and ord(char) not in _KEPT_FORMAT


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _problem(value: str, allowed: set[str]) -> TextProblem | None:
    for char in value:
        if _refused(char, allowed):
            return TextProblem("text_control_character", {"char": _code(char)})
    if _ENCODED_WORD.search(value):
        return TextProblem("text_encoded_word")
    return None


def line_problem(value: str | None) -> TextProblem | None:
    """Why `value` cannot be a one-line field (a name, an id, an owner), or None."""
    return None if value is None else _problem(value, set())


def text_problem(value: str | None) -> TextProblem | None:
    """Why `value` cannot be free text of several lines (line breaks and tabs allowed)."""
    if value is None:
        return None
    return _problem(value.replace("\r\n", "\n"), _TEXT_CONTROLS)


def email_problem(value: str | None) -> TextProblem | None:
    """Why `value` cannot be an e-mail address we store or send to, or None."""
    if value is None:
        return None
    found = line_problem(value)
    if found:
        return found
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(value):
        return TextProblem("text_bad_email")
    return None


def shown(value: str) -> str:
    """`value` for a message: every refused character spelled as its code (`<U+000D>`), so a
    CR/LF or an invisible character shows where it is instead of breaking the message."""
    return "".join(f"<{_code(c)}>" if _refused(c, set()) else c for c in value)


def as_line(value: str) -> str:
    """Stored text (older data may hold anything) made one line of visible text for output
    that must be one line, such as a sentence of an e-mail: refused characters become U+FFFD."""
    return "".join("\ufffd" if _refused(c, set()) else c for c in value)
