"""The leader-group report: one unit and quarter, to bring to the leader-group meeting.

`build` gathers the content through the dashboard services (so the privacy thresholds apply
exactly as on the pages) and renders every chart to PNG offline (vl-convert). `to_html` makes one
self-contained HTML file from the template dtmaturity/templates/report.html (Jinja2,
autoescaped; charts embedded as base64 images, no external address); `to_pdf` builds
a PDF with reportlab, using the Bitstream Vera font that reportlab ships, which covers
æ, ø, å and – — “ ” ‘ ’ …, so Norwegian text survives.
"""

from __future__ import annotations

import hashlib
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd

from dtmaturity import charts, safefiles
from dtmaturity.domain import formats, privacy
from dtmaturity.domain.i18n import t
from dtmaturity.domain.periods import Period
from dtmaturity.services import (
    actions,
    analytics,
    authz,
    exports,
    release_rule,
    rendering,
    targets,
    units,
)
from dtmaturity.services.context import Context

FORMATS = ("pdf", "html")
CHART_WIDTH = 600


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


def _figure(ctx: Context, chart: alt.TopLevelMixin, title: str, summary: str) -> Figure:
    chart = charts.readable(chart.properties(width=CHART_WIDTH), ctx.lang)
    return Figure(title, exports.chart_png(chart), summary)


def _number(ctx: Context, value: object) -> str:
    return formats.mean(value, ctx.lang)


def _signed(ctx: Context, value: object) -> str:
    return formats.change(value, ctx.lang)


def _mean_or_hidden(ctx: Context, mean: object, hidden: object, reason: object = None) -> str:
    """The mean, or why it is hidden, in words."""
    if not pd.isna(hidden) and bool(hidden):
        return t(ctx.lang, privacy.reason_key(reason))
    return _number(ctx, mean)


def _trend_section(ctx: Context, unit_id: str, period: str, kind: str, key: str) -> Section:
    trend = analytics.item_trend(ctx, unit_id, kind)
    trend = trend[trend["period"] <= period]
    goals = targets.unit_targets(ctx, unit_id, kind, as_of=period)
    plan = actions.chart_frame(ctx, unit_id)
    title = t(ctx.lang, key)
    section = Section(title)
    if trend.empty:
        section.paragraphs.append(t(ctx.lang, "report_no_data", period=period))
        return section
    if trend["hidden"].all():
        section.paragraphs.append(analytics.trend_summary(ctx, trend))  # too few answers
        return section
    chart = charts.trend_with_plan(trend, goals, plan, lang=ctx.lang, title=title)
    section.figures.append(_figure(ctx, chart, title, analytics.trend_summary(ctx, trend)))
    section.paragraphs.append(t(ctx.lang, "trend_plan_note"))
    return section


def _profile_section(ctx: Context, unit_id: str, period: str) -> Section:
    title = t(ctx.lang, "report_profile")
    section = Section(title)
    trend = analytics.item_trend(ctx, unit_id, "competency")
    shown = sorted({p for p in trend["period"] if p <= period}, reverse=True)[:2]
    profile = trend[trend["period"].isin(shown)].reset_index(drop=True)
    if profile.empty:
        section.paragraphs.append(t(ctx.lang, "report_no_data", period=period))
        return section
    chart = charts.profile(profile, lang=ctx.lang, title=title)
    section.figures.append(_figure(ctx, chart, title, analytics.profile_summary(ctx, profile)))
    return section


def _roles_section(ctx: Context, unit_id: str, period: str) -> Section:
    title = t(ctx.lang, "report_roles", period=period)
    section = Section(title)
    frame = analytics.role_distribution(ctx, unit_id, period)
    why = analytics.roles_hidden_reason(ctx, unit_id, period)
    if why:
        key = "report_roles_hidden_protect" if why == privacy.PROTECT else "report_roles_hidden"
        section.paragraphs.append(t(ctx.lang, key, period=period))
    elif frame.empty:
        section.paragraphs.append(t(ctx.lang, "roles_empty"))
    else:
        chart = charts.roles(frame, lang=ctx.lang, title=title)
        section.figures.append(_figure(ctx, chart, title, analytics.roles_summary(ctx, frame)))
        balance = analytics.role_balance(ctx, unit_id, period)
        section.paragraphs.append(analytics.balance_summary(ctx, balance))
    return section


