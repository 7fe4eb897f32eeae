"""Answer files (long, wide, survey tools' exports): the staged cells checked against the
framework, the units the person may import for and the rounds, previewed and written."""

from __future__ import annotations

import duckdb

from dtmaturity.domain import access, clock, dates, textrules
from dtmaturity.domain.importformat import (
    GENERAL_COMMENT,
    RESPONDENT_PATTERN,
    Layout,
    normalise,
    parse_score,
)
from dtmaturity.domain.model import MAX_COMMENT_LENGTH, MAX_REFLECTION_LENGTH, MAX_ROLES_PER_KIND
from dtmaturity.domain.periods import Period
from dtmaturity.domain.problems import Problem
from dtmaturity.services import authz, release_rule, releases
from dtmaturity.services.context import Context
from dtmaturity.services.imports import quarters as quarter_column
from dtmaturity.services.imports.mapping import DATE_ORDER_KEY
from dtmaturity.services.imports.result import (
    ImportResult,
    PreviewRow,
    by_row,
    column_names,
    from_row,
    line_problems,
)
from dtmaturity.store import import_checks, import_staging, import_writes
from dtmaturity.store import rounds as round_store


def check(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
    *,
    hold: bool,
) -> None:
    """Every problem of the staged file, and what its valid rows would change. Reads only;
    `hold`: inside the write transaction, holding the quarters' rounds (release_rule.gate)."""
    result.problems = _problems(ctx, cur, layout, headers, result, hold=hold)
    bad_rows = sorted({p.row for p in result.problems if p.row is not None})
    import_writes.select_valid(cur, bad_rows)
    import_staging.drop(cur, "resolved", "suspect", "checked")  # the changes hold what is written
    result.preview = [PreviewRow(*row) for row in import_writes.preview(cur)]
    result.other_changes = sum(import_writes.extra_change_counts(cur))


def write(
    ctx: Context, cur: duckdb.DuckDBPyConnection, import_id: int, result: ImportResult
) -> dict[str, int]:
    """Write the checked rows (after `check`, in the same transaction); returns the counts."""
    # What would change a released quarter is held until it is released again.
    result.held = releases.hold_late_import(ctx, cur, import_id)
    new, updated, unchanged = import_writes.write_answers(cur, import_id, ctx.framework.version_key)
    return {"new": new, "updated": updated, "unchanged": unchanged, "other": result.other_changes}


def _allowed(ctx: Context) -> list[str] | None:
    """The units the acting person may import for: None (all) for an admin."""
    if access.is_admin(ctx.actor.grants):
        return None
    return authz.coordinated_units(ctx, list(authz.parents(ctx)))


def _lookups(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    layout: Layout,
    result: ImportResult,
    values: import_staging.StagedValues,
) -> list[str]:
    """Load the lookup tables; returns the quarters the file names."""
    fw = ctx.framework
    items = []
    for item in fw.items:
        for key in {normalise(n) for n in (item.id, *item.name.values())}:
            items.append((key, item.id, item.scale.min, item.scale.max, item.scale.id))
    raws = values.periods
    undecided = [
        r for r in raws if layout.period_from_timestamp or not quarter_column.is_quarter(r)
    ]
    saved = result.saved_mapping.get(DATE_ORDER_KEY)
    try:
        result.date_order, result.date_order_chosen = quarter_column.date_order(
            undecided, layout, result.date_order, saved
        )
    except dates.DateOrderWrong as exc:
        row = import_staging.first_row_with_period(cur, exc.value)
        raise quarter_column.WrongDateOrder(row, exc) from None
    periods = quarter_column.period_lookup(raws, layout, result.date_order)
    scores = []
    for raw in values.scores:
        for scale in fw.scales:
            levels = [(lv.value, *lv.label.values()) for lv in scale.levels]
            scores.append((raw, scale.id, parse_score(raw, levels)))
    roles = [
        (key, role.id)
        for role in fw.roles
        for key in {normalise(n) for n in (role.id, *role.name.values())}
    ]
    today = clock.today()
    import_staging.load_lookups(
        cur,
        items=items,
        periods=periods,
        scores=scores,
        roles=roles,
        allowed_units=_allowed(ctx),
        current_period=str(Period.current(today)),
    )
    return sorted({period for _, period in periods if period})


def _problems(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
    *,
    hold: bool,
) -> list[Problem]:
    keys = dict(layout.keys)
    general = keys.pop(GENERAL_COMMENT, None) if layout.format == "wide" else None
    reflections = dict(layout.reflections)
    if general is not None:
        reflections[general] = GENERAL_COMMENT  # the check-in's general comment
    used = [*keys.values(), *layout.items, *layout.comments, *layout.roles, *reflections]
    comment_for = {item: column for column, item in layout.comments.items()}
    import_staging.load_answer_rows(
        cur,
        keys=keys,
        used_columns=used,
        long_item=(keys["item"], keys["score"], keys.get("comment"))
        if layout.format == "long"
        else None,
        wide_items=[
            (
                item_id,
                column,
                comment_for.get(item_id),
                headers[column],
                headers[comment_for[item_id]] if item_id in comment_for else None,
            )
            for column, item_id in layout.items.items()
        ],
        respondent_prefix=layout.tool,
    )
    import_staging.load_extra_cells(
        cur,
        keys,
        roles=[(c, kind, headers[c]) for c, kind in layout.roles.items()],
        reflections=[(c, q, headers[c]) for c, q in reflections.items()],
        respondent_prefix=layout.tool,
    )
    import_staging.all_rows_view(cur)
    values = import_staging.staged_values(
        cur,
        keys.get("period"),
        [keys["score"]] if layout.format == "long" else list(layout.items),
    )
    quarters = _lookups(ctx, cur, layout, result, values)
    # Inside the write transaction, like a check-in: a round that closed before this import
    # commits refuses its rows (import_round_closed), and one closing now waits for it. A dry
    # run reads the rounds as they stand, in its read transaction.
    gate = release_rule.gate(cur, quarters) if hold else release_rule.gate_as_read(cur, quarters)
    round_store.load_closed_quarters(
        cur, [(unit, q) for q in quarters for unit in gate.closed_units(q)]
    )
    import_staging.resolve_answers(cur)
    import_staging.resolve_extras(cur)
    unusual = import_staging.check_respondents(cur)
    import_staging.drop(cur, "stage")  # every cell is in `resolved` now
    columns = column_names(layout, headers)
    rows = import_checks.answer_problems(
        cur, MAX_COMMENT_LENGTH, MAX_REFLECTION_LENGTH, MAX_ROLES_PER_KIND, RESPONDENT_PATTERN
    )
    problems = [from_row(row, columns) for row in rows]
    refused = _respondent_problems(cur, columns, unusual)
    return sorted(problems + refused, key=by_row)


def _respondent_problems(
    cur: duckdb.DuckDBPyConnection, columns: dict[str, str], unusual: list[str]
) -> list[Problem]:
    """Respondents (e-mails or ids) holding control characters or encoded words, per row."""
    refused = [value for value in unusual if textrules.line_problem(value)]
    column = columns.get("respondent", columns.get("respondent_id", "respondent"))
    return [
        problem
        for row, value in import_staging.rows_with_respondents(cur, refused)
        for problem in line_problems(row, column, value)
    ]
