"""How a file's columns are read: the mapping saved per header set (with its date order), the
mapping described for the page, and the unknown columns sampled to offer what they can be."""

from __future__ import annotations

import csv
import json

from dtmaturity.domain import dates
from dtmaturity.domain.csvfile import CsvSource
from dtmaturity.domain.importformat import (
    GENERAL_COMMENT,
    IGNORE,
    Layout,
    header_signature,
    normalise,
    parse_score,
)
from dtmaturity.domain.surveytools import ToolLayout
from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.services.imports.result import ImportResult
from dtmaturity.store import header_mappings

# Saved with a header set's mapping: the date order the coordinator chose for its dates.
DATE_ORDER_KEY = "@date_order"


def saved_mapping(ctx: Context, headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The header mapping saved for files with these headers, or an empty one (the date order
    chosen for them, if any, under DATE_ORDER_KEY)."""
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        text = header_mappings.saved_mapping(cur, header_signature(headers))
    return json.loads(text) if text else {}


def save_mapping(
    ctx: Context,
    headers: tuple[str, ...],
    mapping: dict[str, str],
    *,
    date_order: str | None = None,
) -> None:
    """Remember how to read files with these headers (normalised header → target), and the
    date order their dates need, if one was chosen."""
    authz.require_coordinate(ctx)
    clean = {
        normalise(h): target for h, target in mapping.items() if target and h != DATE_ORDER_KEY
    }
    order = date_order or mapping.get(DATE_ORDER_KEY)
    if order in dates.DATE_ORDERS:
        clean[DATE_ORDER_KEY] = order
    payload = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    ctx.write(
        lambda cur: header_mappings.save_mapping(
            cur, header_signature(headers), payload, ctx.actor.user_id
        ),
        "import.mapping.save",
        details={"headers": len(headers)},
    )


def described(layout: Layout, headers: tuple[str, ...]) -> dict[str, str]:
    """Header → target for every column the import reads (shown, and changeable, on the page)."""
    described: dict[str, str] = {}
    for key, column in layout.keys.items():
        described[headers[column]] = key
    for kind, columns in (
        ("item", layout.items),
        ("comment", layout.comments),
        ("roles", layout.roles),
        ("reflection", layout.reflections),
    ):
        for column, ident in columns.items():
            described[headers[column]] = f"{kind}:{ident}"
    for column in [*layout.ignored, *layout.computed]:
        described.setdefault(headers[column], IGNORE)
    return described


SAMPLE_VALUES = 3  # values shown of an unknown column
_SAMPLE_ROWS = 200  # rows read for them


def _samples(source: CsvSource, skip: int, columns: list[int]) -> dict[int, list[str]]:
    """The first few distinct non-empty values of `columns`, from the file's first rows."""
    found: dict[int, list[str]] = {c: [] for c in columns}
    with source.path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=source.delimiter)
        try:
            for number, record in enumerate(reader):
                if number < skip + source.skip_lines:
                    continue
                if number > _SAMPLE_ROWS:
                    break
                for column in columns:
                    value = record[column].strip() if column < len(record) else ""
                    if value and value not in found[column] and len(found[column]) < SAMPLE_VALUES:
                        found[column].append(value)
        except csv.Error:
            pass  # the import itself names what is wrong with the file
    return found


def describe_unknown(
    ctx: Context,
    source: CsvSource,
    tool: ToolLayout,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
) -> None:
    """Sample values of the unknown columns, and which of them hold dates or free text."""
    if not layout.unknown:
        return
    levels = [(lv.value, *lv.label.values()) for sc in ctx.framework.scales for lv in sc.levels]
    samples = _samples(source, tool.header_rows, layout.unknown)
    for column, values in samples.items():
        header = headers[column]
        result.samples[header] = values
        if not values:
            continue
        if all(dates.parse_moment(v, "dmy") or dates.parse_moment(v, "mdy") for v in values):
            if "period" not in layout.keys:
                result.date_headers.append(header)
        elif all(parse_score(v, levels) is None for v in values) and any(" " in v for v in values):
            result.free_text_headers.append(header)  # words, not scores, ids or addresses


def general_comment(layout: Layout, result: ImportResult) -> str | None:
    """The header of a survey tool's only free-text question matching no item, when nothing
    is the general comment yet; None otherwise (several are offered, none chosen)."""
    if not layout.tool or GENERAL_COMMENT in layout.keys or len(result.free_text_headers) != 1:
        return None
    return result.free_text_headers[0]
