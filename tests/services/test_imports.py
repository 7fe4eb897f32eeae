"""CSV import: every format and dialect real tools write, every error at once, nothing lost."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dtmaturity.cli import main
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import checkins, imports, releases
from dtmaturity.store import AuditEntry, Store, queries

TEST_AUDIT = AuditEntry("test", "test.setup")

TRICKY = "Godt – “bedre” enn før … 5 €; ‘ok’ — sa Åse,\r\nog «så» videre"
LONG_HEADER = ["unit_id", "period", "respondent", "item_id", "score", "comment"]

NO_UNITS = {"units_restored": 0, "units_removed": 0, "units_kept": 0}


def write_csv(
    path: Path, rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8", bom: bool = False
) -> Path:
    """Write rows the way spreadsheets do: quote only where needed, CRLF line ends."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            if any(ch in cell for ch in (sep, '"', "\n", "\r")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(sep.join(cells))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if bom and encoding == "utf-8":
        data = codecs.BOM_UTF8 + data
    path.write_bytes(data)
    return path


def answers(ctx, unit_id: str | None = None) -> list[tuple]:
    with ctx.store.reader() as cur:
        return cur.execute(
            "SELECT unit_id, period, respondent, item_id, score, comment FROM answer "
            "WHERE unit_id = coalesce(?, unit_id) ORDER BY 1, 2, 3, 4, 5, 6",
            [unit_id],
        ).fetchall()


def snapshot(ctx) -> dict[str, list[tuple]]:
    out = {}
    with ctx.store.reader() as cur:
        for table in ("unit", "checkin", "answer", "role_pick", "reflection"):
            names = [
                name
                for (name,) in cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "AND table_schema = current_schema() ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if name not in ("created_at", "updated_at")
            ]
            every = ", ".join(str(n) for n in range(1, len(names) + 1))
            sql = f"SELECT {', '.join(names)} FROM {table} ORDER BY {every}"  # noqa: S608
            out[table] = cur.execute(sql).fetchall()
    return out


@pytest.fixture
def org(ctx):
    """A small registered org tree: an agency with two units."""
    ctx.store.write(
        lambda cur: queries.upsert_units(
            cur,
            [
                ("etat", "Etaten", None, False),
                ("u1", "Seksjon for brukere", "etat", False),
                ("u2", "Seksjon for data", "etat", False),
            ],
        ),
        audit=TEST_AUDIT,
    )
    return ctx


def problems_by_key(result) -> list[tuple]:
    return [(p.row, p.column, p.value, p.key) for p in result.problems]


# --- dialects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "encoding", "bom", "dialect"),
    [
        (",", "utf-8", False, "utf-8, comma"),
        (",", "utf-8", True, "utf-8-sig, comma"),
        (";", "cp1252", False, "windows-1252, semicolon"),
        ("\t", "utf-16", False, "utf-16, tab"),
        ("\t", "utf-16-le", False, "utf-16, tab"),
        (";", "utf-8", False, "utf-8, semicolon"),
    ],
)
def test_every_dialect_is_detected_and_every_character_survives(
    org, tmp_path, sep, encoding, bom, dialect
):
    rows = [
        LONG_HEADER,
        ["u1", "2026-Q3", "åse@etat.example", "user", "4", TRICKY],
        ["u1", "2026-Q3", "åse@etat.example", "data", "3,0", 'Sitat: "hei", sa hun; ok'],
    ]
    path = write_csv(tmp_path / "svar.csv", rows, sep=sep, encoding=encoding, bom=bom)
    result = imports.run(org, path)
    assert result.problems == []
    assert (result.file_format, result.dialect) == ("long", dialect)
    assert answers(org) == [
        ("u1", "2026-Q3", "åse@etat.example", "data", 3, 'Sitat: "hei", sa hun; ok'),
        ("u1", "2026-Q3", "åse@etat.example", "user", 4, TRICKY),
    ]


