"""Destructive buttons ask first, saying what will be deleted with counts; only "yes" deletes."""

from __future__ import annotations

from apphelpers import open_app, texts

from dtmaturity.domain import formats
from dtmaturity.domain.periods import Period
from dtmaturity.services import demo, imports, personaldata, stats

HEADER = "unit_id;period;respondent;item_id;score;comment\r\n"


def test_removing_the_demo_asks_first_with_what_will_be_deleted(demo_db, ctx):
    at = open_app()
    counts = demo.removal_counts(ctx)
    at.button(key="demo_remove").click().run()
    assert demo.has_demo(ctx)  # the first press only asks
    page = texts(at)
    assert (
        f"{counts['units']} enheter, {counts['checkins']} egenvurderinger og "
        f"{counts['actions']} tiltak" in page
    )
    at.button(key="demo_remove:no").click().run()
    assert demo.has_demo(ctx) and "Fjern demodata" in [b.label for b in at.button]
    at.button(key="demo_remove").click().run()
    at.button(key="demo_remove:yes").click().run()
    assert not demo.has_demo(ctx)
    assert "Demodata er fjernet" in texts(at)


def test_the_retention_purge_asks_first_with_counts(demo_db, ctx):
    at = open_app()
    at = at.switch_page("pages/admin.py").run()
    at.number_input(key="adm_keep").set_value(4).run()
    would = personaldata.purge(ctx, 4, dry_run=True)
    assert would["checkin"] > 0
    before = stats.counts(ctx)
    at.button(key="adm_purge").click().run()
    assert stats.counts(ctx) == before  # nothing deleted yet
    assert (
        f"{would['checkin']} egenvurderinger og {would['answer']} svar fra før {formats.quarter(would['before'], 'nb')}"
        in texts(at)
    )
    at.button(key="adm_purge:yes").click().run()
    assert not at.exception
    assert personaldata.purge(ctx, 4, dry_run=True)["checkin"] == 0
    assert (
        f"Før {formats.quarter(would['before'], 'nb')}: {would['checkin']} egenvurderinger"
        in texts(at)
    )


def test_undoing_an_import_asks_first_naming_the_file_and_counts(demo_db, ctx):
    at = open_app()
    at = at.switch_page("pages/import.py").run()
    good = (HEADER + f"demo-bruker-01;{Period.current()};kari;user;4;\r\n").encode()
    at.file_uploader(key="import_file").upload("svar.csv", good, "text/csv").run()
    at.button(key="import_run").click().run()
    [entry] = imports.log(ctx)
    at.button(key="undo_run").click().run()
    assert imports.log(ctx)[0].undone_at is None  # the first press only asks
    assert f"Angre import #{entry.import_id} («svar.csv»)? Dette skjer: Verdier: 0 " in texts(at)
    assert "1 slettet" in texts(at)
    at.button(key="undo_run:yes").click().run()
    assert imports.log(ctx)[0].undone_at is not None
    assert "er angret" in texts(at)
