"""A check-in and the rules it must satisfy. Pure Python: no Streamlit, no DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field

from dtmaturity.domain.framework import Framework, Item
from dtmaturity.domain.periods import Period, PeriodError

ROLE_KINDS = ("most", "want", "more")
# The model's role questions that the check-in answers with role picks rather than free text.
ROLE_KIND_QUESTIONS = {"most": "roles_most_often", "want": "roles_want", "more": "roles_more_often"}
MAX_ROLES_PER_KIND = 3
MAX_COMMENT_LENGTH = 1000
MAX_REFLECTION_LENGTH = 4000


@dataclass
class CheckIn:
    """One leader's answers for one unit and quarter."""

    unit_id: str
    period: str
    respondent: str
    scores: dict[str, int | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    reflections: dict[str, str] = field(default_factory=dict)
    framework_version: str | None = None
    # Targets: the score aimed for per item by `target_period` (a later quarter); see plan.py.
    target_period: str | None = None
    targets: dict[str, int | None] = field(default_factory=dict)
    # Items answered "do not know / not relevant": stored as such, with no score, so that they
    # count in no mean (a mean is over the scores given) and are not asked again as missing.
    not_known: set[str] = field(default_factory=set)

    def answer_rows(self, framework: Framework) -> list[tuple[str, int | None, int, str | None]]:
        """(item_id, score, scale_max, comment) for every item answered, commented on or answered
        "do not know" (its score None; `not_known_rows` names those)."""
        rows = []
        for item_id in sorted(set(self.scores) | set(self.comments) | self.not_known):
            score = None if item_id in self.not_known else self.scores.get(item_id)
            comment = (self.comments.get(item_id) or "").strip() or None
            if score is None and comment is None and item_id not in self.not_known:
                continue
            item = framework.items_by_id[item_id]
            rows.append((item_id, score, item.scale.max, comment))
        return rows

    def target_rows(self, framework: Framework) -> list[tuple[str, int, int]]:
        """(item_id, target score, scale_max) for every item given a target."""
        return [
            (item_id, score, framework.items_by_id[item_id].scale.max)
            for item_id, score in sorted(self.targets.items())
            if score is not None and item_id in framework.items_by_id
        ]

    def not_known_rows(self) -> list[str]:
        """The items answered "do not know / not relevant", in order."""
        return sorted(self.not_known)

    def role_rows(self) -> list[tuple[str, str]]:
        return [(kind, role) for kind in ROLE_KINDS for role in self.roles.get(kind, [])]

    def reflection_rows(self) -> list[tuple[str, str]]:
        return [(q, text.strip()) for q, text in sorted(self.reflections.items()) if text.strip()]


@dataclass(frozen=True)
class FieldError:
    """A problem with one form field; `key` names a message in the i18n catalogue."""

    field: str
    key: str
    params: dict[str, object] = field(default_factory=dict)


def validate(
    framework: Framework,
    checkin: CheckIn,
    *,
    known_units: set[str],
    today_period: Period,
) -> list[FieldError]:
    """Every problem with a check-in, so the form can show each next to its field."""
    errors: list[FieldError] = []
    if checkin.unit_id not in known_units:
        errors.append(FieldError("unit", "error_unknown_unit", {"value": checkin.unit_id}))
    try:
        if Period.parse(checkin.period) > today_period:
            errors.append(FieldError("period", "error_future_period", {"value": checkin.period}))
    except PeriodError:
        errors.append(FieldError("period", "error_bad_period", {"value": checkin.period}))
    if not checkin.respondent.strip():
        errors.append(FieldError("respondent", "error_missing_respondent"))
    errors += _score_errors(framework, checkin)
    errors += _role_errors(framework, checkin)
    errors += _reflection_errors(framework, checkin)
    return errors


def score_range_error(field: str, item: Item, score: object) -> FieldError | None:
    """The error of a score (a check-in's or a target's) that is not a whole number on the
    item's scale; None when it is one."""
    if isinstance(score, int) and not isinstance(score, bool) and score in item.scale.values:
        return None
    return FieldError(
        field, "error_score_range", {"value": score, "min": item.scale.min, "max": item.scale.max}
    )


def _score_errors(framework: Framework, checkin: CheckIn) -> list[FieldError]:
    errors = []
    for item_id in set(checkin.scores) | set(checkin.comments):
        if item_id not in framework.items_by_id:
            errors.append(FieldError(f"score:{item_id}", "error_unknown_item", {"value": item_id}))
    for item_id in checkin.not_known - set(framework.items_by_id):
        errors.append(FieldError(f"score:{item_id}", "error_unknown_item", {"value": item_id}))
    for item in framework.items:
        score = checkin.scores.get(item.id)
        if item.id in checkin.not_known:
            pass  # answered: "do not know / not relevant"
        elif score is None:
            errors.append(FieldError(f"score:{item.id}", "error_score_missing"))
        elif off_scale := score_range_error(f"score:{item.id}", item, score):
            errors.append(off_scale)
        comment = checkin.comments.get(item.id) or ""
        if len(comment) > MAX_COMMENT_LENGTH:
            errors.append(
                FieldError(
                    f"comment:{item.id}",
                    "error_too_long",
                    {"length": len(comment), "max": MAX_COMMENT_LENGTH},
                )
            )
    return errors


def _role_errors(framework: Framework, checkin: CheckIn) -> list[FieldError]:
    errors = []
    for kind, roles in checkin.roles.items():
        if kind not in ROLE_KINDS:
            errors.append(FieldError(f"roles:{kind}", "error_unknown_role_kind", {"value": kind}))
            continue
        for role in roles:
            if role not in framework.roles_by_id:
                errors.append(FieldError(f"roles:{kind}", "error_unknown_role", {"value": role}))
        if len(roles) > MAX_ROLES_PER_KIND:
            errors.append(
                FieldError(
                    f"roles:{kind}",
                    "error_too_many_roles",
                    {"count": len(roles), "max": MAX_ROLES_PER_KIND},
                )
            )
    return errors


def _reflection_errors(framework: Framework, checkin: CheckIn) -> list[FieldError]:
    known = {q.id for q in framework.questions}
    errors = []
    for question_id, text in checkin.reflections.items():
        if question_id not in known:
            errors.append(
                FieldError(
                    f"reflection:{question_id}", "error_unknown_question", {"value": question_id}
                )
            )
        elif len(text) > MAX_REFLECTION_LENGTH:
            errors.append(
                FieldError(
                    f"reflection:{question_id}",
                    "error_too_long",
                    {"length": len(text), "max": MAX_REFLECTION_LENGTH},
                )
            )
    return errors
