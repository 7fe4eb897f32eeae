"""Data reaches markup one way only: every place where Streamlit reads text as markdown (a
message, caption, heading, widget label or help, tab, expander, page link, radio option) gets
a literal, a catalogue text without data, or the output of `ui.as_text` (or `ui.t_as_text`).

The check reads the code (app.py, pages/, dtmaturity/web/, dtmaturity/charts/) with `ast` and
finds every such call by itself, so a new page or helper is covered the day it is written. A
value it cannot prove safe (a variable from a loop, an attribute, a parameter) fails it: wrap
it in `ui.as_text` where it is rendered."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Calls whose text Streamlit renders as markdown: every positional argument (the label or body).
BODY = {"markdown", "write", "caption", "title", "header", "subheader", "info", "warning"}
BODY |= {"error", "success", "toast", "latex", "expander", "popover", "status", "dialog"}
WIDGETS = {
    "button", "download_button", "form_submit_button", "link_button", "page_link", "checkbox",
    "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider", "text_input",
    "text_area", "number_input", "date_input", "time_input", "file_uploader", "color_picker",
    "camera_input", "pills", "segmented_control", "metric", "feedback", "audio_input",
}  # fmt: skip
# Their keyword arguments read as markdown.
MARKDOWN_KEYWORDS = {"label", "body", "help", "captions", "title"}
# Widgets whose options are drawn as markdown (a select box's options are plain text).
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}
# Functions whose result is safe in markdown: the one text function, and its catalogue form.
TEXT_FUNCTIONS = {"as_text", "t_as_text", "link", "label_literal"}  # the last: as_text
CATALOGUE = {"t", "tn"}
# Our own formatting of numbers and dates: digits, signs, month names.
FORMATTERS = {"count", "mean", "change", "date_time", "percent", "format_day", "number"}
FORMATTERS |= {"int", "len", "float", "round", "sum", "min", "max", "abs"}
HTML_SAFE = {"escape", "dumps", "key_class", "asset"}  # asset: our own file in web/static/


def source_files() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    files += sorted((ROOT / "dtmaturity" / "web").rglob("*.py"))
    files += sorted((ROOT / "dtmaturity" / "charts").rglob("*.py"))
    return files


def name_of(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


@dataclass
class Finding:
    file: str
    line: int
    call: str
    code: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.call}(… {self.code} …)"


class Scopes(ast.NodeVisitor):
    """For each function (and the module), the expressions assigned to each name in it."""

    def __init__(self, tree: ast.Module) -> None:
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.assigned: dict[tuple[ast.AST, str], list[ast.expr | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node, node.value)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
                self._bind(
                    node.target, node, node.value if isinstance(node, ast.AnnAssign) else None
                )
            elif isinstance(node, ast.For | ast.comprehension | ast.With | ast.NamedExpr):
                for target in _targets(node):
                    self._bind(target, node, None)  # a loop's or a with's value: data
            elif isinstance(node, ast.FunctionDef | ast.Lambda):
                args = node.args
                for arg in args.args + args.kwonlyargs + args.posonlyargs:
                    self.assigned.setdefault((node, arg.arg), []).append(None)

    def scope(self, node: ast.AST) -> ast.AST:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, ast.FunctionDef | ast.Lambda | ast.Module):
                return node
        return node

    def _bind(self, target: ast.expr, at: ast.AST, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.assigned.setdefault((self.scope(at), target.id), []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(element, at, None)

    def values(self, name: ast.Name) -> list[ast.expr | None]:
        node: ast.AST = name
        while True:
            scope = self.scope(node)
            if (scope, name.id) in self.assigned or isinstance(scope, ast.Module):
                return self.assigned.get((scope, name.id), [])
            node = scope


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.For | ast.comprehension | ast.NamedExpr):
        return [node.target]
    return [item.optional_vars for item in node.items if item.optional_vars is not None]


class Checker:
    def __init__(self, tree: ast.Module) -> None:
        self.scopes = Scopes(tree)
        self.seen: set[int] = set()

    def safe(self, node: ast.expr | None) -> bool:
        """Whether `node` is text markdown shows as written: literal, catalogue, or escaped."""
        if node is None:
            return False
        match node:
            case ast.Constant():
                return True
            case ast.JoinedStr():
                return all(
                    self.safe(v.value) for v in node.values if isinstance(v, ast.FormattedValue)
                )
            case ast.BinOp():
                return self.safe(node.left) and self.safe(node.right)
            case ast.IfExp():
                return self.safe(node.body) and self.safe(node.orelse)
            case ast.BoolOp():
                return all(self.safe(v) for v in node.values)
            case ast.List() | ast.Tuple():
                return all(self.safe(e) for e in node.elts)
            case ast.ListComp() | ast.GeneratorExp():
                return self.safe(node.elt)
            case ast.Lambda():
                return self.safe(node.body)
            case ast.Name():
                return self.safe_name(node)
            case ast.Attribute() if node.attr in CATALOGUE:
                return True  # the catalogue itself, as a format_func
            case ast.Attribute() if node.attr == "get" and _constant_table(node.value):
                return True
            case ast.Attribute() | ast.Name() if _constant_table(node):
                return True  # a constant of our own (`mailconfig.SMTP_URL`)
            case ast.Call():
                return self.safe_call(node)
        return False

    def safe_name(self, node: ast.Name) -> bool:
        if node.id in CATALOGUE or node.id in TEXT_FUNCTIONS:
            return True
        values = self.scopes.values(node)
        if not values or id(node) in self.seen:
            return False
        self.seen.add(id(node))
        try:
            return all(self.safe(v) for v in values)
        finally:
            self.seen.discard(id(node))

    def safe_call(self, node: ast.Call) -> bool:
        called = name_of(node.func)
        if called in TEXT_FUNCTIONS or called in FORMATTERS:
            return True
        if called in CATALOGUE:
            params = [*node.args[1:], *(k.value for k in node.keywords)]
            unpacked = any(k.arg is None for k in node.keywords)
            return not unpacked and all(self.safe(p) for p in params)
        if called == "join" and isinstance(node.func, ast.Attribute):
            return self.safe(node.func.value) and all(self.safe(a) for a in node.args)
        if called in {"list", "str"}:
            return all(self.safe(a) for a in node.args)
        return False

    def safe_html(self, node: ast.expr) -> bool:
        """st.html: only literals, and data passed through html.escape or json.dumps."""
        match node:
            case ast.Constant():
                return True
            case ast.JoinedStr():
                return all(
                    self.safe_html(v.value)
                    for v in node.values
                    if isinstance(v, ast.FormattedValue)
                )
            case ast.BinOp():
                return self.safe_html(node.left) and self.safe_html(node.right)
            case ast.Call() if name_of(node.func) in HTML_SAFE:
                return True
            case ast.Call() if name_of(node.func) == "join":
                return all(self.safe_html(a) for a in node.args)
            case ast.GeneratorExp() | ast.ListComp():
                return self.safe_html(node.elt)
            case ast.Dict():
                return all(self.safe_html(v) for v in node.values)
            case ast.Name():
                values = self.scopes.values(node)
                return bool(values) and all(v is not None and self.safe_html(v) for v in values)
        return False


def _constant_table(node: ast.expr) -> bool:
    """`LANGUAGES.get`, `i18n.LANGUAGES.get`: a table of our own (an upper-case constant)."""
    name = name_of(node)
    return name.isupper() and len(name) > 1


def markdown_arguments(call: ast.Call) -> list[ast.expr]:
    """The arguments of `call` that Streamlit renders as markdown."""
    called = name_of(call.func)
    if called not in BODY | WIDGETS | {"tabs"} or not (call.args or call.keywords):
        return []
    if called == "title" and not isinstance(call.func, ast.Attribute):
        return []
    out: list[ast.expr] = []
    if called in BODY | {"tabs"}:
        out += list(call.args)
    elif call.args:
        out.append(call.args[0])  # a widget's label; its options are checked below
    for keyword in call.keywords:
        if keyword.arg in MARKDOWN_KEYWORDS:
            out.append(keyword.value)
        if keyword.arg == "format_func" and called in MARKDOWN_OPTIONS:
            out.append(keyword.value)
    if called in MARKDOWN_OPTIONS and len(call.args) > 1 and not _has(call, "format_func"):
        out.append(call.args[1])  # options drawn as they are
    return out


def _has(call: ast.Call, keyword: str) -> bool:
    return any(k.arg == keyword for k in call.keywords)


def findings() -> list[Finding]:
    out: list[Finding] = []
    for path in source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        checker = Checker(tree)
        shown = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = name_of(node.func)
            for argument in markdown_arguments(node):
                if not checker.safe(argument):
                    out.append(Finding(shown, node.lineno, called, ast.unparse(argument)[:80]))
            for keyword in node.keywords:
                if keyword.arg in {"unsafe_allow_html"} and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    out.append(Finding(shown, node.lineno, called, "unsafe_allow_html"))
            if called == "html" and node.args and not checker.safe_html(node.args[0]):
                out.append(Finding(shown, node.lineno, called, ast.unparse(node.args[0])[:80]))
    return out


def test_every_markdown_place_gets_a_literal_a_catalogue_text_or_as_text():
    bad = [str(f) for f in findings()]
    assert bad == [], "data reaches markdown other than through ui.as_text:\n" + "\n".join(bad)


def test_the_check_finds_the_calls_on_every_page():
    """The check is not vacuous: it sees markdown places in every page, and in the navigation
    that shows app.py's messages."""
    for path in [ROOT / "dtmaturity/web/navigation.py", *sorted((ROOT / "pages").glob("*.py"))]:
        tree = ast.parse(path.read_text())
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and markdown_arguments(n)]
        assert calls, f"no markdown call found in {path.name}"


