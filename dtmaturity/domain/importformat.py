"""Which CSV format a header describes, and what each column holds. Pure Python.

Three formats are recognised from the header alone (case-insensitive, surrounding spaces
ignored): long (one row per answer), wide (one row per check-in, one column per item) and units
(the org tree). A coordinator may map headers that are neither ids nor names (a survey tool's
question texts) to targets once; the mapping is applied here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dtmaturity.domain.csvfile import summary_word
from dtmaturity.domain.framework import Framework
from dtmaturity.domain.model import ROLE_KINDS
from dtmaturity.domain.surveytools import ToolLayout

# Column roles and the header names that mean them (English first, then bokmål and nynorsk).
KEY_HEADERS: dict[str, tuple[str, ...]] = {
    "unit": (
        "unit_id",
        "enhet",
        "unit",
        "enhet_id",
        "enhets_id",
        "eining",
        "eining_id",
        "einings_id",
    ),
    "period": ("period", "periode", "quarter", "kvartal"),
    "respondent": (
        "respondent",
        "respondent_id",
        "e-post",
        "epost",
        "email",
        "e-mail",
        "email address",
        "e-postadresse",
    ),  # fmt: skip
    "item": ("item_id", "element", "item"),
    "score": ("score", "verdi", "value"),
    "comment": ("comment", "kommentar"),
    "name": ("name", "navn", "namn"),
    "parent": ("parent_id", "overordnet", "parent", "overordnet_id", "overordna", "overordna_id"),
}
# Optional wide-format columns: role picks (role ids or names separated by | ; or ,).
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    "most": ("roles_most", "roller_oftest", "roller_oftast"),
    "want": ("roles_want", "roller_vil"),
    "more": ("roles_more", "roller_oftere", "roller_oftare"),
}
COMMENT_PREFIXES = ("comment:", "kommentar:")
REFLECTION_PREFIXES = ("reflection:", "refleksjon:")
IGNORE = "ignore"
# A free-text question that matches no item: the check-in's general comment (stored with the
# reflections under this question id, so undo and erasure treat it like them).
GENERAL_COMMENT = "comment"
_GRID_BRACKET = re.compile(r"^(?P<q>.*)\[(?P<row>[^\[\]]+)\]\s*$")  # Google Forms: Q [Row]
FORMATS = ("long", "wide", "units")
REQUIRED = {
    "long": ("unit", "period", "respondent", "item", "score"),
    "wide": ("unit", "period", "respondent"),
    "units": ("unit", "name"),
}


def normalise(header: str) -> str:
    """How headers are compared: case-insensitive, surrounding and repeated spaces ignored."""
    return " ".join(header.strip().lower().split())


@dataclass
class Layout:
    """What each column of a file holds (0-based column indexes)."""

    format: str
    keys: dict[str, int] = field(default_factory=dict)  # unit, period, respondent, ...
    items: dict[int, str] = field(default_factory=dict)  # wide: column -> item id
    comments: dict[int, str] = field(default_factory=dict)  # wide: column -> item id
    roles: dict[int, str] = field(default_factory=dict)  # wide: column -> role kind
    reflections: dict[int, str] = field(default_factory=dict)  # wide: column -> question id
    unknown: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # a second column for the same target
    tool: str | None = None  # the survey tool that wrote the file (surveytools.TOOLS)
    period_from_timestamp: bool = False  # the quarter comes from the tool's timestamp column
    timezone: str | None = None  # of naive timestamps (Qualtrics names it)
    date_order: str | None = None  # of slash dates, when the tool's format fixes it
    ignored: list[int] = field(default_factory=list)  # the tool's metadata columns
    computed: list[int] = field(default_factory=list)  # «Snitt», «Sum»: computed, ignored

    @property
    def missing(self) -> list[str]:
        present = set(self.keys) | ({"respondent"} if "respondent_id" in self.keys else set())
        return [key for key in REQUIRED[self.format] if key not in present]


def _name_index(framework: Framework) -> dict[str, str]:
    """Every way to name an item in a header: its id and its name in every language."""
    index: dict[str, str] = {}
    for item in framework.items:
        for name in (item.id, *item.name.values()):
            index.setdefault(normalise(name), item.id)
    return index


def mapping_targets(framework: Framework) -> list[str]:
    """Everything a header can be mapped to on the Import page."""
    targets = ["unit", "period", "respondent"]
    targets += [f"item:{item.id}" for item in framework.items]
    targets += [f"comment:{item.id}" for item in framework.items]
    targets += [f"roles:{kind}" for kind in ROLE_KINDS]
    targets += [f"reflection:{q.id}" for q in framework.questions]
    return [*targets, GENERAL_COMMENT, IGNORE]


def header_signature(headers: tuple[str, ...] | list[str]) -> str:
    """Files with the same headers (in any order) share a saved mapping."""
    return "\x1f".join(sorted(normalise(h) for h in headers if h.strip()))


def grid_row(header: str, row_part: str | None = None) -> list[str]:
    """The row labels a grid column's header may carry: the tool's own (SurveyMonkey's second
    header row, Nettskjema's MATRIX.ROW), `Q [Row]` (Google Forms) and `Q - Row` (Qualtrics)."""
    parts = [row_part] if row_part else []
    if match := _GRID_BRACKET.match(header):
        parts.append(match.group("row"))
    if " - " in header:
        parts.append(header.rpartition(" - ")[2])
    return [p for p in parts if p.strip()]


def _target(
    header: str, framework: Framework, names: dict[str, str], row_part: str | None = None
) -> str | None:
    """What a header means on its own, without a saved mapping."""
    target = _own_target(header, framework, names)
    if target is None:
        for part in grid_row(header, row_part):
            if normalise(part) in names:
                return f"item:{names[normalise(part)]}"
    return target


def _own_target(header: str, framework: Framework, names: dict[str, str]) -> str | None:
    key = normalise(header)
    for role, aliases in KEY_HEADERS.items():
        if key in aliases:
            return role
    for kind, aliases in ROLE_HEADERS.items():
        if key in aliases:
            return f"roles:{kind}"
    if key in names:
        return f"item:{names[key]}"
    for prefix in COMMENT_PREFIXES:
        if key.startswith(prefix) and normalise(key[len(prefix) :]) in names:
            return f"comment:{names[normalise(key[len(prefix) :])]}"
    questions = {q.id for q in framework.questions}
    for prefix in REFLECTION_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :].strip() in questions:
            return f"reflection:{key[len(prefix) :].strip()}"
    return None


