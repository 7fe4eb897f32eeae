"""`dtmaturity import`: survey-tool files, --sheet, --date-order, the preview summary and
--verbose, messages in --lang, mappings saved also when --skip-invalid left rows out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import surveyexports as tools

from dtmaturity.cli import main
from dtmaturity.domain.periods import Period
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import AuditEntry, queries


@pytest.fixture
def units(db_path: Path) -> Path:
    store, framework = open_runtime(db_path)
    rows = [("etat", "Etaten", None, False), ("u1", "Seksjon for brukere", "etat", False),
            ("u2", "Seksjon for data", "etat", False)]  # fmt: skip
    rows += [(f"e{i:02}", f"Enhet {i}", "etat", False) for i in range(12)]
    store.write(lambda cur: queries.upsert_units(cur, rows), audit=AuditEntry("t", "setup"))
    store.close()
    return db_path


def run(db: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["--db", str(db), "import", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_long_preview_is_summarised_and_verbose_lists_each(units, tmp_path, capsys):
    lines = ["unit_id,period,respondent,item_id,score"]
    lines += [f"e{u:02},{2024 + q // 4}-Q{q % 4 + 1},kari@etat.example,user,3"
              for u in range(12) for q in range(3)]  # fmt: skip
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run(units, "--dry-run", str(path), capsys=capsys)
    assert code == 0
    assert "36 unit and quarter pairs (12 units, 3 quarters from 2024-Q1 to 2024-Q3)" in out
    assert "e00\t2024-Q1" not in out
    code, out, _ = run(units, "--dry-run", "--verbose", str(path), capsys=capsys)
    assert out.count("\t1 new\t") == 36


def test_summary_lines_follow_lang(units, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("unit_id,period,respondent,item_id,score\nu1,2026-Q9,kari,user,3\n")
    code, _, err = run(units, "--lang", "nb", str(path), capsys=capsys)
    assert code == 1 and "avvist: 1 problem i 1 rad; ingenting er lagret" in err
    good = tmp_path / "good.csv"
    good.write_text("unit_id,period,respondent,item_id,score\nu1,2026-Q1,kari,user,3\n")
    code, out, _ = run(units, "--lang", "nb", "--dry-run", str(good), capsys=capsys)
    assert code == 0 and "prøvekjøring, ingenting lagret: Svar: 1 ny," in out


def test_a_survey_tool_file_with_a_bad_row_saves_its_mapping_for_the_next_file(
    units, tmp_path, capsys
):
    bad = (*tools.RESPONSES, tools.Response(7, "x@etat.example", "Ukjent seksjon",
                                            tools.RESPONSES[0].submitted, (1, 1, 1), ""))  # fmt: skip
    first = tools.google_csv(tmp_path / "Skjema.csv", lang="nb", responses=bad)
    maps = [f"--map={h}={t}" for h, t in tools.MAPPING.items()]
    code, out, err = run(units, "--skip-invalid", *maps, str(first), capsys=capsys)
    assert "Recognised: Google Forms export (via Sheets)" in out
    assert "The quarter comes from the column “Tidsmerke”" in out
    assert code == 1 and "rejected and not written: 1 row" in err
    (tmp_path / "next").mkdir()
    second = tools.google_csv(tmp_path / "next" / "Skjema.csv", lang="nb")
    code, out, err = run(units, str(second), capsys=capsys)
    assert code == 0, err
    assert "import " in out and "0 new, 0 updated, 6 unchanged" in out


def _periods(db) -> list[tuple]:
    ctx_store, framework = open_runtime(db)
    ctx = Context(actor=local_actor(), store=ctx_store, framework=framework, lang="en")
    with ctx.store.reader() as cur:
        periods = cur.execute("SELECT DISTINCT period FROM answer ORDER BY 1").fetchall()
    ctx_store.close()
    return periods


def test_date_order_is_asked_once_and_saved(units, tmp_path, capsys):
    maps = [f"--map={h}={t}" for h, t in tools.PLAIN_MAPPING.items()]
    path = tools.excel_csv(tmp_path / "answers.csv", locale="us")
    code, _, err = run(units, *maps, str(path), capsys=capsys)
    assert code == 1 and "Give --date-order dmy" in err
    code, out, err = run(units, *maps, "--date-order", "mdy", str(path), capsys=capsys)
    assert code == 0, err
    assert _periods(units) == [("2026-Q1",), ("2026-Q2",)]
    code, out, err = run(units, str(path), capsys=capsys)
    assert code == 0 and "6 unchanged" in out, err


def test_a_wrong_date_order_is_refused_and_not_saved_and_a_tools_own_order_wins(
    units, tmp_path, capsys
):
    """The finding: `--date-order dmy` for SurveyMonkey's September answers gave exit 0 and
    filed them in three quarters, and the choice was saved for the next file."""
    september = tuple(
        tools.Response(n, f"leder{n}@etat.example", tools.RESPONSES[n % 2].unit_name,
                       datetime(2026, 9, day, 9, 30), (3, 3, 3), "")
        for n, day in ((1, 1), (2, 3), (3, 5))
    )  # fmt: skip
    maps = [f"--map={h}={t}" for h, t in tools.MAPPING.items()]
    monkey = tools.surveymonkey_csv(tmp_path / "Sheet_1.csv", responses=september)
    code, out, err = run(units, *maps, "--date-order", "dmy", str(monkey), capsys=capsys)
    assert code == 0, err
    assert _periods(units) == [("2026-Q3",)]
    # A spreadsheet whose dates fit both orders: dmy spreads the week over four months.
    plain = tools.excel_csv(tmp_path / "answers.csv", locale="us", responses=september)
    pmaps = [f"--map={h}={t}" for h, t in tools.PLAIN_MAPPING.items()]
    code, _, err = run(units, *pmaps, "--date-order", "dmy", str(plain), capsys=capsys)
    assert code == 1 and "spread over 120 days" in err
    code, _, err = run(units, str(plain), capsys=capsys)  # the wrong choice was not kept
    assert code == 1 and "Give --date-order dmy" in err


def test_sheet_chooses_a_workbook_sheet(units, tmp_path, capsys):
    import openpyxl

    path = tools.msforms_xlsx(tmp_path / "svar.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notater", 0).append(["bare notater"])
    book.save(path)
    maps = [f"--map={h}={t}" for h, t in tools.MAPPING.items()]
    code, _, err = run(units, *maps, "--sheet", "Mangler", str(path), capsys=capsys)
    assert (
        code == 1 and "The workbook has no sheet “Mangler”. Its sheets are: Notater, Sheet1." in err
    )
    code, out, err = run(units, *maps, "--sheet", "Sheet1", str(path), capsys=capsys)
    assert code == 0, err
    assert "(xlsx, Sheet1)" in out and "Recognised: Microsoft Forms export" in out


def test_the_import_log_undo_and_people_import_speak_the_language_asked_for(
    demo_db, tmp_path, capsys
):
    from dtmaturity.cli import main as cli

    people_file = tmp_path / "personer.csv"
    people_file.write_text("email,role,unit_id\nny@etat.example,leader,demo-bruker-02\n", "utf-8")
    assert (
        cli(
            [
                "--db",
                str(demo_db),
                "people",
                "import",
                str(people_file),
                "--dry-run",
                "--lang",
                "nn",
            ]
        )
        == 0
    )
    assert "kontrollerte 1 rad" in capsys.readouterr().out
    assert cli(["--db", str(demo_db), "people", "import", str(people_file), "--lang", "nb"]) == 0
    assert "1 ny rolletildeling fra 1 rad" in capsys.readouterr().out
    answers = tmp_path / "svar.csv"
    answers.write_text(
        # The quarter in progress: one already released would hold the row (issue 22).
        f"unit_id,period,respondent,item_id,score\ndemo-bruker-02,{Period.current()},"
        "ny@etat.example,user,4\n",
        "utf-8",
    )
    assert cli(["--db", str(demo_db), "import", str(answers)]) == 0
    capsys.readouterr()
    assert cli(["--db", str(demo_db), "imports", "list", "--lang", "nb"]) == 0
    listed = capsys.readouterr().out
    assert "1 rad, 1 ny, 0 oppdaterte, 0 uendrede, avvist: 0 rader" in listed
    import_id = listed.split("\t", 1)[0].strip()
    assert cli(["--db", str(demo_db), "imports", "undo", import_id, "--lang", "nn"]) == 0
    assert f"angra import {import_id}: 0 svar attoppretta, 1 fjerna" in capsys.readouterr().out
    assert cli(["--db", str(demo_db), "imports", "list"]) == 0  # English unless asked
    assert " UNDONE " in capsys.readouterr().out


def test_the_cli_prints_the_map_that_reads_free_text_and_a_date_column(units, tmp_path, capsys):
    import shlex

    path = tools.excel_csv(tmp_path / "svar.csv", locale="nb")
    code, _, err = run(units, str(path), capsys=capsys)
    assert code == 1
    hint = next(line for line in err.splitlines() if "dtmaturity import --map" in line)
    command = shlex.split(hint.split(": ", 1)[1])
    assert command[2:] == ["--map=Innsendt=period", str(path)]
    code, out, err = run(units, *command[2:], capsys=capsys)
    assert code == 0, err
    sheet = tmp_path / "ark.csv"
    sheet.write_text(
        "Enhet;Periode;E-post;Brukerorientering;Hva er viktigst nå?\r\n"
        "Seksjon for brukere;2026-Q1;kari@etat.example;3;Bedre samarbeid på tvers\r\n",
        encoding="utf-8",
    )
    code, _, err = run(units, str(sheet), capsys=capsys)
    assert code == 1 and "holds free text («Bedre samarbeid på tvers»)" in err
    hint = next(line for line in err.splitlines() if ": dtmaturity import " in line)
    assert shlex.split(hint.split(": ", 1)[1])[2:-1] == ["--map=Hva er viktigst nå?=comment"]
