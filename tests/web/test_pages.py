"""The pages, driven through Streamlit's AppTest as a person would use them."""

from __future__ import annotations

import pytest
from apphelpers import chart_frames, each_tab, open_app, open_tab, tab_labels, texts
from checkinsteps import fill_scores, go_step, submit

from dtmaturity.domain import formats
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period

CURRENT = str(Period.current())
SHOWN = formats.quarter(CURRENT, "nb")  # a quarter as the pages name it


@pytest.fixture
def demo_app(demo_db):
    at = open_app()
    assert not at.exception
    return at


def test_start_page_creates_and_removes_the_demo_organisation(db_path):
    at = open_app()
    assert "Databasen er tom" in texts(at)
    at.button(key="demo_create").click().run()
    assert "Demovirksomheten er opprettet: 18 enheter" in texts(at)
    at.button(key="demo_remove").click().run()
    at.button(key="demo_remove:yes").click().run()
    assert "Demodata er fjernet" in texts(at)
    assert "0 enheter" in texts(at)


def test_submitted_checkin_appears_in_unit_trend(demo_app, framework):
    at = demo_app.switch_page("pages/checkin.py").run()
    at.selectbox(key="ci_unit").set_value("demo-bruker-03").run()
    assert at.selectbox(key="ci_period").value == CURRENT
    fill_scores(at, framework, 5)
    go_step(at, "wheel").radio(key="score:user").set_value(1).run()
    go_step(at, "roles").multiselect(key="roles:most").set_value(["visionary"]).run()
    go_step(at, "reflections")
    at.text_area(key="reflection:wheel_strongest").input("Vi lytter til brukerne.").run()
    submit(at)
    assert not at.exception
    assert f"Egenvurderingen for {SHOWN} er lagret." in texts(at)

    at.switch_page("pages/unit.py").run()
    at.selectbox(key="unit_id").set_value("demo-bruker-03").run()
    # The trend chart also carries targets and actions; the scores are the frame with means.
    # A quarter in progress is nobody's figure: the leader's own answers are drawn apart.
    frames = [frame for title, frame in chart_frames(at) if title == "Modenhet per tema over tid"]
    trend = next(frame for frame in frames if "mean" in frame.columns)
    assert CURRENT not in set(trend["period"])
    own = next(frame for frame in frames if "score" in frame.columns and "who" in frame.columns)
    point = own[(own["period"] == CURRENT) & (own["item_id"] == "user")]
    assert point["score"].item() == 1.0 and point["who"].item() == "Dine svar, ikke publisert"
    open_tab(at, "Refleksjoner")
    assert "Vi lytter til brukerne." in texts(at)


def test_invalid_submission_explains_each_field_and_keeps_what_was_typed(demo_app, framework):
    at = demo_app.switch_page("pages/checkin.py").run()
    fill_scores(at, framework, 3)
    go_step(at, "wheel").radio(key="score:data").set_value(None)
    at.text_area(key="comment:user").input("Vi har fått ny brukerinnsikt.").run()
    go_step(at, "reflections").text_area(key="reflection:wheel_weakest").input("x" * 4001).run()
    submit(at)
    assert not at.exception
    page = texts(at)
    assert "ikke lagret: 2 felt" in page
    summary = [b.label for b in at.button if b.key.startswith("goto:")]
    assert summary == [
        "Data: Velg et nivå fra 1 til 5.",
        f"{framework.questions[1].text['nb']}: " + summary[1].split(": ", 1)[1],
    ]
    assert "største tillatte lengde er 4000" in summary[1]
    # The summary opens the field's step, where the message stands beside the field.
    at.button(key="goto:score:data").click().run()
    assert at.radio(key="ci_step").value == "wheel"
    assert "Velg et nivå fra 1 til 5." in texts(at)
    assert at.text_area(key="comment:user").value == "Vi har fått ny brukerinnsikt."
    assert at.radio(key="score:user").value == 3
    # Mend the two fields and submit again: it is saved, with the typed comment.
    at.radio(key="score:data").set_value(2).run()
    go_step(at, "reflections").text_area(key="reflection:wheel_weakest").input("Data.").run()
    submit(at)
    assert f"Egenvurderingen for {SHOWN} er lagret." in texts(at)


def test_existing_checkin_opens_for_editing_with_last_quarter_beside_it(
    demo_app, demo_ctx, framework
):
    previous = str(Period.current().previous())
    last = {item.id: 2 for item in framework.items}
    save_previous(demo_ctx, framework, previous, last, comment="Forrige kvartal")
    at = demo_app.switch_page("pages/checkin.py").run()
    assert at.radio(key="score:user").value is None
    page = texts(at)
    assert f"Forrige gang ({formats.quarter(previous, 'nb')})" in page and "Forrige kvartal" in page
    fill_scores(at, framework, 4)
    submit(at)

    again = open_app().switch_page("pages/checkin.py").run()
    assert again.radio(key="score:user").value == 4
    assert f"Du redigerer egenvurderingen din for {SHOWN}" in texts(again)
    again.radio(key="score:user").set_value(5).run()
    submit(again)
    assert f"Egenvurderingen for {SHOWN} er oppdatert." in texts(again)