def _choose_format(targets: list[str | None]) -> str:
    """Long when there is an item and a score column; a units file when the columns are a
    unit's id, name and parent (a survey export also has a name column, but more besides)."""
    present = set(targets) - {None, IGNORE}
    if "item" in present and "score" in present:
        return "long"
    unit_columns = {"unit", "name", "parent"}
    if "name" in present and ("parent" in present or present <= unit_columns):
        return "units"
    return "wide"


def recognise(
    headers: tuple[str, ...] | list[str],
    framework: Framework,
    mapping: dict[str, str] | None = None,
    tool: ToolLayout | None = None,
) -> Layout:
    """The layout of a file from its header; `mapping` maps normalised headers to targets;
    `tool` says which columns are a survey tool's metadata and which carry grid rows."""
    tool = tool or ToolLayout()
    names = _name_index(framework)
    saved = {normalise(k): v for k, v in (mapping or {}).items()}
    targets: list[str | None] = []
    for column, header in enumerate(headers):
        target = saved.get(normalise(header))
        meaning = tool.system.get(column)
        if target is None and meaning is not None:
            target = {"respondent": "respondent"}.get(meaning, IGNORE)
        if target is None:
            target = _target(header, framework, names, tool.row_parts.get(column))
        targets.append(target)
    _form_email_question(headers, targets, tool, saved)
    layout = Layout(
        format="wide" if tool.tool else _choose_format(targets),
        tool=tool.tool,
        timezone=tool.timezone,
        date_order=tool.date_order,
    )
    seen: set[str] = set()
    for column, (header, target) in enumerate(zip(headers, targets, strict=True)):
        if target == IGNORE and column in tool.system:
            layout.ignored.append(column)
            continue
        if not header.strip() or target == IGNORE:
            continue  # spreadsheets often add empty columns at the end
        if target is None and summary_word(header):
            layout.computed.append(column)  # an average or sum of the answers: not an answer
            continue
        if target is None or not _fits(layout.format, target):
            layout.unknown.append(column)
            continue
        if target in seen:
            layout.duplicates.append(column)
            continue
        seen.add(target)
        kind, _, ident = target.partition(":")
        if not ident:
            layout.keys[kind] = column
        elif kind == "item":
            layout.items[column] = ident
        elif kind == "comment":
            layout.comments[column] = ident
        elif kind == "roles":
            layout.roles[column] = ident
        elif kind == "reflection":
            layout.reflections[column] = ident
    for column, meaning in tool.system.items():
        if saved.get(normalise(headers[column])):
            continue  # the coordinator said what this column is
        if meaning == "timestamp" and "period" not in layout.keys:
            layout.keys["period"] = column
            layout.period_from_timestamp = True
        elif meaning == "response_id":
            layout.keys["respondent_id"] = column
    return layout