def test_norwegian_headers_any_case_and_spaces_and_period_forms(org, tmp_path):
    rows = [
        [" Enhet ", "PERIODE", "Respondent", " element", "Verdi ", "kommentar"],
        ["u1", "2026Q3", "kari", "Brukerorientering", "4", ""],
        ["u1", "2026 Q2", "kari", "User orientation", "3", ""],
        ["u1", "Q1 2026", "kari", "user", "2", ""],
        ["u1", "2025-11-30", "kari", "user", "2", ""],
        ["U1", "15.09.2025", "kari", "user", "1", ""],
        ["Seksjon for data", "15.09.2025 00:00", "kari", "TEKNOLOGI", "5 – Ledende", ""],
    ]
    result = imports.run(org, write_csv(tmp_path / "nb.csv", rows, sep=";"))
    assert result.problems == []
    periods = sorted({(a[0], a[1], a[3]) for a in answers(org)})
    assert periods == [
        ("u1", "2025-Q3", "user"),
        ("u1", "2025-Q4", "user"),
        ("u1", "2026-Q1", "user"),
        ("u1", "2026-Q2", "user"),
        ("u1", "2026-Q3", "user"),
        ("u2", "2025-Q3", "technology"),
    ]


def test_nynorsk_headers_item_names_and_level_labels(org, tmp_path):
    rows = [
        ["Eining", "Kvartal", "E-post", "Element", "Verdi", "Kommentar"],
        ["u1", "2026-Q3", "kari", "Brukarorientering", "Ikkje starta", "Godt i gang"],
        ["u1", "2026-Q3", "kari", "Leiing", "4", ""],
    ]
    result = imports.run(org, write_csv(tmp_path / "nn.csv", rows, sep=";"))
    assert result.problems == []
    got = {(a[3], a[4], a[5]) for a in answers(org)}
    assert got == {("user", 1, "Godt i gang"), ("leadership", 4, None)}


def test_nynorsk_wide_and_units_headers(org, tmp_path):
    units = [["Eining", "Namn", "Overordna"], ["u9", "Seksjon 9", "u1"]]
    assert imports.run(org, write_csv(tmp_path / "einingar.csv", units)).problems == []
    wide = [
        ["eining", "kvartal", "respondent", "Brukarorientering", "roller_oftast", "roller_oftare"],
        ["u9", "2026-Q3", "kari", "3", "Visjonæren", "Brubyggjaren"],
    ]
    result = imports.run(org, write_csv(tmp_path / "breitt.csv", wide))
    assert result.problems == []
    with org.store.reader() as cur:
        picks = cur.execute("SELECT kind, role_id FROM role_pick ORDER BY 1, 2").fetchall()
    assert picks == [("more", "bridge_builder"), ("most", "visionary")]


