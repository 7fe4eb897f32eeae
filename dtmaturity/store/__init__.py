"""Storage on a DuckDB file or on PostgreSQL: the only part of dtmaturity that speaks SQL.

`Store` owns one connection per process (on PostgreSQL, a pool); every reader and writer gets its own cursor, so
Streamlit's script threads never share one. Writes run in one transaction each and bump the data
version that dashboard caches are keyed on.
"""

from dtmaturity.store.db import (
    AuditEntry,
    DatabaseError,
    FileHeld,
    Store,
    StoreError,
    WriteFailed,
    default_db_path,
)

__all__ = [
    "AuditEntry",
    "DatabaseError",
    "FileHeld",
    "Store",
    "StoreError",
    "WriteFailed",
    "default_db_path",
]
