"""The leader-group report (PDF and HTML, offline) and the pages that set targets and actions."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from apphelpers import as_read, chart_frames, open_app, open_tab, texts
from checkinsteps import fill_scores, go_step
from orgbuilder import PERIOD, PREVIOUS, add_checkins, add_units
from pypdf import PdfReader

from dtmaturity import cli
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, people, report, reportfiles, reportpdf
from dtmaturity.store import AuditEntry, queries
from dtmaturity.store import plans as plan_sql

pytestmark = pytest.mark.duckdb_only(
    "the report and pages draw the frames test_dashboards and test_plans check on both databases"
)

TEST_AUDIT = AuditEntry("test", "test.setup")

ME = "test.leader@etat.example"


def _small_org(ctx) -> None:
    """Two units with three leaders each over two quarters, a target and an open action."""
    ctx.store.write(
        lambda cur: queries.upsert_units(
            cur, [("sor", "Sørøst – «Økonomi»", None, False), ("vest", "Vest", None, False)]
        ),
        audit=TEST_AUDIT,
    )
    for unit in ("sor", "vest"):
        for period, score in ((PREVIOUS, 2), (PERIOD, 3)):
            people = add_checkins(
                ctx, unit, 3, score=score, period=period, roles=(("most", "visionary"),)
            )
    rows = [(item.id, 5, item.scale.max) for item in ctx.framework.items]
    ctx.store.write(
        lambda cur: [
            plan_sql.save_targets(cur, ("sor", PERIOD, p), "2027-Q1", rows) for p in people
        ],
        audit=TEST_AUDIT,
    )
    actions.create(ctx, ActionDraft("sor", ["user"], "Brukerreiser på tvers – “nå”", ME, "2026-Q4"))


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, sum(len(page.images) for page in reader.pages)


def test_the_pdf_report_names_unit_and_period_keeps_norwegian_letters_and_shows_every_chart(ctx):
    _small_org(ctx)
    built = report.build(ctx, "sor", PERIOD, lang="nb")
    figures = [f for s in built.sections for f in s.figures]
    assert len(figures) == 4  # two trends, the competency profile, the roles
    text, images = _pdf_text(reportpdf.to_pdf(built))
    flat = " ".join(text.split())
    assert "Sørøst – «Økonomi»" in flat and PERIOD in flat
    assert "Brukerreiser på tvers – “nå”" in flat  # the open action
    assert "Endringer siden forrige kvartal" in flat and "æ" in flat and "å" in flat
    assert images == len(figures)
    assert "Refleksjonsspørsmål til diskusjon" in flat


def test_the_html_report_is_self_contained_in_english(ctx):
    _small_org(ctx)
    page = reportfiles.to_html(report.build(ctx, "sor", PERIOD, lang="en"))
    assert '<html lang="en">' in page and "Sørøst – «Økonomi»" in page
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count("<img ") == 4 and "Reflection questions to discuss" in page


def test_the_report_in_nynorsk_with_decimal_commas_and_a_written_date(ctx, tmp_path):
    from datetime import date

    _small_org(ctx)
    built = report.build(ctx, "sor", PERIOD, lang="nn", today=date(2026, 12, 15))
    page = reportfiles.to_html(built)
    assert '<html lang="nn">' in page
    assert "Rapport til leiargruppa, laga 15. desember 2026" in page
    assert "Digital modenheit: Sørøst – «Økonomi», 2. kvartal 2026" in built.title
    assert "Refleksjonsspørsmål til diskusjon" in page and "Brukarorientering" in page
    changes = next(s for s in built.sections if s.heading.startswith("Endringar"))
    assert changes.tables[0].rows[0][1:] == ["2,00", "3,00", "+1,00"]
    ctx.store.close()
    out = tmp_path / "rapport.html"
    code = cli.main(["report", "--unit", "sor", "--period", PERIOD, "--lang", "nn", "-o", str(out)])
    assert code == 0 and "Opne tiltak" in out.read_text(encoding="utf-8")


def test_the_report_hides_figures_from_fewer_than_k_answers(ctx):
    add_units(ctx, [("tiny", None)])
    add_checkins(ctx, "tiny", 2, score=4)
    built = report.build(ctx, "tiny", PERIOD, lang="en")
    assert [f for s in built.sections for f in s.figures if "over time" in f.title] == []
    changes = next(s for s in built.sections if s.heading.startswith("Changes"))
    assert all(row[2] == "too few answers to show" for row in changes.tables[0].rows)


def test_cli_writes_a_report_whose_format_follows_the_extension(ctx, tmp_path, capsys):
    _small_org(ctx)
    ctx.store.close()
    out = tmp_path / "rapport.pdf"
    assert cli.main(["report", "--unit", "sor", "--period", PERIOD, "--output", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and "Sørøst" in _pdf_text(out.read_bytes())[0]
    html_out = tmp_path / "rapport.html"
    code = cli.main(["report", "--unit", "sor", "--period", PERIOD, "-o", str(html_out)])
    assert code == 0 and html_out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert cli.main(["report", "--unit", "nope", "--period", PERIOD, "-o", str(out)]) == 1
    assert "nope" in capsys.readouterr().err


def test_cli_all_writes_one_report_per_unit_with_a_progress_bar(ctx, tmp_path, capsys):
    _small_org(ctx)
    ctx.store.close()
    folder = tmp_path / "rapporter"
    code = cli.main(["report", "--all", "--period", PERIOD, "-o", str(folder), "--format", "html"])
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        f"rapport-sor-{PERIOD}.html",
        f"rapport-vest-{PERIOD}.html",
    ]
    err = capsys.readouterr().err
    assert "2/2" in err and "[" + "#" * 30 + "]" in err


def test_cli_exports_actions_and_keeps_the_default_answer_export(ctx, tmp_path: Path, capsys):
    _small_org(ctx)
    ctx.store.close()
    assert cli.main(["export", "--what", "actions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "action_id,unit_id,items,description,owner,due_period,status,closed_period"
    assert "Brukerreiser på tvers" in lines[1]
    assert cli.main(["export"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0] == "unit_id,period,respondent,item_id,score,comment"
    )


def test_the_import_command_recognises_an_actions_file_from_its_header(ctx, tmp_path, capsys):
    add_units(ctx, [("a", None)])
    people.assign(ctx, ME, "leader", "a")  # the command line acts as its own user: ME is a leader
    ctx.store.close()
    path = tmp_path / "tiltak.csv"
    path.write_text(
        f"unit_id,items,description,owner,due_period\na,data,Del data,{ME},2026-Q4\n",
        encoding="utf-8",
    )
    assert cli.main(["import", str(path)]) == 0
    assert "1 new" in capsys.readouterr().out


def test_checkin_page_shows_open_actions_and_saves_their_status(ctx):
    _small_org(ctx)
    [action] = actions.open_for_unit(ctx, "sor")
    at = open_app().switch_page("pages/checkin.py").run()
    at.selectbox(key="ci_unit").set_value("sor").run()
    go_step(at, "actions")
    assert "Brukerreiser på tvers" in " ".join(s.label for s in at.selectbox)
    at.selectbox(key=f"action_status:{action.action_id}").set_value("done")
    at.button(key="save_statuses").click().run()
    assert not at.exception
    [done] = actions.for_unit(ctx, "sor")
    assert done.status == "done" and done.closed_period == at.selectbox(key="ci_period").value


def test_checkin_page_saves_targets_with_the_checkin(ctx):
    add_units(ctx, [("a", None)])
    at = open_app().switch_page("pages/checkin.py").run()
    fill_scores(at, ctx.framework, 3)
    go_step(at, "wheel").selectbox(key="target:user").set_value(5).run()
    go_step(at, "summary")
    target_period = at.selectbox(key="target_period").value
    at.button(key="submit").click().run()
    assert not at.exception and not at.error
    with ctx.store.reader() as cur:
        rows = cur.execute("SELECT item_id, score, target_period FROM target").fetchall()
    assert rows == [("user", 5, target_period)]


def test_unit_page_draws_targets_and_actions_on_the_trend_and_makes_actions_from_reflections(
    ctx, monkeypatch
):
    monkeypatch.setenv("DTMATURITY_MIN_REFLECTIONS", "1")
    _small_org(ctx)
    add_checkins(ctx, "sor", 1, respondents=["x@etat.example"], reflection="Vi må dele mer – ærlig")
    at = open_app().switch_page("pages/unit.py").run()
    at.selectbox(key="unit_id").set_value("sor").run()
    assert not at.exception
    frames = " ".join(frame.to_csv() for _, frame in chart_frames(at))
    assert "Brukerreiser på tvers" in frames and "2026-Q4" in frames  # the action's rule
    assert "2027-Q1" in frames  # the target marker
    assert "Gap to the target" in texts(at) or "Avstand til målet" in texts(at)
    open_tab(at, "Refleksjoner")
    at.selectbox(key="reflection_action_pick").set_value(1).run()  # the only reflection
    assert at.text_area(key="action:reflection:description").value == "Vi må dele mer – ærlig"
    at.multiselect(key="action:reflection:items").set_value(["storyteller"])
    at.button(key="action_save:reflection").click().run()
    assert not at.exception
    made = [a for a in actions.for_unit(ctx, "sor") if a.description == "Vi må dele mer – ærlig"]
    assert made and made[0].items == ["storyteller"] and made[0].source_question
    # The outcome is shown where the form was, in the tab the person is in.
    assert at.session_state["unit_section"] == "Refleksjoner"
    assert [as_read(str(m.value)) for m in at.success] == [
        f"Tiltak #{made[0].action_id} er lagret."
    ]


def test_overview_lists_units_furthest_from_their_targets(ctx):
    add_units(ctx, [("top", None), ("a", "top"), ("b", "top")])
    people = add_checkins(ctx, "a", 3, score=2)
    add_checkins(ctx, "b", 3, score=3)
    rows = [(item.id, 5, item.scale.max) for item in ctx.framework.items]
    ctx.store.write(
        lambda cur: [plan_sql.save_targets(cur, ("a", PERIOD, p), "2027-Q1", rows) for p in people],
        audit=TEST_AUDIT,
    )
    at = open_app().switch_page("pages/overview.py").run()
    assert not at.exception
    assert "A: +3,00" in texts(at)


def test_cli_all_keeps_apart_units_whose_ids_make_the_same_file_name(ctx, tmp_path, capsys):
    add_units(ctx, [("kontor/1", None), ("kontor-1", None), ("kontor 1", None), ("Kontor-1", None)])
    ctx.store.close()
    folder = tmp_path / "rapporter"
    code = cli.main(["report", "--all", "--period", PERIOD, "-o", str(folder), "--format", "html"])
    assert code == 0
    names = [p.name for p in folder.iterdir()]
    assert len({n.lower() for n in names}) == 4
    assert "wrote 4 reports" in capsys.readouterr().out