def test_norwegian_excel_quirks_sep_line_trailing_columns_and_empty_rows(org, tmp_path):
    """Excel's 'CSV (semikolondelt)': a `sep=;` line, empty columns and rows at the end."""
    text = (
        "sep=;\r\n"
        "Enhet;Periode;E-post;Element;Verdi;Kommentar;;\r\n"
        "u1;2026-Q3;kari@etat.example;Brukerorientering;Etablert (3);Bra – «veldig»;;\r\n"
        "u1;2026-Q3;kari@etat.example;Data;4 – Integrert;;;\r\n"
        ";;;;;;;\r\n"
        "u1;2026-Q3;kari@etat.example;Innovasjon;Established;;;\r\n"
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    result = imports.run(org, path)
    assert result.problems == []
    assert answers(org) == [
        ("u1", "2026-Q3", "kari@etat.example", "data", 4, None),
        ("u1", "2026-Q3", "kari@etat.example", "innovation", 3, None),
        ("u1", "2026-Q3", "kari@etat.example", "user", 3, "Bra – «veldig»"),
    ]
    bad = path.read_bytes().replace(b"Established", b"Tja")
    path.write_bytes(bad)
    rejected = imports.run(org, path)
    assert [(p.row, p.value) for p in rejected.problems] == [(5, "Tja")]  # header is row 1


# --- validation -------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_row_column_value(org, tmp_path):
    rows = [
        LONG_HEADER,
        ["u1", "2026-Q3", "kari", "user", "4", ""],  # row 2: fine
        ["nowhere", "2026-Q3", "kari", "user", "4", ""],  # row 3: unknown unit
        ["u1", "2026-Q5", "kari", "data", "4", ""],  # row 4: not a quarter
        ["u1", "2026-Q3", "kari", "magic", "4", ""],  # row 5: unknown item
        ["u1", "2026-Q3", "kari", "data", "7", ""],  # row 6: out of range
        ["u1", "2026-Q3", "kari", "leadership", "2,5", ""],  # row 7: not whole
        ["u1", "2026-Q3", "", "innovation", "3", ""],  # row 8: missing respondent
        ["u1", "2026-Q3", "kari", "user", "5", ""],  # row 9: same key as row 2
        ["u1", "2026-Q3", "kari", "ecosystem", "mye", ""],  # row 10: not a number
    ]
    path = write_csv(tmp_path / "feil.csv", rows)
    before = snapshot(org)
    result = imports.run(org, path)
    assert problems_by_key(result) == [
        (3, "unit_id", "nowhere", "import_unknown_unit"),
        (4, "period", "2026-Q5", "import_bad_period"),
        (5, "item_id", "magic", "import_unknown_item"),
        (6, "score", "7", "import_score_range"),
        (7, "score", "2,5", "import_score_range"),
        (8, "respondent", None, "import_missing_respondent"),
        (9, "respondent", "kari", "import_duplicate_key"),
        (10, "score", "mye", "import_score_not_number"),
    ]
    assert result.problems[6].params == {"first_row": "2", "item": "user"}
    assert "row 6" in result.problems[3].line("feil.csv", "en")
    assert "from 1 to 5" in result.problems[3].message("en")
    assert "fra 1 til 5" in result.problems[3].message("nb")
    assert not result.written
    assert snapshot(org) == before  # nothing stored was touched


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(org, tmp_path):
    rows = [
        LONG_HEADER,
        ["u1", "2026-Q3", "kari", "user", "4", ""],
        ["u1", "x", "kari", "data", "4", ""],
    ]
    result = imports.run(org, write_csv(tmp_path / "a.csv", rows), skip_invalid=True)
    assert result.written and result.rejected_rows == 1
    assert answers(org) == [("u1", "2026-Q3", "kari", "user", 4, None)]


def test_dry_run_previews_without_writing(org, tmp_path):
    rows = [LONG_HEADER, ["u1", "2026-Q3", "kari", "user", "4", ""]]
    result = imports.run(org, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    assert result.problems == [] and not result.written
    assert [(p.unit_id, p.period, p.new) for p in result.preview] == [("u1", "2026-Q3", 1)]
    assert answers(org) == []


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"", "csv_empty"),
        (b"   \r\n", "csv_empty"),
        # A workbook is read now; one that is not a whole zip archive cannot be.
        (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "xlsx_unreadable"),
        (b"\x00\x01\x02\x03binary\x00\xff", "csv_binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "csv_binary"),
    ],
)
def test_empty_binary_and_excel_files_get_a_clear_message(org, tmp_path, content, key):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    result = imports.run(org, path)
    assert [p.key for p in result.problems] == [key]
    assert result.problems[0].message("en")


