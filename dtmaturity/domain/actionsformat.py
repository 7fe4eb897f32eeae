"""The actions file's columns: the header names each column may have (English, bokmål,
nynorsk), the status names, and recognising an actions file from its header alone."""

from __future__ import annotations

from pathlib import Path

from dtmaturity.domain.csvfile import CsvFileError, peek_headers
from dtmaturity.domain.importformat import normalise

ITEM_SEPARATORS = "|;,"

# Header names the import accepts for each column (English first, then bokmål and nynorsk).
IMPORT_HEADERS: dict[str, tuple[str, ...]] = {
    "action_id": ("action_id", "tiltak_id", "id"),
    "unit_id": ("unit_id", "enhet", "unit", "eining"),
    "items": ("items", "elementer", "item_id", "element"),
    "description": ("description", "beskrivelse", "tiltak", "skildring"),
    "owner": ("owner", "eier", "ansvarlig", "eigar", "ansvarleg"),
    "due_period": ("due_period", "frist", "due"),
    "status": ("status",),
    "closed_period": ("closed_period", "lukket", "closed", "lukka"),
}
REQUIRED_HEADERS = ("unit_id", "items", "description", "owner", "due_period")
STATUS_NAMES = {
    "planned": ("planned", "planlagt", "planlagd"),
    "in_progress": ("in_progress", "in progress", "pågår", "i gang"),
    "done": ("done", "gjennomført", "ferdig"),
    "dropped": ("dropped", "droppet", "avbrutt", "droppa", "avbrote"),
}


def header_roles(headers: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Which column holds what, for an actions file (column role -> index)."""
    roles: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = normalise(header)
        for role, aliases in IMPORT_HEADERS.items():
            if key in aliases and role not in roles:
                roles[role] = index
    return roles


def is_actions_header(headers: tuple[str, ...] | list[str]) -> bool:
    """An actions file is recognised by its header: it has a description and an owner."""
    roles = header_roles(headers)
    return "description" in roles and "owner" in roles


def is_actions_file(path: Path) -> bool:
    """Does the file's header say it is an actions file? (False for anything unreadable: the
    answers import then reports what is wrong with it.)"""
    try:
        return is_actions_header(peek_headers(path))  # the first bytes only
    except (CsvFileError, OSError):
        return False
