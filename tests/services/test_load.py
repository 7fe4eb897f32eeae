"""Nothing lost under load: many check-ins saved at once through the services on one Store, as
the Streamlit server does (one thread per session)."""

from __future__ import annotations

import threading
import traceback
from dataclasses import replace

import pytest

from dtmaturity.domain import clock
from dtmaturity.domain.access import Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import checkins, imports
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import AuditEntry, WriteFailed, queries

# The quarter in progress: a quarter already released holds late check-ins (issue 22).
TODAY = clock.today()
PERIOD = str(Period.current(TODAY))


def leader(ctx: Context, person: str, unit_id: str) -> Context:
    actor = Actor(person, person, grants=(Grant("leader", unit_id),), local_mode=False)
    return replace(ctx, actor=actor)


def form(ctx: Context, unit_id: str, score: int) -> CheckIn:
    return CheckIn(
        unit_id=unit_id,
        period=PERIOD,
        respondent="ignored",
        scores={item.id: score for item in ctx.framework.items},
        reflections={"wheel_strongest": "Vi deler data."},
    )


def run_at_once(jobs) -> list[BaseException]:
    """Start every job at the same moment and wait for all; return what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_forty_simultaneous_checkins_are_all_stored_once_and_the_rollup_agrees(ctx):
    units = [f"u{i}" for i in range(4)]
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [(u, u, None, False) for u in units]),
        audit=AuditEntry("test", "test.setup"),
    )
    people = [(f"leader{i}@etat.example", units[i % 4], 1 + i % 5) for i in range(40)]
    results = []

    def save(person: str, unit_id: str, score: int):
        def job() -> None:
            results.append(
                checkins.save(leader(ctx, person, unit_id), form(ctx, unit_id, score), today=TODAY)
            )

        return job

    errors = run_at_once([save(*p) for p in people])
    assert errors == []
    assert len(results) == 40 and all(r.ok for r in results)
    with ctx.store.reader() as cur:
        stored = cur.execute(
            "SELECT respondent, unit_id, count(*) FROM checkin GROUP BY respondent, unit_id ORDER BY 1"
        ).fetchall()
        mismatch = cur.execute(
            """SELECT count(*) FROM (
                   SELECT unit_id, period, item_id, count(score) AS n, sum(score) AS total
                   FROM answer WHERE score IS NOT NULL GROUP BY unit_id, period, item_id
               ) a FULL JOIN answer_rollup r USING (unit_id, period, item_id)
               WHERE a.n IS DISTINCT FROM r.n OR a.total IS DISTINCT FROM r.total"""
        ).fetchone()[0]
        rollup_rows = cur.execute("SELECT count(*) FROM answer_rollup").fetchone()[0]
    assert sorted(stored) == sorted((p, u, 1) for p, u, _ in people)
    assert mismatch == 0
    assert rollup_rows == 4 * len(ctx.framework.items)


def test_two_tabs_of_one_leader_saving_at_once_both_succeed_and_one_checkin_remains(ctx):
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [("u1", "u1", None, False)]),
        audit=AuditEntry("test", "test.setup"),
    )
    me = leader(ctx, "kari@etat.example", "u1")
    results = []
    errors = run_at_once(
        [
            lambda s=s: results.append(checkins.save(me, form(ctx, "u1", s), today=TODAY))
            for s in (2, 4)
        ]
        * 8
    )
    assert errors == []
    assert all(r.ok for r in results) and len(results) == 16
    with ctx.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (1,)
        assert cur.execute("SELECT count(DISTINCT score), count(*) FROM answer").fetchone() == (
            1,
            len(ctx.framework.items),
        )


def test_a_refused_write_names_neither_the_key_nor_the_respondent(ctx, caplog):
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [("u1", "u1", None, False)]),
        audit=AuditEntry("test", "test.setup"),
    )

    def twice(cur) -> None:
        for _ in range(2):
            cur.execute(
                "INSERT INTO checkin (unit_id, period, respondent, framework_version) "
                "VALUES ('u1', '2026-Q3', 'kari.nordmann@etat.example', 'x')"
            )

    with pytest.raises(WriteFailed) as raised:
        ctx.store.write(twice, audit=AuditEntry("test", "test.duplicate"))
    shown = "".join(traceback.format_exception(raised.value))
    assert "kari.nordmann" not in shown and "test.duplicate" in shown
    with ctx.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (0,)


def test_a_save_the_database_refuses_says_so_and_stores_nothing(ctx, caplog):
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [("u1", "u1", None, False)]),
        audit=AuditEntry("test", "test.setup"),
    )
    with ctx.store.reader() as cur:  # a broken database: the reflections table is gone
        cur.execute("ALTER TABLE reflection RENAME TO reflection_gone")
    me = leader(ctx, "kari.nordmann@etat.example", "u1")
    result = checkins.save(me, form(ctx, "u1", 3), today=TODAY)
    assert [(e.field, e.key) for e in result.errors] == [("save", "save_failed")]
    assert "kari.nordmann" not in caplog.text
    # The kind of failure, as each database names it: DuckDB's and psycopg's class.
    assert "CatalogException" in caplog.text or "UndefinedTable" in caplog.text
    with ctx.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (0,)
        assert cur.execute("SELECT count(*) FROM answer").fetchone() == (0,)


def test_a_large_import_while_leaders_check_in_completes_and_every_checkin_lands(ctx, tmp_path):
    units = [f"u{i}" for i in range(4)]
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [(u, u, None, False) for u in units]),
        audit=AuditEntry("test", "test.setup"),
    )
    # The import writes the same units and quarter the leaders check in for.
    lines = ["unit_id,period,respondent,item_id,score"]
    lines += [
        f"{units[r % 4]},{PERIOD},imported{r}@etat.example,{item.id},{1 + r % 5}"
        for r in range(300)
        for item in ctx.framework.items
    ]
    path = tmp_path / "svar.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results: list = []
    jobs = [lambda: results.append(("import", imports.run(ctx, path)))]
    for i in range(20):
        me = leader(ctx, f"leader{i}@etat.example", units[i % 4])
        jobs.append(
            lambda me=me, u=units[i % 4]: results.append(
                ("checkin", checkins.save(me, form(ctx, u, 3), today=TODAY))
            )
        )
    errors = run_at_once(jobs)
    assert errors == []
    imported = next(r for kind, r in results if kind == "import")
    assert imported.problems == [] and imported.written
    assert all(r.ok for kind, r in results if kind == "checkin")
    with ctx.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (320,)
        assert cur.execute("SELECT count(*) FROM import_log").fetchone() == (1,)