def test_a_text_file_that_is_not_csv_names_the_missing_columns(org, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Dear coordinator,\nhere are the numbers.\n", encoding="utf-8")
    result = imports.run(org, path)
    keys = [p.key for p in result.problems]
    assert "import_missing_column" in keys and not result.written


# --- idempotence, updates, undo ----------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_says_so(org, tmp_path):
    rows = [
        LONG_HEADER,
        ["u1", "2026-Q3", "kari", "user", "4", "ok"],
        ["u2", "2026-Q3", "ola", "data", "2", ""],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    first = imports.run(org, path)
    assert first.totals == (2, 0, 0)
    version = org.store.data_version()
    before = snapshot(org)
    again = imports.run(org, path)
    assert again.totals == (0, 0, 2)
    assert again.summary("en") == "Answers: 0 new, 0 updated, 2 unchanged."
    assert snapshot(org) == before
    assert org.store.data_version() == version + 1  # logged, nothing else changed


def test_a_long_row_without_score_or_comment_is_not_answered(org, tmp_path):
    rows = [
        LONG_HEADER,
        ["u1", "2026-Q3", "kari", "user", "", ""],
        ["u1", "2026-Q3", "kari", "data", "2", ""],
    ]
    result = imports.run(org, write_csv(tmp_path / "a.csv", rows))
    assert result.problems == [] and result.totals == (1, 0, 0)
    assert answers(org) == [("u1", "2026-Q3", "kari", "data", 2, None)]


def test_a_corrected_file_updates_in_place_and_empty_cells_keep_values(org, tmp_path):
    imports.run(
        org,
        write_csv(tmp_path / "a.csv", [LONG_HEADER, ["u1", "2026-Q3", "kari", "user", "4", "ok"]]),
    )
    fixed = [LONG_HEADER, ["u1", "2026-Q3", "kari", "user", "5", ""]]
    result = imports.run(org, write_csv(tmp_path / "b.csv", fixed))
    assert result.totals == (0, 1, 0)
    # 2026-Q3 has ended and its figures were shown: the correction is held until the
    # coordinator releases the quarter again (issue 22, test_release_holds.py).
    assert result.held == 1
    assert answers(org) == [("u1", "2026-Q3", "kari", "user", 4, "ok")]
    releases.rerelease(org, "etat", "2026-Q3")
    assert answers(org) == [("u1", "2026-Q3", "kari", "user", 5, "ok")]
    with org.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (1,)


def test_undo_restores_exactly_what_was_there_even_after_later_checkins(org, tmp_path):
    base = [
        LONG_HEADER,
        ["u1", "2026-Q2", "kari", "user", "2", "før"],
        ["u1", "2026-Q2", "kari", "data", "3", ""],
    ]
    imports.run(org, write_csv(tmp_path / "base.csv", base))
    before = snapshot(org)
    change = [
        LONG_HEADER,
        ["u1", "2026-Q2", "kari", "user", "4", "etter"],  # updates a value
        ["u1", "2026-Q2", "kari", "leadership", "5", ""],  # adds a value
        ["u2", "2026-Q2", "ola", "user", "1", ""],  # adds a check-in
    ]
    result = imports.run(org, write_csv(tmp_path / "change.csv", change))
    assert result.totals == (2, 1, 0)
    assert result.held == 3  # a quarter already shown: released again by the coordinator
    releases.rerelease(org, "etat", "2026-Q2")
    # A leader checks in through the UI afterwards, for another key.
    later = CheckIn("u2", "2026-Q3", "x", scores={i.id: 3 for i in org.framework.items})
    assert checkins.save(org, later).ok
    after_checkin = snapshot(org)

    # The confirmation's counts are what the undo then does, and asking changes nothing.
    preview = imports.undo_preview(org, result.import_id)
    assert snapshot(org) == after_checkin
    outcome = imports.undo(org, result.import_id)
    assert outcome == preview
    assert outcome == {"removed": 2, "restored": 1, "kept": 0, **NO_UNITS}
    now = snapshot(org)
    later_rows = [r for r in after_checkin["answer"] if r[1] == "2026-Q3"]
    assert [r for r in now["answer"] if r[1] == "2026-Q2"] == before["answer"]
    assert [r for r in now["answer"] if r[1] == "2026-Q3"] == later_rows
    assert ("u2", "2026-Q2", "ola") not in [c[:3] for c in now["checkin"]]
    with pytest.raises(imports.UndoError):
        imports.undo(org, result.import_id)


def test_undo_keeps_a_value_changed_after_the_import(org, tmp_path):
    result = imports.run(
        org,
        write_csv(tmp_path / "a.csv", [LONG_HEADER, ["u1", "2026-Q2", "kari", "user", "2", ""]]),
    )
    imports.run(
        org,
        write_csv(tmp_path / "b.csv", [LONG_HEADER, ["u1", "2026-Q2", "kari", "user", "5", ""]]),
    )
    releases.rerelease(org, "etat", "2026-Q2")  # the later file was held: 2026-Q2 was shown
    assert imports.undo(org, result.import_id) == {
        "removed": 0,
        "restored": 0,
        "kept": 1,
        **NO_UNITS,
    }
    assert answers(org) == [("u1", "2026-Q2", "kari", "user", 5, None)]


def test_every_import_is_logged(org, tmp_path):
    path = write_csv(
        tmp_path / "logg.csv", [LONG_HEADER, ["u1", "2026-Q2", "kari", "user", "2", ""]], sep=";"
    )
    result = imports.run(org, path)
    entry = imports.log(org)[0]
    assert entry.import_id == result.import_id
    assert (entry.file_name, entry.file_format, entry.dialect) == (
        "logg.csv",
        "long",
        "utf-8, semicolon",
    )
    assert entry.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert entry.actor == org.actor.user_id and entry.new == 1
    assert entry.line().startswith(f"{result.import_id}\t")


# --- wide and units formats -------------------------------------------------------------------


def test_wide_format_with_names_comments_roles_and_reflections(org, tmp_path):
    header = [
        "unit_id", "period", "respondent", "user", "Teknologi", "Leadership",
        "comment:user", "roles_most", "roller_vil", "reflection:wheel_strongest",
    ]  # fmt: skip
    rows = [
        header,
        [
            "u1",
            "2026-Q3",
            "kari",
            "4",
            "",
            "3",
            "Brukerne først",
            "visionary | Brobyggeren",
            "Utforskeren",
            "Vi lytter.",
        ],
        ["u1", "2026-Q3", "ola", "2", "1", "", "", "", "", ""],
    ]
    result = imports.run(org, write_csv(tmp_path / "wide.csv", rows))
    assert result.problems == [] and result.file_format == "wide"
    assert answers(org) == [
        ("u1", "2026-Q3", "kari", "leadership", 3, None),
        ("u1", "2026-Q3", "kari", "user", 4, "Brukerne først"),
        ("u1", "2026-Q3", "ola", "technology", 1, None),
        ("u1", "2026-Q3", "ola", "user", 2, None),
    ]
    form = checkins.load_form(
        type(org)(actor=type(org.actor)("kari", "kari"), store=org.store, framework=org.framework),
        "u1",
        "2026-Q3",
    )
    assert form.current.roles == {"most": ["bridge_builder", "visionary"], "want": ["explorer"]}
    assert form.current.reflections == {"wheel_strongest": "Vi lytter."}


def test_wide_format_unknown_columns_need_a_mapping_that_is_saved(org, tmp_path):
    rows = [
        [
            "Tidspunkt",
            "Enhet",
            "Periode",
            "Ditt navn",
            "Hvor moden er enheten på brukerorientering?",
        ],
        ["2026-09-01 10:00", "u1", "2026-Q3", "kari@etat.example", "4"],
    ]
    path = write_csv(tmp_path / "survey.csv", rows)
    first = imports.run(org, path)
    assert {p.key for p in first.problems} == {"import_unknown_column", "import_missing_column"}
    assert first.unknown_headers == [
        "Tidspunkt",
        "Ditt navn",
        "Hvor moden er enheten på brukerorientering?",
    ]
    mapping = {
        "Tidspunkt": "ignore",
        "Ditt navn": "respondent",
        "Hvor moden er enheten på brukerorientering?": "item:user",
    }
    imports.save_mapping(org, first.headers, mapping)
    second = imports.run(org, path)  # the saved mapping is offered again and used
    assert second.problems == [] and second.written
    assert answers(org) == [("u1", "2026-Q3", "kari@etat.example", "user", 4, None)]
    assert imports.saved_mapping(org, tuple(reversed(first.headers)))["ditt navn"] == "respondent"


def test_units_file_loads_a_tree_and_rejects_missing_parents_and_cycles(org, tmp_path):
    good = [
        ["enhet", "navn", "overordnet"],
        ["div", "Divisjon", "etat"],
        ["div-a", "Avdeling A", "div"],
    ]
    result = imports.run(org, write_csv(tmp_path / "units.csv", good, sep=";"))
    assert result.file_format == "units" and result.written
    assert result.summary("en") == "Units: 2 new, 0 updated, 0 unchanged."
    bad = [
        ["unit_id", "name", "parent_id"],
        ["x", "X", "y"],
        ["y", "Y", "x"],  # x → y → x
        ["z", "Z", "nowhere"],
        ["etat", "", ""],
        ["div", "Divisjon", "div-a"],  # div-a's parent is div: a cycle through the database
    ]
    before = snapshot(org)
    rejected = imports.run(org, write_csv(tmp_path / "bad.csv", bad))
    assert problems_by_key(rejected) == [
        (2, "parent_id", "y", "import_cycle"),
        (3, "parent_id", "x", "import_cycle"),
        (4, "parent_id", "nowhere", "import_unknown_parent"),
        (5, "name", None, "import_missing_name"),
        (6, "parent_id", "div-a", "import_cycle"),
    ]
    assert snapshot(org) == before
    undone = imports.undo(org, result.import_id)
    assert undone["kept"] == 0
    assert [u[0] for u in snapshot(org)["unit"]] == ["etat", "u1", "u2"]


# --- the command line -------------------------------------------------------------------------


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """`dtmaturity *args` in this process, through `main` (what `python -m dtmaturity` calls:
    tests/cli/test_cli.py runs the entry point itself as a process)."""

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def totals(db_path) -> tuple:
    """Count and sum of the answers, read through a Store opened (and closed) just for it."""
    store = Store(db_path, migrate=False)
    try:
        with store.reader() as cur:
            return tuple(cur.execute("SELECT count(*), sum(score) FROM answer").fetchone())
    finally:
        store.close()


def test_cli_import_exit_codes_stderr_lines_and_undo(demo_db, tmp_path, cli):
    db_path = demo_db
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            LONG_HEADER,
            ["demo-bruker-01", "2026-Q9", "kari", "user", "4", ""],
            ["demo-bruker-01", "2026-Q3", "kari", "data", "9", ""],
        ],
    )
    before = totals(db_path)
    rejected = cli("--db", str(db_path), "import", str(bad))
    assert rejected.returncode != 0
    lines = rejected.stderr.splitlines()
    assert lines[0].startswith("bad.csv, row 2, column “period”, value “2026-Q9”:")
    assert lines[1].startswith("bad.csv, row 3, column “score”, value “9”:")
    assert totals(db_path) == before

    # The quarter in progress: one already released would hold the rows (test_release_holds).
    current = str(Period.current())
    good = write_csv(
        tmp_path / "good.csv", [LONG_HEADER, ["demo-bruker-01", current, "kari", "user", "4", ""]]
    )
    dry = cli("--db", str(db_path), "import", "--dry-run", str(good))
    assert dry.returncode == 0 and "dry run, nothing written: Answers: 1 new" in dry.stdout
    done = cli("--db", str(db_path), "import", str(good))
    assert done.returncode == 0 and "1 new, 0 updated, 0 unchanged" in done.stdout
    again = cli("--db", str(db_path), "import", str(good))
    assert "0 new, 0 updated, 1 unchanged" in again.stdout
    listing = cli("--db", str(db_path), "imports", "list").stdout.splitlines()
    first_id = listing[-1].split("\t")[0]
    assert listing[-1].split("\t")[3] == "good.csv"
    undo = cli("--db", str(db_path), "imports", "undo", first_id)
    assert undo.returncode == 0 and "1 removed" in undo.stdout
    assert cli("--db", str(db_path), "imports", "undo", first_id).returncode != 0
    assert totals(db_path) == before