def _changes_section(ctx: Context, unit_id: str, period: str) -> Section:
    previous = str(Period.parse(period).previous())
    section = Section(t(ctx.lang, "report_changes", previous=previous, period=period))
    rows = []
    for kind in ("theme", "competency"):
        trend = analytics.item_trend(ctx, unit_id, kind)
        for item in ctx.framework.themes if kind == "theme" else ctx.framework.competencies:
            cells = trend[trend["item_id"] == item.id].set_index("period")
            now = cells.loc[period] if period in cells.index else None
            before = cells.loc[previous] if previous in cells.index else None
            if now is None and before is None:
                continue
            change = (
                now["mean"] - before["mean"]
                if now is not None
                and before is not None
                and not now["hidden"]
                and not before["hidden"]
                else None
            )
            rows.append(
                [
                    item.name[ctx.lang],
                    ""
                    if before is None
                    else _mean_or_hidden(
                        ctx, before["mean"], before["hidden"], before.get("reason")
                    ),
                    ""
                    if now is None
                    else _mean_or_hidden(ctx, now["mean"], now["hidden"], now.get("reason")),
                    _signed(ctx, change),
                ]
            )
    if rows:
        section.tables.append(
            Table([t(ctx.lang, "chart_item"), previous, period, t(ctx.lang, "col_change")], rows)
        )
    else:
        section.paragraphs.append(t(ctx.lang, "report_no_data", period=period))
    return section


def _targets_section(ctx: Context, unit_id: str, period: str) -> Section:
    section = Section(t(ctx.lang, "report_targets"))
    rows = []
    for kind in ("theme", "competency"):
        frame = targets.gaps(ctx, unit_id, kind, period=period)
        frame = frame[frame["target_period"].notna()]
        for row in frame.itertuples(index=False):
            target = (
                t(ctx.lang, privacy.reason_key(row.target_reason))
                if row.target_hidden
                else _number(ctx, row.target)
            )
            rows.append(
                [
                    row.item,
                    _number(ctx, row.mean),
                    target,
                    str(row.target_period),
                    _signed(ctx, row.gap),
                ]
            )
    if rows:
        columns = ["chart_item", "col_mean_now", "col_target", "col_target_period", "col_gap"]
        section.tables.append(Table([t(ctx.lang, c) for c in columns], rows))
    else:
        section.paragraphs.append(t(ctx.lang, "gaps_none"))
    return section


def _actions_section(ctx: Context, unit_id: str) -> Section:
    section = Section(t(ctx.lang, "report_actions"))
    open_actions = actions.open_for_unit(ctx, unit_id)
    if not open_actions:
        section.paragraphs.append(t(ctx.lang, "report_actions_none"))
        return section
    rows = [
        [
            f"#{a.action_id}",
            a.description,
            actions.items_label(ctx, a.items),
            a.owner,
            a.due_period,
            actions.status_label(ctx, a.status),
        ]
        for a in open_actions
    ]
    columns = [
        "col_action_id", "col_description", "col_items", "col_owner", "col_due",
        "action_status_field",
    ]  # fmt: skip
    section.tables.append(Table([t(ctx.lang, c) for c in columns], rows))
    return section


def _reflections_section(ctx: Context, unit_id: str, period: str) -> Section | None:
    view = analytics.reflection_view(ctx, unit_id, periods=[period])
    if view.rows.empty:
        return None
    section = Section(t(ctx.lang, "report_reflections", period=period))
    section.bullets = [
        f"{question}: {answer}"
        for question, answer in zip(view.rows["question"], view.rows["answer"], strict=True)
    ]
    return section


def _questions_section(ctx: Context) -> Section:
    section = Section(t(ctx.lang, "report_questions"))
    for lens in ("wheel", "competencies", "roles"):
        part = Section(t(ctx.lang, f"report_lens_{lens}"))
        part.bullets = [q.text[ctx.lang] for q in ctx.framework.questions_for(lens)]
        section.subsections.append(part)
    return section


