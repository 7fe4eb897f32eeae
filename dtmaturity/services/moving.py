"""Moving up: the whole database from the DuckDB file to PostgreSQL (`dtmaturity copy --to`).

The decision lives here: the source must be a DuckDB file (opened, and so migrated, as every
command opens it: the app must not hold it, so nothing changes while it is copied), the target
a PostgreSQL database with nothing in it. The target is then migrated to the file's schema and
store/transfer.py copies and checks every table and sequence in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from dtmaturity.store import Store, StoreError, dialect, transfer
from dtmaturity.store.transfer import CopyReport, TransferError

__all__ = ["CopyReport", "TransferError", "copy_to_postgres", "shown"]

shown = dialect.shown  # a URL fit to print: its password as ***


def copy_to_postgres(source: Path | str, target: str) -> CopyReport:
    """Copy the database file `source` into the empty PostgreSQL database `target` (a
    postgresql:// URL). TransferError, with nothing written, when either is not what it must
    be or the copy does not check out."""
    if dialect.is_postgres(str(source)):
        raise TransferError(
            f"the database to copy from is {dialect.shown(str(source))}, not a DuckDB file: "
            "copy moves a file to PostgreSQL (use --db FILE or DTMATURITY_DB)"
        )
    if not dialect.is_postgres(target):
        raise TransferError(f"--to must be a postgresql:// URL, not {target!r}")
    if not Path(source).is_file():
        raise TransferError(f"there is no database file {source}")
    shown = dialect.shown(target)
    with transfer.connect(target) as con:
        holding = transfer.target_holdings(con)
    if holding:
        raise TransferError(
            f"the target {shown} is not empty (rows in {', '.join(holding[:5])}"
            f"{' and more' if len(holding) > 5 else ''}); copy only into an empty database, "
            "so that nothing there is overwritten or mixed with the file's data"
        )
    store = Store(source)
    try:
        migrated = Store(target)  # to the schema the file now has
        try:
            version = migrated.schema_version()
        finally:
            migrated.close()
        if version != store.schema_version():
            raise TransferError("the target's schema version differs from the file's")
        return transfer.copy_database(store, target)
    except StoreError as exc:
        raise TransferError(str(exc)) from None
    finally:
        store.close()