def test_dashboards_see_an_import_at_once_and_its_undo(org, tmp_path):
    from dtmaturity.services import analytics

    rows = [LONG_HEADER] + [
        ["u1", "2026-Q3", f"leder{i}", "user", str(score), ""] for i, score in enumerate((2, 4, 5))
    ]
    result = imports.run(org, write_csv(tmp_path / "a.csv", rows))
    trend = analytics.item_trend(org, "u1", "theme")
    point = trend[(trend["period"] == "2026-Q3") & (trend["item_id"] == "user")]
    assert point["mean"].item() == pytest.approx(11 / 3) and point["n"].item() == 3
    division = analytics.item_trend(org, "etat", "theme")  # rolled up into the parent
    assert division[division["item_id"] == "user"]["n"].item() == 3
    imports.undo(org, result.import_id)
    assert analytics.item_trend(org, "u1", "theme").empty


def test_a_survey_export_with_a_name_column_is_read_as_wide_not_as_units(org, tmp_path):
    """Google/Microsoft Forms exports have Timestamp, Email Address and Name columns."""
    rows = [
        ["Timestamp", "Email Address", "Name", "Enhet", "Periode", "Brukerorientering", "Data"],
        ["15.09.2026 10:12", "kari@etat.example", "Kari", "u1", "K3 2026", "4", "3"],
    ]
    path = write_csv(tmp_path / "forms.csv", rows)
    first = imports.run(org, path)
    assert first.file_format == "wide"
    # Google Forms' Timestamp is recognised and skipped (the file has a quarter column).
    assert first.tool == "googleforms" and first.period_column == "Periode"
    assert first.unknown_headers == ["Name"]
    second = imports.run(org, path, mapping={"Name": "ignore"})
    assert second.problems == [] and second.written
    assert answers(org) == [
        ("u1", "2026-Q3", "kari@etat.example", "data", 3, None),
        ("u1", "2026-Q3", "kari@etat.example", "user", 4, None),
    ]


