"""HTML from the package's Jinja2 templates (dtmaturity/templates/), always autoescaped: every
value a template shows is text, so a name holding `<script>` arrives as those characters.

The one Jinja2 environment of the app: the e-mails (services/reminders.py) and the report and
meeting summary (services/reportfiles.py) render through `render`. No template marks a value safe
and no value is passed as markup (tests/services/test_templates.py checks both)."""

from __future__ import annotations

import base64
from typing import Any

import jinja2

TEMPLATES = "templates"  # dtmaturity/templates/, shipped as package data (pyproject.toml)


def _base64(data: bytes) -> str:
    """Bytes (a chart's PNG) as base64 text, for a data: address."""
    return base64.b64encode(data).decode("ascii")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dtmaturity", TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,  # a misspelt name fails, rather than showing nothing
        auto_reload=False,
    )
    env.filters["base64"] = _base64
    return env


ENVIRONMENT = _environment()


def render(template: str, **values: Any) -> str:
    """The template (a file name in dtmaturity/templates/) filled in with `values`, escaped."""
    return ENVIRONMENT.get_template(template).render(**values)
