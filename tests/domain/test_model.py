"""Check-in validation rules, without Streamlit or DuckDB."""

from dtmaturity.domain.model import MAX_COMMENT_LENGTH, CheckIn, validate
from dtmaturity.domain.periods import Period

TODAY = Period(2026, 4)


def full_checkin(framework, **changes) -> CheckIn:
    checkin = CheckIn(
        unit_id="u1",
        period="2026-Q3",
        respondent="kari@etat.example",
        scores={item.id: 3 for item in framework.items},
    )
    for name, value in changes.items():
        setattr(checkin, name, value)
    return checkin


def fields(errors):
    return {e.field: e.key for e in errors}


def test_a_complete_checkin_is_valid(framework):
    assert (
        validate(framework, full_checkin(framework), known_units={"u1"}, today_period=TODAY) == []
    )


def test_every_missing_and_out_of_range_score_is_reported_at_its_field(framework):
    scores = {item.id: 3 for item in framework.items}
    scores["user"] = None
    scores["data"] = 7
    scores["citizen"] = 2.5
    del scores["motivate"]
    errors = validate(
        framework, full_checkin(framework, scores=scores), known_units={"u1"}, today_period=TODAY
    )
    assert fields(errors) == {
        "score:user": "error_score_missing",
        "score:data": "error_score_range",
        "score:citizen": "error_score_range",
        "score:motivate": "error_score_missing",
    }


def test_unknown_unit_future_period_and_bad_period(framework):
    future = validate(
        framework, full_checkin(framework, period="2027-Q1"), known_units=set(), today_period=TODAY
    )
    assert fields(future) == {"unit": "error_unknown_unit", "period": "error_future_period"}
    bad = validate(
        framework, full_checkin(framework, period="Q3"), known_units={"u1"}, today_period=TODAY
    )
    assert fields(bad) == {"period": "error_bad_period"}


def test_roles_are_limited_and_must_exist(framework):
    roles = {"most": ["visionary", "explorer", "enabler", "translator"], "want": ["wizard"]}
    errors = validate(
        framework, full_checkin(framework, roles=roles), known_units={"u1"}, today_period=TODAY
    )
    assert fields(errors) == {
        "roles:most": "error_too_many_roles",
        "roles:want": "error_unknown_role",
    }


def test_overlong_texts_are_reported(framework):
    checkin = full_checkin(
        framework,
        comments={"user": "x" * (MAX_COMMENT_LENGTH + 1)},
        reflections={"wheel_strongest": "y" * 5000, "no_such_question": "z"},
    )
    errors = validate(framework, checkin, known_units={"u1"}, today_period=TODAY)
    assert fields(errors) == {
        "comment:user": "error_too_long",
        "reflection:wheel_strongest": "error_too_long",
        "reflection:no_such_question": "error_unknown_question",
    }


def test_answer_rows_carry_scale_length_and_trimmed_comments(framework):
    checkin = full_checkin(framework, comments={"user": "  Godt i gang  "})
    rows = {row[0]: row for row in checkin.answer_rows(framework)}
    assert rows["user"] == ("user", 3, 5, "Godt i gang")
    assert rows["data"] == ("data", 3, 5, None)


OFF_SCALE = [0, 6, 2.5, "3", True]  # below, above, not whole, text, a boolean (an int in Python)


def test_every_score_a_person_gives_off_the_items_scale_is_refused_at_its_field(framework):
    """Both places a person gives a score, a check-in's answers and its targets, keep one rule."""
    from dtmaturity.domain.plan import target_errors

    item = framework.items[0]
    for value in OFF_SCALE:
        scores = {i.id: 3 for i in framework.items} | {item.id: value}
        answers = validate(
            framework,
            full_checkin(framework, scores=scores),
            known_units={"u1"},
            today_period=TODAY,
        )
        targets = target_errors(framework, "2026-Q3", "2027-Q1", {item.id: value})
        for errors, field in ((answers, f"score:{item.id}"), (targets, f"target:{item.id}")):
            assert fields(errors) == {field: "error_score_range"}, (value, errors)
            assert errors[0].params == {
                "value": value, "min": item.scale.min, "max": item.scale.max,
            }  # fmt: skip
    assert target_errors(framework, "2026-Q3", "2027-Q1", {item.id: item.scale.max}) == []
