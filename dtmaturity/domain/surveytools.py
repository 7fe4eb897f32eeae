"""Survey tools recognised from their header signature, and what their columns mean. Pure Python.

Each tool writes a fixed set of metadata columns before the questions. Those are ignored
without being mapped, except the respondent's e-mail (the respondent), the response's id (the
respondent when there is no e-mail, as `tool:id`) and the submission time (the quarter, when
the file has no quarter column). Grid questions give one column per row; the row part of the
header (`Q [Row]`, `Q - Row`, `MATRIX.ROW`, SurveyMonkey's second header row) is matched to an
item by importformat.

- Microsoft Forms (.xlsx only): `ID`, `Start time`, `Completion time`, `Email`, `Name`, and in
  newer exports `Last modified time`; in Norwegian `ID`, `Starttidspunkt`,
  `Fullføringstidspunkt`, `E-postadresse`, `Navn`, `Tidspunkt for siste endring`. A Likert
  question gives one column per statement, headed by the statement. Anonymous forms write
  `anonymous` as the e-mail.
- Nettskjema: system columns start with `$` (`$submission_id`, `$created` in ISO 8601 with
  nanoseconds and an offset, `$answer_time_ms`); question columns are codebook names, a matrix
  row `MATRIX.ROW`; question texts may carry HTML entities (`&#39;`).
- Google Forms via Sheets: `Timestamp` (`Tidsmerke` in Norwegian), `Email Address`
  (`E-postadresse`), `Score` in quizzes, grid rows as `Question [Row]`.
- SurveyMonkey: two header rows, the question above (empty over the rest of a matrix) and
  `Response` / `Open-Ended Response` / the row label below; `Respondent ID`, `Collector ID`,
  `Start Date`, `End Date`, `IP Address`, `Email Address`, `First Name`, `Last Name`,
  `Custom Data 1`; dates `MM/DD/YYYY hh:mm:ss AM`, the US format the export writes, so the
  date order is never asked (as issue 25's export and this module's fixture show; the
  SurveyMonkey User Manual's "All Responses Collected" spreadsheet, usermanual.wiki, has the
  same columns; the help page itself was not in the offline reference set).
- Qualtrics: three header rows, short ids (`StartDate`, `EndDate`, `Status`, `IPAddress`,
  `Progress`, `Duration (in seconds)`, `Finished`, `RecordedDate`, `ResponseId`,
  `RecipientLastName`, `RecipientFirstName`, `RecipientEmail`, `ExternalReference`,
  `LocationLatitude`, `LocationLongitude`, `DistributionChannel`, `UserLanguage`, `Q1`, `Q2_1`),
  then the labels in the survey's language (a matrix row as `Question - Row`), then
  `{"ImportId":"QID2_1"}` JSON, whose `timeZone` names the zone of its dates.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

TOOLS = ("msforms", "nettskjema", "googleforms", "surveymonkey", "qualtrics")

# Metadata column meanings: respondent (an e-mail), response_id, timestamp, or ignore.
_MSFORMS = {
    "id": "response_id",
    "start time": "ignore",
    "starttidspunkt": "ignore",
    "completion time": "timestamp",
    "fullføringstidspunkt": "timestamp",
    "email": "respondent",
    "e-post": "respondent",
    "e-postadresse": "respondent",
    "name": "ignore",
    "navn": "ignore",
    "last modified time": "ignore",
    "tidspunkt for siste endring": "ignore",
    "total points": "ignore",
    "quiz feedback": "ignore",
}
_GOOGLE = {
    "timestamp": "timestamp",
    "tidsmerke": "timestamp",
    "email address": "respondent",
    "e-postadresse": "respondent",
    "score": "ignore",
}
_SURVEYMONKEY = {
    "respondent id": "response_id",
    "collector id": "ignore",
    "start date": "ignore",
    "end date": "timestamp",
    "ip address": "ignore",
    "email address": "respondent",
    "first name": "ignore",
    "last name": "ignore",
}
_QUALTRICS = {
    "startdate": "ignore",
    "enddate": "ignore",
    "status": "ignore",
    "ipaddress": "ignore",
    "progress": "ignore",
    "duration (in seconds)": "ignore",
    "finished": "ignore",
    "recordeddate": "timestamp",
    "responseid": "response_id",
    "recipientlastname": "ignore",
    "recipientfirstname": "ignore",
    "recipientemail": "respondent",
    "externalreference": "ignore",
    "externaldatareference": "ignore",
    "locationlatitude": "ignore",
    "locationlongitude": "ignore",
    "distributionchannel": "ignore",
    "userlanguage": "ignore",
}
_NETTSKJEMA = {"$submission_id": "response_id", "$created": "timestamp"}
_SURVEYMONKEY_SINGLE = ("response", "open-ended response")


@dataclass(frozen=True)
class ToolLayout:
    """How to read a file's header: which tool wrote it, how many header rows it has, the
    header text of each column, grid row labels, and the tool's metadata columns."""

    tool: str | None = None
    header_rows: int = 1
    headers: tuple[str, ...] = ()
    row_parts: dict[int, str] = field(default_factory=dict)
    system: dict[int, str] = field(default_factory=dict)  # column -> meaning (see above)
    timezone: str | None = None  # IANA name of the zone naive dates are in (Qualtrics)
    date_order: str | None = None  # dmy or mdy when the tool's format fixes it


