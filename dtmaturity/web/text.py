"""Text from data on the page: `as_text` is the one way data reaches a place Streamlit reads as
markdown (tests/web/test_text_sinks.py fails on any other), and the helpers built on it."""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from dtmaturity.web.language import t

# Every character that can start markdown, HTML, a Streamlit directive (`:red[…]`, `:icon:`) or a
# formula (`$…$`) anywhere in a line (a parenthesis matters only after `]`, escaped). `-`, `+`,
# `.` and `:` are handled by _escape_char.
_ALWAYS = set("\\`*_{}[]#!|<>~$=&@^")


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


# Bidirectional embeddings, overrides and isolates: no name needs them (right-to-left letters
# order themselves), and one left open reverses the text after it (a spoofed file name).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


WORD_JOINER = "\u2060"


_AUTOLINK = re.compile(r"(?i):/|www\.|@")


def _escape_char(text: str, i: int) -> str:
    """The character at `i`, escaped when markdown could read it as markup there."""
    char = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if char in _ALWAYS:
        return "\\" + char
    if char in "-+" and (before.isspace() or after == char):
        return "\\" + char  # a list marker, a rule, a setext heading
    between_digits = before.isdigit() and after.isdigit()
    if char == "." and not between_digits and (after.isalnum() or text[:i].strip().isdigit()):
        return "\\."  # the dot of an address (www.…, name.example), an ordered list
    if char == ":" and not (after.isdigit() or after.isspace()):
        return "\\:"  # a link scheme (https:), an emoji or icon (:name:); keeps 09:41
    return char


def as_text(value: object) -> str:
    """Text from data (a name, a comment, a file name, an e-mail address…) made ready for any
    place that Streamlit reads as markdown (a label, help, caption, message, heading, tab,
    expander, page link, radio option): it shows exactly as written, with no link, no autolink
    (https://…, www.…, name@host), no image, no HTML, no formatting and no line break.

    This is the one way data reaches markup; tests/web/test_text_sinks.py fails on any other.
    Places that show plain text (st.text, tables, select box options, charts, files) take the
    text as it is: there the escapes would show."""
    text = _BIDI.sub("", _LINE_BREAKS.sub(" ", "" if value is None else str(value)))
    # Streamlit's markdown finds bare addresses in the text after escapes are read, so an
    # invisible word joiner goes where each kind would match: `https:⁠//`, `www⁠.`, `name⁠@`.
    text = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + WORD_JOINER + m.group(0)[-1], text)
    return "".join(_escape_char(text, i) for i in range(len(text)))


# The same function under its former name, for code written before it became the only one.
label_literal = as_text


def t_as_text(key: str, **params: object) -> str:
    """A catalogue text with data in it (`t(key, **params)`), as text for a markdown place."""
    return as_text(t(key, **params))


def link(label: str, url: str) -> str:
    """A markdown link to a configured address (never one from data): the label shown as text,
    and only an https address taken."""
    if not re.fullmatch(r"https://[^\s()<>\[\]\\]+", url):
        return as_text(label)
    # Inside a link nothing is autolinked: the label needs its escapes, not the word joiners.
    return f"[{as_text(label).replace(WORD_JOINER, '')}]({url})"


def plain_text(text: str) -> None:
    """Free text from users is shown as text, never as markdown or HTML."""
    st.text(text)


def bullet_list(lines: Iterable[str]) -> None:
    """A list of texts (names, figures), each shown as written."""
    st.markdown("\n".join(f"- {as_text(line)}" for line in lines))
