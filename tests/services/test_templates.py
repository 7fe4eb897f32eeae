"""The HTML the app writes (e-mails, the report, the meeting summary) comes from the Jinja2
templates in dtmaturity/templates/, through one environment that escapes every value: text
from data stays text. Checked over every template and every module, so a new one is covered."""

from __future__ import annotations

import ast
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hostile import LINE, MARKER, TEXT

from dtmaturity.services import mailmessages, rendering

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dtmaturity"
TEMPLATES = PACKAGE / rendering.TEMPLATES
# A value marked safe, or escaping switched off, in a template.
UNESCAPED = re.compile(r"\|\s*safe\b|autoescape\s+(false|off)|Markup|\|\s*forceescape", re.I)
# An HTML element written in Python: HTML belongs in a template.
ELEMENT = re.compile(r"<(html|body|p|a|img|table|tr|td|th|li|ul|section|figure|h[1-6])[\s>]")


def templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.iterdir() if p.is_file())


def test_every_template_is_loaded_by_the_one_escaping_environment():
    names = rendering.ENVIRONMENT.list_templates()
    assert sorted(names) == [p.name for p in templates()] and "report.html" in names
    assert rendering.ENVIRONMENT.autoescape is True
    for name in names:
        template = rendering.ENVIRONMENT.get_template(name)
        assert template.environment.autoescape is True


@pytest.mark.parametrize("path", templates(), ids=lambda p: p.name)
def test_no_template_marks_a_value_safe(path: Path):
    assert UNESCAPED.findall(path.read_text(encoding="utf-8")) == []


def _python_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def test_only_the_rendering_module_uses_jinja2_and_no_module_makes_markup():
    """No other Jinja2 environment (which might not escape), no Markup made from data, and no
    HTML element written in a service's strings (web/ builds Streamlit's HTML: test_text_sinks)."""
    found = []
    for path in _python_modules():
        shown = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in {"jinja2", "markupsafe"} for n in names) and (
                    shown != "dtmaturity/services/rendering.py"
                ):
                    found.append((shown, node.lineno, "imports jinja2 or markupsafe"))
            if isinstance(node, ast.Name | ast.Attribute) and "Markup" in ast.unparse(node):
                found.append((shown, node.lineno, "Markup"))
        if path.parent.name == "services":
            skip = _docstrings(tree)
            for node in ast.walk(tree):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and id(node) not in skip and ELEMENT.search(text):
                    found.append((shown, node.lineno, "HTML outside a template"))
    assert found == []


class _Page(HTMLParser):
    """The elements and the text of an HTML page, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


@pytest.mark.parametrize("name", [LINE, TEXT.replace("\n", " ")])
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_html_mail_shows_a_hostile_unit_name_as_text(name: str, lang: str):
    today = date(2026, 12, 7)
    planned = mailmessages.Planned(
        1, "2026-Q4", today + timedelta(days=5), "u1", name, "p", "a@b.no", lang, "invitation"
    )
    _, _, html = mailmessages.subject_and_bodies(planned, "https://dt.etat.example", today)
    page = _Page()
    page.feed(html)
    tags = [tag for tag, _ in page.tags]
    assert "img" not in tags and "script" not in tags
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert len(links) == 1 and links[0].startswith("https://dt.etat.example")
    assert MARKER not in links[0]
    assert "<img src=x onerror=alert(1)>" in page.text  # shown as the characters typed
