"""The import log, and undoing an import: what was there before is put back, except values
changed since (kept)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from dtmaturity.domain import access
from dtmaturity.domain.access import AccessDenied
from dtmaturity.domain.i18n import counted, t
from dtmaturity.domain.periods import Period
from dtmaturity.services import authz, release_rule
from dtmaturity.services.context import Context
from dtmaturity.services.imports.units import units_out_of_scope
from dtmaturity.store import import_log
from dtmaturity.store import import_units as sql
from dtmaturity.store import releases as releases_sql


@dataclass(frozen=True)
class LogEntry:
    import_id: int
    imported_at: object
    file_name: str
    file_format: str
    dialect: str
    new: int
    updated: int
    unchanged: int
    rejected: int
    units_new: int
    units_updated: int
    actor: str
    sha256: str
    undone_at: object
    undone_by: str | None
    other_changes: int
    rows_total: int

    def line(self, lang: str = "en") -> str:
        """One import per line, beginning with its id (what `imports undo` takes), in `lang`."""
        undone = (
            " "
            + t(
                lang,
                "cli_log_undone",
                at=f"{self.undone_at:%Y-%m-%d %H:%M}",
                who=self.undone_by,
            ).strip()
            if self.undone_at
            else ""
        )
        rows_text = counted(lang, "n_rows", self.rows_total)
        rejected_text = counted(lang, "n_rows", self.rejected)
        if self.file_format == "units":
            counts = t(
                lang,
                "cli_log_unit_counts",
                rows_text=rows_text,
                new_text=counted(lang, "n_new_units", self.units_new),
                updated_text=counted(lang, "n_updated_units", self.units_updated),
                rejected_text=rejected_text,
            )
        else:
            counts = t(lang, "cli_log_counts", rows_text=rows_text,
                       new_text=counted(lang, "n_new", self.new),
                       updated_text=counted(lang, "n_updated", self.updated),
                       unchanged_text=counted(lang, "n_unchanged", self.unchanged),
                       rejected_text=rejected_text)  # fmt: skip
        return (
            f"{self.import_id}\t{self.imported_at:%Y-%m-%d %H:%M:%S}\t{self.actor}\t"
            f"{self.file_name}\t{self.file_format}\t{self.dialect}\t{counts}\t"
            f"sha256:{self.sha256}{undone}"
        )


def log(ctx: Context, limit: int = 200) -> list[LogEntry]:
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        return [LogEntry(*row) for row in import_log.import_log(cur, limit)]


class UndoError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def undo(ctx: Context, import_id: int) -> dict[str, int]:
    """Restore what was there before the import, except values changed since (kept).
    Coordinators undo their own imports; admins any. Returns how many values were restored,
    removed and kept, and units restored, removed and kept (in use, or changed since)."""
    return ctx.write(_undo_work(ctx, import_id), "import.undo", str(import_id), dict)


class _Trial(Exception):
    """Carries a trial undo's counts out of the transaction it rolls back."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts


def undo_preview(ctx: Context, import_id: int) -> dict[str, int]:
    """What `undo` would do now, counted by doing it in a transaction that is rolled back: the
    confirmation says what will happen, not what the import once wrote. Refuses as `undo`."""
    work = _undo_work(ctx, import_id)

    def trial(cur: duckdb.DuckDBPyConnection) -> None:
        raise _Trial(work(cur))

    try:
        ctx.write(trial, "import.undo", str(import_id), invalidates=False)
    except _Trial as done:
        return done.counts
    raise AssertionError("the trial undo always rolls back")


def _undo_work(
    ctx: Context, import_id: int
) -> Callable[[duckdb.DuckDBPyConnection], dict[str, int]]:
    authz.require_coordinate(ctx)

    def work(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
        status = import_log.import_status(cur, import_id)
        if status is None:
            raise UndoError("undo_unknown", id=import_id)
        if status[1] is not None:
            raise UndoError("undo_already", id=import_id)
        if status[2] != ctx.actor.user_id and not access.is_admin(ctx.actor.grants):
            raise AccessDenied("access_undo", id=import_id)
        if not access.is_admin(ctx.actor.grants):
            # Moving units back is a move too: it must stay inside the subtree as it is now
            # (an admin may have moved an old parent out since).
            back = [(0, unit, None, parent) for unit, parent in sql.unit_moves_back(cur, import_id)]
            if units_out_of_scope(back, ctx.actor.grants, sql.existing_parents(cur), {}):
                raise AccessDenied("access_undo_scope", id=import_id)
        # Undoing puts answers back into their quarters: not into a closed one (decided in
        # this transaction, like a check-in's save).
        touched = import_log.quarters(cur, import_id)
        gate = release_rule.gate(cur, sorted({period for _, period in touched}))
        for unit_id, period in touched:
            if gate.refusal(unit_id, period) is not None:
                raise UndoError("undo_round_closed", id=import_id, unit=unit_id, period=period)
        current = str(Period.current())
        if sql.unit_moves_back(cur, import_id):
            releases_sql.keep_before_tree_change(cur, ctx.actor.user_id, current)
        releases_sql.keep_before_import_undo(cur, import_id, ctx.actor.user_id, current)
        releases_sql.drop_held_import(cur, import_id)
        return import_log.undo_import(cur, import_id, ctx.actor.user_id)

    return work