def save_previous(ctx, framework, period: str, scores: dict, *, comment: str = "") -> None:
    """A check-in of the local leader for the demo's first unit in an earlier quarter, saved as
    it stood then (before the quarter was released)."""
    from dtmaturity.services import units
    from dtmaturity.store import queries

    unit_id = units.checkin_choices(ctx)[0].unit_id
    checkin = CheckIn(
        unit_id=unit_id,
        period=period,
        respondent=ctx.actor.user_id,
        scores={k: v for k, v in scores.items() if v != "not_known"},
        not_known={k for k, v in scores.items() if v == "not_known"},
        comments={"leadership": comment} if comment else {},
    )
    ctx.write(
        lambda cur: queries.save_checkin(
            cur,
            (unit_id, period, ctx.actor.user_id),
            framework_version=framework.version_key,
            answers=checkin.answer_rows(framework),
            roles=[],
            reflections=[],
            not_known=checkin.not_known_rows(),
        ),
        "test.checkin",
        period,
        lambda _: {},
    )


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize(
    "page",
    [
        "pages/home.py",
        "pages/checkin.py",
        "pages/unit.py",
        "pages/about.py",
        "pages/overview.py",
        "pages/import.py",
        "pages/accessibility.py",
    ],
)
def test_every_page_renders_in_both_languages(demo_app, page, lang):
    demo_app.radio(key="lang").set_value(lang).run()
    at = demo_app.switch_page(page).run()
    assert not at.exception
    assert not at.error
    english = "Quarterly check-in" in texts(at) or "Digital maturity" in texts(at)
    exempt = ("pages/unit.py", "pages/about.py", "pages/overview.py", "pages/accessibility.py")
    assert english == (lang == "en") or page in exempt or page == "pages/import.py"


def test_unit_page_shows_questions_beside_each_chart_in_english(demo_app):
    demo_app.radio(key="lang").set_value("en").run()
    at = demo_app.switch_page("pages/unit.py").run()
    assert tab_labels(at) == [
        "Wheel", "Competencies", "Comparison", "Roles", "Actions", "Reflections"
    ]  # fmt: skip
    titles, questions = [], []
    for section in each_tab(at):
        # A chart with targets and actions has several datasets; count each chart once.
        titles.append(list(dict.fromkeys(title for title, _ in chart_frames(section))))
        questions.append(texts(section).count("Questions for reflection"))
    assert titles[0] == ["Maturity per theme over time"]
    assert titles[1][0].startswith("Leadership competencies:")
    # Wheel trend, competency profile, the comparison with parent and organisation, roles:
    # each section with a chart has its questions beside it.
    assert questions == [1, 1, 1, 1, 0, 0]
    assert "Which of the seven" in texts(open_tab(at, "Competencies"))


def test_broken_framework_stops_the_app_with_a_clear_message(db_path, tmp_path, monkeypatch):
    broken = tmp_path / "framework.toml"
    from dtmaturity.domain.framework import DEFAULT_PATH

    broken.write_text(
        DEFAULT_PATH.read_text(encoding="utf-8").replace('scale = "maturity"', 'scale = "x"', 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("DTMATURITY_FRAMEWORK", str(broken))
    at = open_app()
    assert not at.exception
    message = texts(at) + "\n".join(str(c.value) for c in at.code)
    assert "Rammeverksfilen er ugyldig" in message
    assert (
        str(broken) in message
        and "themes[0] (id 'user')" in message
        and "unknown scale 'x'" in message
    )


def test_overview_heatmap_shows_each_division_with_numbers_and_n(demo_app):
    at = demo_app.switch_page("pages/overview.py").run()
    assert not at.exception
    heat = next(frame for title, frame in chart_frames(at) if title.startswith("Gjennomsnitt per"))
    user = heat[heat["item_id"] == "user"].set_index("row_id")
    assert set(user.index) == {"demo", "demo-bruker", "demo-teknologi", "demo-forvaltning"}
    for _, row in user.iterrows():
        assert row["text"] == ("–" if row["hidden"] else f"{row['mean']:.1f}".replace(".", ","))
        assert row["n"] > 0
    page = texts(at)
    assert "Slik regnes tallene" in page and "Spørsmål til refleksjon" in page
    labels = [b.label for b in at.get("download_button")]
    assert "Last ned CSV" in labels and "Last ned figur (PNG)" in labels


def test_overview_switches_to_competencies_and_to_a_division(demo_app):
    at = demo_app.switch_page("pages/overview.py").run()
    at.radio(key="ov_kind").set_value("competency").run()
    at.selectbox(key="ov_node").set_value("demo-teknologi").run()
    assert not at.exception
    heat = next(frame for title, frame in chart_frames(at) if title.startswith("Gjennomsnitt per"))
    assert set(heat["item_id"]) == {
        "citizen",
        "collaborate",
        "experiment",
        "storytelling",
        "mission",
        "challenge",
        "motivate",
    }
    assert len(set(heat["row_id"])) == 5  # the division and its four units


def test_overview_explains_a_reversed_period_range(demo_app):
    at = demo_app.switch_page("pages/overview.py").run()
    last = len(at.selectbox(key="ov_last").options) - 1
    at.selectbox(key="ov_first").select_index(0)
    at.selectbox(key="ov_last").select_index(last).run()
    assert "ligger etter «Til kvartal»" in "\n".join(str(e.value) for e in at.error)


def test_unit_page_filters_reflections_by_text(demo_app):
    at = open_tab(demo_app.switch_page("pages/unit.py").run(), "Refleksjoner")
    at.text_input(key="unit_reflection_search").input("brobygger").run()
    assert not at.exception
    shown = [str(el.value) for el in at.main.text]
    assert shown and all("brobygger" in line.lower() for line in shown)
