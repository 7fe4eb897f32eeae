"""The named differences between DuckDB and PostgreSQL (store/dialect.py): placeholders and
TEMP tables. Pure text: runs once."""

from __future__ import annotations

import pytest

from dtmaturity.store import dialect


@pytest.mark.parametrize(
    ("duckdb", "psycopg"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("WHERE unit_id = $unit OR $unit = ''", "WHERE unit_id = %(unit)s OR %(unit)s = ''"),
        # A placeholder's characters inside a literal, a quoted name or a comment are text.
        ("SELECT '?', '$x', 'it''s ?' , ?", "SELECT '?', '$x', 'it''s ?' , %s"),
        ('SELECT "a?b" FROM t WHERE x = $x', 'SELECT "a?b" FROM t WHERE x = %(x)s'),
        ("SELECT 1 -- why? $because\nWHERE a = ?", "SELECT 1 -- why? $because\nWHERE a = %s"),
        ("SELECT /* ? */ ?", "SELECT /* ? */ %s"),
        # psycopg reads % everywhere, in literals too: every one is doubled.
        ("WHERE a LIKE '%@%' AND b % 2 = ?", "WHERE a LIKE '%%@%%' AND b %% 2 = %s"),
        ("SELECT $items::VARCHAR[]", "SELECT %(items)s::VARCHAR[]"),
    ],
)
def test_duckdb_placeholders_become_psycopgs(duckdb, psycopg):
    assert dialect.to_psycopg(duckdb) == psycopg


def test_create_or_replace_temp_table_becomes_drop_then_create():
    drop, create = dialect.temp_table_replaced("CREATE OR REPLACE TEMP TABLE stage AS SELECT 1")
    assert drop == "DROP TABLE IF EXISTS stage"
    assert create == "CREATE TEMP TABLE stage AS SELECT 1"
    assert dialect.temp_table_replaced("SELECT 1") == (None, "SELECT 1")


def test_only_a_postgresql_url_names_postgresql_and_its_password_is_never_shown():
    assert dialect.is_postgres("postgresql://u:pw@h:5432/db")
    assert dialect.is_postgres("postgres://u@h/db")
    assert not dialect.is_postgres("data/dtmaturity.duckdb")
    assert "pw" not in dialect.shown("postgresql://u:pw@h:5432/db")


def test_postgresql_holds_a_nul_as_the_replacement_character_and_nothing_else_changes():
    assert dialect.storable("Kunde\x00senteret") == "Kunde\ufffdsenteret"
    assert dialect.storable("Kundesenteret ÆØÅ \u202e") == "Kundesenteret ÆØÅ \u202e"