# Words of a form's own e-mail question ("Din e-postadresse på jobb", "Your work email").
_EMAIL_WORDS = re.compile(r"e-?post|e-?mail|epost", re.IGNORECASE)


def _form_email_question(
    headers: tuple[str, ...] | list[str],
    targets: list[str | None],
    tool: ToolLayout,
    saved: dict[str, str],
) -> None:
    """A tool's e-mail column and the form's own e-mail question are two sources of one
    respondent, not a duplicate: an anonymous Microsoft Forms form writes `anonymous` in its
    `Email` column, and the address is in the question. The one mapped as `respondent` comes
    first; an unmapped question that asks for an e-mail is the second source (`respondent_alt`),
    so identity is never silently lost to `msforms:1..n`."""
    system = [c for c, meaning in tool.system.items() if meaning == "respondent"]
    if not system or targets[system[0]] != "respondent":
        return
    tool_column = system[0]
    mapped = [c for c, t in enumerate(targets) if t == "respondent" and c != tool_column]
    if mapped and not saved.get(normalise(headers[tool_column])):
        targets[tool_column] = "respondent_alt"  # the coordinator's question wins
        return
    for column, header in enumerate(headers):
        if targets[column] is None and column not in tool.system and _EMAIL_WORDS.search(header):
            targets[column] = "respondent_alt"
            return


def _fits(file_format: str, target: str) -> bool:
    """Whether a column's meaning belongs in this format (a 'name' column in a wide file does not)."""
    if file_format == "long":
        return target in (
            "unit",
            "period",
            "respondent",
            "respondent_alt",
            "item",
            "score",
            "comment",
        )
    if file_format == "units":
        return target in ("unit", "name", "parent")
    return (
        target in ("unit", "period", "respondent", "respondent_alt", GENERAL_COMMENT)
        or ":" in target
    )


# A respondent is an e-mail address or a tool's respondent id (`kari`, `114000000001`,
# `R_1aBcDeFgHiJ`, `msforms:3`), at most 254 characters; never text a spreadsheet would run as a
# formula (`=HYPERLINK(…)`, `@SUM(1)`, `+…`, `-…`) or a name with spaces. RE2 syntax (DuckDB's
# regexp_full_match): \pL and \pN are any letter and digit, so `blåbær@etat.example` passes.
RESPONDENT_PATTERN = (
    r"(?:[\pL\pN_][\pL\pN._%+'\-]*@[\pL\pN\-]+(?:\.[\pL\pN\-]+)+"
    r"|[\pL\pN][\pL\pN_.:\-]*)"
)
MAX_RESPONDENT_LENGTH = 254  # an e-mail address's limit (RFC 5321), checked in import_checks

_SCORE = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:[-–—:.)]\s*\D.*)?$")
_TRAILING_NUMBER = re.compile(r"^\D*\((\d+)\)\s*$")  # "Etablert (3)"


def parse_score(raw: str, levels: list[tuple[int, ...]]) -> float | None:
    """A score cell as a number: '3', '3,0', '3.0', '3 – Etablert', or a level label of the
    item's scale ('Etablert', 'Established'); None when it is none of these.

    `levels` are (value, label, label, …) of the item's scale: its labels in every language.
    """
    match = _SCORE.match(raw) or _TRAILING_NUMBER.match(raw)
    if match:
        return float(match.group(1).replace(",", "."))
    key = normalise(raw)
    for value, *labels in levels:
        if key in {normalise(label) for label in labels}:
            return float(value)
    return None
