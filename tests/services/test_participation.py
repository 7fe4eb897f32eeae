"""Participation says what is true of imported answers (issue 22): answers from people who are
not registered leaders of their unit are counted as such, never as "3 of 0 expected"."""

from __future__ import annotations

import dataclasses

from orgbuilder import PERIOD, TEST_AUDIT, add_checkins, add_units

from dtmaturity.services import analytics, chartsummaries
from dtmaturity.store import people as people_sql


def test_answers_from_unregistered_people_are_named_as_such(ctx):
    add_units(ctx, [("top", None), ("d1", "top"), ("d2", "top")])
    add_checkins(ctx, "d1", 3)  # typed-in unit: nobody registered as its leader
    registered = add_checkins(ctx, "d2", 2)
    ctx.store.write(
        lambda cur: [people_sql.add_grant(cur, p, "leader", "d2") for p in registered],
        audit=TEST_AUDIT,
    )
    frame = analytics.participation(ctx, "top", PERIOD, PERIOD)
    d1 = frame[frame["row_id"] == "d1"].iloc[0]
    assert (d1["checked_in"], d1["expected"], d1["unregistered"]) == (0, 0, 3)
    d2 = frame[frame["row_id"] == "d2"].iloc[0]
    assert (d2["checked_in"], d2["expected"], d2["unregistered"]) == (2, 2, 0)
    ctx = dataclasses.replace(ctx, lang="nb")
    summary = chartsummaries.participation_summary(ctx, frame)
    assert "3 svar fra personer som ikke er registrert som ledere her" in summary
    assert "av 0" not in summary