def test_an_actions_import_is_logged_and_undone_like_any_import(org, tmp_path):
    from dtmaturity.domain.plan import ActionDraft
    from dtmaturity.services import actions

    me = org.actor.user_id
    first = actions.create(
        org, ActionDraft("u1", ["user"], "Kartlegge brukerreisen", me, "2026-Q4")
    )
    header = "unit_id;items;description;owner;due_period;status\r\n"
    rows = (
        f"u1;user;Kartlegge brukerreisen;{me};2027-Q1;in_progress\r\n"  # updates the action
        f"u2;data;Dele data via API – «nå»;{me};2027-Q2;planned\r\n"  # a new action
    )
    path = tmp_path / "tiltak.csv"
    path.write_bytes((header + rows).encode("cp1252"))
    result = imports.run(org, path)
    assert result.file_format == "actions" and result.written and result.import_id
    assert imports.log(org)[0].file_format == "actions"
    assert {a.description for a in actions.for_unit(org, "u2")} == {"Dele data via API – «nå»"}
    outcome = imports.undo(org, result.import_id)
    assert outcome == {"removed": 1, "restored": 1, "kept": 0, **NO_UNITS}
    assert actions.for_unit(org, "u2") == []
    [restored] = actions.for_unit(org, "u1")
    assert (restored.action_id, restored.due_period, restored.status) == (
        first.action_id,
        "2026-Q4",
        "planned",
    )