@pytest.mark.parametrize(
    "code",
    [
        "st.caption(unit.name)",
        "st.markdown(f'**{name}**')",
        "for r in rows:\n    st.info(r)",
        "st.page_link('p.py', label=x.label, help=ui.t('k', unit=x.unit))",
        "st.tabs([u.name for u in units])",
        "st.radio(ui.t('k'), names, format_func=names.get)",
        "col.button(ui.t('k', who=person.email))",
        "st.expander(f\"{ui.t('a')}: {subject}\")",
        "st.html(f'<b>{name}</b>')",
        "st.markdown(text, unsafe_allow_html=True)",
        "def f(label):\n    st.button(label)",
    ],
)
def test_the_check_fails_on_data_in_markdown(code):
    checker = Checker(tree := ast.parse(code))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    flagged = (
        [a for c in calls for a in markdown_arguments(c) if not checker.safe(a)]
        + [c for c in calls if name_of(c.func) == "html" and not checker.safe_html(c.args[0])]
        + [c for c in calls if any(k.arg == "unsafe_allow_html" for k in c.keywords)]
    )
    assert flagged, code


@pytest.mark.parametrize(
    "code",
    [
        "st.caption(ui.t('k', n=ui.count(3)))",
        "st.caption(ui.as_text(unit.name))",
        "st.info(ui.t_as_text('k', unit=unit.name))",
        "title = ui.t('k')\nst.header(title)",
        "st.radio(ui.t('k'), ['a', 'b'], format_func=ui.t)",
        "st.html(f'<b>{html.escape(name)}</b>')",
    ],
)
def test_the_check_passes_literals_catalogue_texts_and_as_text(code):
    checker = Checker(tree := ast.parse(code))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert all(checker.safe(a) for c in calls for a in markdown_arguments(c)), code


def test_charts_make_no_link_and_load_no_image():
    """A chart draws data as text only: no `href` channel (a click opens a link from data), no
    image mark and no image or data address (a request to another host)."""
    bad = []
    for path in sorted((ROOT / "dtmaturity" / "charts").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg in {"href", "url", "image"}:
                bad.append(f"{path.name}:{node.value.lineno}: {node.arg}=")
            if isinstance(node, ast.Attribute) and node.attr in {
                "mark_image",
                "Href",
                "Url",
                "UrlData",
            }:
                bad.append(f"{path.name}:{node.lineno}: {node.attr}")
    assert bad == []
