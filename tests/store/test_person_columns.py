"""Every text column of the migrated database is declared: either it can name a person (and
erasure and My data reach it) or it never does. A table or column added later without saying
which fails here."""

from __future__ import annotations

from dtmaturity.store import Store, person_columns


def text_columns(store: Store) -> set[tuple[str, str]]:
    """(table or view, column) of every text or text-list column, from the database itself."""
    with store.reader() as cur:
        rows = cur.execute(
            # VARCHAR and VARCHAR[] as DuckDB names them; character varying and its array
            # (udt_name _varchar) as PostgreSQL does.
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_catalog = current_database() AND table_schema = current_schema()
                 AND (data_type LIKE 'VARCHAR%' OR data_type = 'character varying'
                      OR udt_name = '_varchar')"""
        ).fetchall()
    return set(rows)


def declared() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    person = {(t, c) for t, columns in person_columns.PERSON_COLUMNS.items() for c in columns}
    other = {(t, c) for t, columns in person_columns.OTHER_TEXT.items() for c in columns}
    return person, other


def test_every_text_column_says_whether_it_can_name_a_person(new_db):
    store = Store(new_db)
    try:
        found = text_columns(store)
    finally:
        store.close()
    person, other = declared()
    assert not person & other, "declared both ways"
    undeclared = sorted(found - person - other)
    assert undeclared == [], (
        "text columns not declared in store/person_columns.py (PERSON_COLUMNS or OTHER_TEXT): "
        f"{undeclared}"
    )
    assert sorted((person | other) - found) == [], "declared columns the schema does not have"


def test_every_kind_of_person_column_is_one_erasure_knows():
    kinds = {
        kind for columns in person_columns.PERSON_COLUMNS.values() for kind in columns.values()
    }
    known = {*person_columns.ID_KINDS, *person_columns.MENTION_KINDS, person_columns.WITH_ROW}
    assert kinds <= known
    for table, columns in person_columns.PERSON_COLUMNS.items():
        # a name or a comment goes with its row: the row must be found by an id or a mention
        assert set(columns.values()) - {person_columns.WITH_ROW}, table
