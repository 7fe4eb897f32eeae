"""A report as an A4 PDF, with reportlab: the Bitstream Vera font that reportlab ships covers
æ, ø, å and – — “ ” ‘ ’ …, so Norwegian text survives; every text from data is escaped."""

from __future__ import annotations

import io
from pathlib import Path

from dtmaturity.services.reportmodel import Report, Section

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
