"""One rule for every figure made from answers: a score counts only where one was given. An
answer "vet ikke / ikke relevant" is stored with no score (`answer.not_known`), so a mean, a
sum, a count of answers, a spread or a privacy count leaves it out when it aggregates `score`
itself (`avg(score)`, `count(score)`: SQL leaves out NULL) or reads only the rows with
`score IS NOT NULL`.

The check reads every SQL text in dtmaturity/ (each string constant, composed parts too) that
reads the answer table and aggregates, so a new query is covered the day it is written. A
count of answer rows that is not a figure (bookkeeping) is listed below with why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS_ANSWERS = re.compile(r"\b(FROM|JOIN)\s+(answer|known)\b(?!_)", re.I)
AGGREGATE = re.compile(r"\b(count|sum|avg|mean|median|quantile\w*|stddev\w*|var\w*)\s*\(", re.I)
SCORES_ONLY = re.compile(r"\bscore\s+IS\s+NOT\s+NULL\b", re.I)
ON_SCORE = re.compile(r"\b(count|sum|avg)\s*\(\s*(\w+\.)?score\s*\)", re.I)

# (file, a distinctive part of the SQL) -> why its aggregate is not a figure of scores.
NOT_FIGURES = {
    ("dtmaturity/store/import_log.py", "SELECT count(*) FROM answer WHERE import_id"): (
        "the rows an import wrote, for its undo (an import stores no 'vet ikke')"
    ),
    ("dtmaturity/store/people.py", "SELECT count(comment) FROM answer"): (
        "how many comments a person's erasure removes"
    ),
    ("dtmaturity/store/queries.py", "SELECT count(*) FROM answer"): (
        "the rows the export wrote (each answer a row, 'vet ikke' with an empty score)"
    ),
    ("dtmaturity/store/privacy.py", "FROM checkin c"): (
        "check-ins the viewer knows (a check-in all 'vet ikke' is still a check-in)"
    ),
    ("dtmaturity/store/releases.py", "count(DISTINCT respondent)"): (
        "the respondents an import's undo changes (an import stores no 'vet ikke')"
    ),
}


def aggregates_over_answers() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted((ROOT / "dtmaturity").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and READS_ANSWERS.search(text) and AGGREGATE.search(text):
                found.append((str(path.relative_to(ROOT)), node.lineno, text))
    return found


def test_every_aggregate_over_answers_counts_given_scores_only():
    found = aggregates_over_answers()
    assert len(found) >= 5, "the scan finds nothing: it is broken"
    wrong = []
    for file, line, sql in found:
        if SCORES_ONLY.search(sql):
            continue
        others = [m.group(0) for m in AGGREGATE.finditer(sql)]
        if others and len(ON_SCORE.findall(sql)) == len(others):
            continue  # every aggregate is of `score` itself: NULL ("vet ikke") left out
        if any(file == f and part in sql for f, part in NOT_FIGURES):
            continue
        wrong.append(f"{file}:{line}")
    assert wrong == []


def test_each_listed_exception_still_exists():
    found = aggregates_over_answers()
    stale = [
        key for key in NOT_FIGURES if not any(f == key[0] and key[1] in s for f, _, s in found)
    ]
    assert stale == []