def _key(text: str) -> str:
    return " ".join(text.strip().lower().split())


def recognise_tool(records: tuple[tuple[str, ...], ...] | list[list[str]]) -> ToolLayout:
    """The tool that wrote a file, from its first records (None: a plain spreadsheet CSV)."""
    if not records:
        return ToolLayout()
    first = [str(c) for c in records[0]]
    keys = [_key(c) for c in first]
    if len(records) >= 3 and "responseid" in keys + [k.replace(" ", "") for k in keys]:
        third = [str(c).strip() for c in records[2]]
        if any(c.startswith('{"ImportId"') for c in third):
            return _qualtrics(first, list(records[1]), third)
    if keys[:4] == ["respondent id", "collector id", "start date", "end date"]:
        return _surveymonkey(first, list(records[1]) if len(records) > 1 else [])
    if any(k in _NETTSKJEMA for k in keys):
        return _nettskjema(first)
    if keys[:1] == ["id"] and len(keys) >= 3 and _MSFORMS.get(keys[2]) == "timestamp":
        return _simple("msforms", first, _MSFORMS, prefixes=("points - ", "feedback - "))
    if keys[:1] and _GOOGLE.get(keys[0]) == "timestamp":
        return _simple("googleforms", first, _GOOGLE)
    return ToolLayout(headers=tuple(first))


def _simple(
    tool: str, headers: list[str], meanings: dict[str, str], prefixes: tuple[str, ...] = ()
) -> ToolLayout:
    system: dict[int, str] = {}
    for column, header in enumerate(headers):
        key = _key(header)
        if key in meanings and meanings[key] not in system.values():
            system[column] = meanings[key]
        elif key in meanings or key.startswith(prefixes or ("\x00",)):
            system[column] = "ignore"
    return ToolLayout(tool, 1, tuple(headers), {}, system)


def _nettskjema(headers: list[str]) -> ToolLayout:
    texts = [html.unescape(h) for h in headers]
    system = {
        column: _NETTSKJEMA.get(_key(h), "ignore")
        for column, h in enumerate(texts)
        if h.strip().startswith("$")
    }
    row_parts = {}
    for column, header in enumerate(texts):
        name = header.strip()
        # Codebook names have no spaces; a matrix row is MATRIX.ROW.
        if column not in system and "." in name and " " not in name:
            row_parts[column] = name.rpartition(".")[2]
    return ToolLayout("nettskjema", 1, tuple(texts), row_parts, system)


def _surveymonkey(first: list[str], second: list[str]) -> ToolLayout:
    second = second + [""] * (len(first) - len(second))
    headers, row_parts, system = [], {}, {}
    question = ""
    for column, (top, sub) in enumerate(zip(first, second, strict=False)):
        key = _key(top)
        if key in _SURVEYMONKEY or key.startswith("custom data"):
            system[column] = _SURVEYMONKEY.get(key, "ignore")
            headers.append(top)
            question = ""
            continue
        question = top if top.strip() else question
        label = sub.strip()
        if not label or _key(label) in _SURVEYMONKEY_SINGLE:
            headers.append(question)
        else:
            headers.append(f"{question} [{label}]")
            row_parts[column] = label
    return ToolLayout("surveymonkey", 2, tuple(headers), row_parts, system, date_order="mdy")


def _qualtrics(first: list[str], labels: list[str], imports: list[str]) -> ToolLayout:
    labels = labels + [""] * (len(first) - len(labels))
    headers, row_parts, system = [], {}, {}
    timezone = None
    for column, (short, label) in enumerate(zip(first, labels, strict=False)):
        key = (
            _key(short).replace(" ", "") if _key(short) != "duration (in seconds)" else _key(short)
        )
        meaning = _QUALTRICS.get(key) or ("ignore" if short.startswith("Q_") else None)
        text = label.strip() or short
        headers.append(text)
        if meaning:
            system[column] = meaning
            if meaning == "timestamp" and column < len(imports):
                timezone = _timezone(imports[column]) or timezone
            continue
        if " - " in text:
            row_parts[column] = text.rpartition(" - ")[2]
    if timezone is None:
        timezone = next((z for z in map(_timezone, imports) if z), None)
    return ToolLayout("qualtrics", 3, tuple(headers), row_parts, system, timezone)


def _timezone(cell: str) -> str | None:
    try:
        data = json.loads(cell)
    except ValueError:
        return None
    zone = data.get("timeZone") if isinstance(data, dict) else None
    return zone if isinstance(zone, str) else None