def build(
    ctx: Context, unit_id: str, period: str, *, lang: str | None = None, today: date | None = None
) -> Report:
    """Everything the report shows, charts rendered, privacy applied as on the pages."""
    authz.require_dashboard(ctx, unit_id)
    ctx = ctx.with_lang(lang or ctx.lang)
    index = units.by_id(ctx)
    if unit_id not in index:
        raise ReportError(t(ctx.lang, "report_unknown_unit", value=unit_id))
    try:
        period = str(Period.parse(period))
    except ValueError as exc:
        raise ReportError(t(ctx.lang, "error_bad_period", value=period)) from exc
    if not release_rule.is_released(ctx, unit_id, period, today):
        raise ReportError(t(ctx.lang, "report_not_released", period=period, unit=unit_id))
    name = index[unit_id].name
    sections = [
        _trend_section(ctx, unit_id, period, "theme", "report_trend_themes"),
        _trend_section(ctx, unit_id, period, "competency", "report_trend_competencies"),
        _profile_section(ctx, unit_id, period),
        _roles_section(ctx, unit_id, period),
        _changes_section(ctx, unit_id, period),
        _targets_section(ctx, unit_id, period),
        _actions_section(ctx, unit_id),
    ]
    reflections = _reflections_section(ctx, unit_id, period)
    if reflections:
        sections.append(reflections)
    sections.append(_questions_section(ctx))
    made = formats.long_date(today or date.today(), ctx.lang)
    return Report(
        lang=ctx.lang,
        unit_id=unit_id,
        unit_name=name,
        period=period,
        title=t(ctx.lang, "report_title", unit=name, period=formats.quarter(period, ctx.lang)),
        subtitle=t(
            ctx.lang,
            "report_subtitle",
            date=made,
            k=privacy.thresholds().min_respondents,
        ),
        sections=sections,
    )


# --- HTML ------------------------------------------------------------------------------------


def to_html(report: Report) -> str:
    """One self-contained HTML file: styles inline, charts as base64 PNG, no external address
    (dtmaturity/templates/report.html, autoescaped)."""
    return rendering.render("report.html", report=report)


# --- PDF -------------------------------------------------------------------------------------

_FONTS_REGISTERED = False


def _register_fonts() -> tuple[str, str]:
    """Bitstream Vera (shipped inside reportlab) for regular and bold text."""
    global _FONTS_REGISTERED
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not _FONTS_REGISTERED:
        folder = Path(reportlab.__file__).resolve().parent / "fonts"
        pdfmetrics.registerFont(TTFont("Vera", str(folder / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(folder / "VeraBd.ttf")))
        addMapping("Vera", 0, 0, "Vera")
        addMapping("Vera", 1, 0, "VeraBd")
        _FONTS_REGISTERED = True
    return "Vera", "VeraBd"


def _pdf_styles(*, compact: bool = False) -> dict[str, object]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    regular, bold = _register_fonts()
    base = getSampleStyleSheet()
    if compact:
        return {
            "title": ParagraphStyle(
                "t", parent=base["Title"], fontName=bold, fontSize=15, leading=18, spaceAfter=4
            ),
            "h2": ParagraphStyle(
                "h2", parent=base["Heading2"], fontName=bold, fontSize=11.5, leading=14,
                spaceBefore=6, spaceAfter=3,
            ),
            "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=10),
            "body": ParagraphStyle(
                "b", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5
            ),
            "small": ParagraphStyle(
                "s", parent=base["BodyText"], fontName=regular, fontSize=8, leading=9.5
            ),
            "cell": ParagraphStyle(
                "c", parent=base["BodyText"], fontName=regular, fontSize=8, leading=9.5
            ),
            "head": ParagraphStyle(
                "hd", parent=base["BodyText"], fontName=bold, fontSize=8, leading=9.5
            ),
            "cell_padding": 1.5,
        }  # fmt: skip
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=18, leading=22),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13.5),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=11.5),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=regular, fontSize=9.5),
        "small": ParagraphStyle(
            "s", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5
        ),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontName=regular, fontSize=8.5),
        "head": ParagraphStyle("hd", parent=base["BodyText"], fontName=bold, fontSize=8.5),
    }


def _pdf_image(png: bytes, max_width: float) -> object:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    width, height = ImageReader(io.BytesIO(png)).getSize()
    scale = min(1.0, max_width / width)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


