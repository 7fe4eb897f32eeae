"""What a report is made of, for the leader-group report and the meeting summary alike:
sections of paragraphs, figures (a chart as PNG with its text alternative), tables and bullets."""

from __future__ import annotations

from dataclasses import dataclass, field


class ReportError(ValueError):
    """The report cannot be made (unknown unit, bad quarter or output); the message says why."""


@dataclass(frozen=True)
class Figure:
    title: str
    png: bytes
    summary: str


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # shares of the page width per column (PDF); else auto


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Report:
    lang: str
    unit_id: str
    unit_name: str
    period: str
    title: str
    subtitle: str
    sections: list[Section]
    compact: bool = False  # tighter type and margins, for a one-page summary (the meeting's)
