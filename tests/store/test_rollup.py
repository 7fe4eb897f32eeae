"""The answer roll-up (what the dashboards sum) stays equal to a recount of the answers, and the
check that says so (used by the load and multiprocess benchmarks too) sees a row that is off."""

from dtmaturity.store import AuditEntry, queries


def mismatches(ctx) -> int:
    with ctx.store.reader() as cur:
        return queries.rollup_mismatches(cur)


def test_the_demo_rollup_equals_a_recount_of_its_answers(demo_ctx):
    assert mismatches(demo_ctx) == 0


def test_a_rollup_row_off_by_one_is_counted(demo_ctx):
    demo_ctx.store.write(
        lambda cur: cur.execute(
            "UPDATE answer_rollup SET total = total + 1 WHERE unit_id = "
            "(SELECT min(unit_id) FROM answer_rollup)"
        ),
        audit=AuditEntry("test", "tamper"),
    )
    assert mismatches(demo_ctx) > 0
