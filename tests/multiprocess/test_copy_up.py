"""`dtmaturity copy --to postgresql://…`: the demo file moved to an empty PostgreSQL database,
every table of the schema (enumerated from it) and every sequence the same on both, the
copy then serving the same outputs as the file; a target that is not empty is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import psycopg
import pytest

from dtmaturity.cli import main
from dtmaturity.domain.periods import Period
from dtmaturity.services import analytics, report, reportmodel
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime


@pytest.fixture
def empty_pg(pg_server) -> Iterator[str]:
    """A new, empty PostgreSQL database (not even migrated)."""
    name = pg_server.create()
    yield pg_server.url_for(name)
    pg_server.drop(name)


def file_tables(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary "
            "AND database_name = current_database() ORDER BY 1"
        ).fetchall()]  # fmt: skip


def rows_of_file(path: Path, table: str) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        query = f'SELECT * FROM "{table}"'  # noqa: S608 (names from the schema)
        columns = [d[0] for d in con.execute(query + " LIMIT 0").description]
        rows = con.execute(query).fetchall()
    return sorted(repr(dict(zip(columns, row, strict=True))) for row in rows)


def rows_of_pg(url: str, table: str) -> list[str]:
    with psycopg.connect(url) as con, con.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
        cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        columns = [d.name for d in cur.description]
        rows = cur.fetchall()
    return sorted(repr(dict(zip(columns, row, strict=True))) for row in rows)


def sequences_of_file(path: Path) -> dict[str, object]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(
            con.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall()
        )


def outline(section: reportmodel.Section) -> list:
    """What a reader of a report's section reads (its text, tables and figures' summaries)."""
    return [
        section.heading, section.paragraphs, section.bullets,
        [(t.columns, t.rows) for t in section.tables],
        [(f.title, f.summary) for f in section.figures],
        [outline(s) for s in section.subsections],
    ]  # fmt: skip


def same_output(args: list[str], file: Path, url: str, tmp_path: Path) -> bool:
    """A command writes the same output file on the file and on its copy."""
    outputs = []
    for location in (file, url):
        out = tmp_path / f"{args[0]}-{len(outputs)}.csv"
        assert main(["--db", str(location), *args, "--output", str(out)]) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    return outputs[0] == outputs[1] and outputs[0].count("\n") > 1


def test_the_copy_exports_the_same_answers(demo_db: Path, empty_pg: str, tmp_path: Path):
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 0
    assert same_output(["export"], demo_db, empty_pg, tmp_path)


def context(location: Path | str) -> Context:
    store, framework = open_runtime(location)
    return Context(actor=local_actor(), store=store, framework=framework, lang="en")


def test_copy_moves_every_table_and_sequence_and_the_copy_serves_the_same(
    demo_db: Path, empty_pg: str, tmp_path: Path, capsys
):
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 0
    said = capsys.readouterr().out
    tables = file_tables(demo_db)
    assert "audit_log" in tables and len(tables) > 20
    for table in tables:  # every table of the schema, read back independently
        assert rows_of_pg(empty_pg, table) == rows_of_file(demo_db, table), table
        assert f"\n{table}\t" in f"\n{said}"
    assert f"{len(tables)} tables" in said and "***" in said
    with psycopg.connect(empty_pg) as con:
        for name, last in sequences_of_file(demo_db).items():
            got = con.execute(f'SELECT last_value, is_called FROM "{name}"').fetchone()  # noqa: S608
            assert (got[0] if got[1] else None) == last, name

    # The copy serves the same: the audit command, a report, the overview.
    assert same_output(["audit"], demo_db, empty_pg, tmp_path)
    on_file, on_pg = context(demo_db), context(empty_pg)
    try:
        period = str(Period.current().previous())
        for kind in ("competency", "role"):  # the overview, its privacy rule applied
            cells = [analytics.overview_cells(c, "demo", period, kind) for c in (on_file, on_pg)]
            pd.testing.assert_frame_equal(
                cells[0].reset_index(drop=True), cells[1].reset_index(drop=True), check_dtype=False
            )
            assert cells[0]["hidden"].any() and not cells[0]["hidden"].all()
    finally:
        on_file.store.close()
        on_pg.store.close()


def test_the_copy_makes_the_same_report(demo_db: Path, empty_pg: str):
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 0
    on_file, on_pg = context(demo_db), context(empty_pg)
    try:
        period = str(Period.current().previous())
        built = [report.build(c, "demo-bruker-01", period) for c in (on_file, on_pg)]
        assert [outline(s) for s in built[0].sections] == [outline(s) for s in built[1].sections]
    finally:
        on_file.store.close()
        on_pg.store.close()


def test_copy_into_a_database_that_is_not_empty_is_refused_and_writes_nothing(
    demo_db: Path, empty_pg: str, capsys
):
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 0
    with psycopg.connect(empty_pg) as con:
        before = con.execute("SELECT count(*), max(audit_id) FROM audit_log").fetchone()
    capsys.readouterr()
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 1
    err = capsys.readouterr().err
    assert "is not empty" in err and "audit_log" in err
    with psycopg.connect(empty_pg) as con:
        assert con.execute("SELECT count(*), max(audit_id) FROM audit_log").fetchone() == before


@pytest.mark.parametrize(
    ("source", "target", "said"),
    [
        ("file", "/tmp/other.duckdb", "--to must be a postgresql:// URL"),
        ("url", "url", "not a DuckDB file"),
        ("missing", "url", "there is no database file"),
    ],
)
def test_copy_says_what_is_wrong_with_its_source_or_target(
    source, target, said, demo_db, empty_pg, tmp_path, capsys
):
    where = {"file": str(demo_db), "url": empty_pg, "missing": str(tmp_path / "none.duckdb")}
    target = empty_pg if target == "url" else target
    assert main(["--db", where[source], "copy", "--to", target]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert ":***@" in err or "://" not in err.replace("postgresql://", "")


def test_copy_into_a_database_only_migrated_is_accepted(demo_db: Path, empty_pg: str, capsys):
    assert main(["--db", empty_pg, "migrate"]) == 0  # as an operator may have done first
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 0
    assert "same in both" in capsys.readouterr().out
    with psycopg.connect(empty_pg) as con:
        assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0


def test_every_copied_table_has_planner_statistics(demo_db: Path, empty_pg: str):
    """A database filled in one transaction is analysed at once: the first dashboard queries
    after the move are planned with statistics, not blind (every table of the schema)."""
    assert main(["--db", str(demo_db), "copy", "--to", empty_pg]) == 0
    with psycopg.connect(empty_pg) as con:
        estimated = dict(
            con.execute(
                "SELECT c.relname, c.reltuples FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
            ).fetchall()
        )
    tables = file_tables(demo_db)
    assert set(tables) <= set(estimated)
    assert [t for t in tables if estimated[t] < 0] == []  # -1: never analysed