def _paragraph(text: object, style: object) -> object:
    """A reportlab Paragraph showing `text` as text: reportlab reads a paragraph as markup
    (<b>, <a href>, <img>), so every text from data reaches the PDF through here, escaped."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


def _pdf_section(section: Section, styles: dict, width: float, level: int = 2) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, ListFlowable, Spacer, Table

    flow: list = [_paragraph(section.heading, styles[f"h{min(level, 3)}"])]
    flow += [_paragraph(text, styles["body"]) for text in section.paragraphs]
    for figure in section.figures:
        flow.append(
            KeepTogether(
                [
                    _pdf_image(figure.png, width),
                    _paragraph(figure.summary, styles["small"]),
                    Spacer(1, 6),
                ]
            )
        )
    for table in section.tables:
        data = [[_paragraph(c, styles["head"]) for c in table.columns]]
        data += [[_paragraph(v, styles["cell"]) for v in row] for row in table.rows]
        # Columns share the width (as the table says, else equally): left to size themselves,
        # one long word (a name) would push the others below zero width and the PDF would fail.
        if table.widths:
            widths = [share * width for share in table.widths]
        else:
            widths = [width / len(table.columns)] * len(table.columns)
        grid = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        grid.setStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *(
                    (edge, (0, 0), (-1, -1), styles["cell_padding"])
                    for edge in ("TOPPADDING", "BOTTOMPADDING")
                    if "cell_padding" in styles
                ),
            ]
        )
        flow += [grid, Spacer(1, 6)]
    if section.bullets:
        flow.append(
            ListFlowable(
                [_paragraph(b, styles["body"]) for b in section.bullets],
                bulletType="bullet",
                bulletFontName="Vera",
                start="•",
            )
        )
    for sub in section.subsections:
        flow += _pdf_section(sub, styles, width, level + 1)
    return flow


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF with embedded fonts and the charts as images."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    styles = _pdf_styles(compact=report.compact)
    margin = 12 if report.compact else 16
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=margin * mm,
        bottomMargin=margin * mm,
        title=report.title,
        author="dtmaturity",
        lang=report.lang,
    )
    flow: list = [
        _paragraph(report.title, styles["title"]),
        _paragraph(report.subtitle, styles["body"]),
    ]
    for section in report.sections:
        flow += _pdf_section(section, styles, doc.width)
    doc.build(flow)
    return buffer.getvalue()


# --- files -----------------------------------------------------------------------------------


def format_of(path: Path) -> str:
    """The report format from the file name: .pdf or .html (.htm)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in FORMATS:
        raise ReportError(
            f"Cannot tell the report format from {path.name!r}: use a .pdf or .html file name."
        )
    return suffix


def render(report: Report, file_format: str) -> bytes:
    return to_pdf(report) if file_format == "pdf" else to_html(report).encode("utf-8")


def write(
    ctx: Context, unit_id: str, period: str, output: Path, *, lang: str | None = None
) -> Path:
    """Build the report and write it to `output` (format from its extension)."""
    file_format = format_of(output)
    data = render(build(ctx, unit_id, period, lang=lang), file_format)
    output.parent.mkdir(parents=True, exist_ok=True)
    safefiles.replace(output, data)  # a link at `output` is replaced, never written through
    return output


def file_name(unit_id: str, period: str, file_format: str) -> str:
    return f"{exports.file_stem('rapport', unit_id, period)}.{file_format}"


def _unique_file_name(unit_id: str, period: str, file_format: str, used: set[str]) -> str:
    """file_name(), unless that name was given to another unit of this run: ids such as
    `kontor/1`, `kontor 1` and `kontor-1` all make `rapport-kontor-1-…`, and file systems may
    ignore case. Then a short hash of the unit id keeps each report apart."""
    name = file_name(unit_id, period, file_format)
    if name.lower() in used:
        digest = hashlib.sha256(unit_id.encode("utf-8")).hexdigest()[:8]
        name = f"{exports.file_stem('rapport', unit_id, period)[:70]}-{digest}.{file_format}"
    used.add(name.lower())
    return name


def write_all(
    ctx: Context,
    period: str,
    folder: Path,
    *,
    file_format: str = "pdf",
    lang: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """One report per unit into `folder`; `progress(done, total, unit_id)` after each."""
    if file_format not in FORMATS:
        raise ReportError(f"Unknown report format {file_format!r}: use pdf or html.")
    folder.mkdir(parents=True, exist_ok=True)
    everyone = units.tree(ctx)
    written = []
    used: set[str] = set()
    for number, unit in enumerate(everyone, start=1):
        path = folder / _unique_file_name(unit.unit_id, period, file_format, used)
        written.append(write(ctx, unit.unit_id, period, path, lang=lang))
        if progress:
            progress(number, len(everyone), unit.unit_id)
    return written


def progress_bar(stream: object = None, width: int = 30) -> Callable[[int, int, str], None]:
    """A one-line text progress bar on stderr: [#####-----] 5/18 unit-id."""
    out = stream or sys.stderr

    def show(done: int, total: int, label: str) -> None:
        filled = round(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done == total else ""
        out.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}{end}")  # type: ignore[attr-defined]
        out.flush()  # type: ignore[attr-defined]

    return show
