"""A save the database refuses says so in words on the check-in page and keeps what was typed."""

from __future__ import annotations

import duckdb
from apphelpers import open_app, texts
from checkinsteps import fill_scores, go_step, submit


def test_a_failed_save_says_so_and_keeps_what_was_typed(demo_db, framework):
    at = open_app()
    at.switch_page("pages/checkin.py").run()
    fill_scores(at, framework, 4)
    go_step(at, "wheel").text_area(key="comment:user").input("Vi har fått ny brukerinnsikt.").run()
    # The database breaks while the leader types (the app's own connection stays open).
    con = duckdb.connect(str(demo_db))
    con.execute("ALTER TABLE reflection RENAME TO reflection_gone")
    con.close()
    submit(at)
    assert not at.exception
    page = texts(at)
    assert "Egenvurderingen ble ikke lagret: databasen avviste lagringen." in page
    assert "er lagret" not in page
    go_step(at, "wheel")
    assert at.text_area(key="comment:user").value == "Vi har fått ny brukerinnsikt."
    assert at.radio(key="score:user").value == 4
