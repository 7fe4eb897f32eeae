"""Altair chart builders: a small aggregated frame in, a chart out. Pure functions, used by the
pages (through `recipe` and `spec_of`) and by the leader-group report.

- theme.py: the palette, shapes and dashes (nothing told by colour alone), dark text, and a
  chart's finished spec for a page (`readable_spec`) or a picture (`readable`);
- cache.py: `Recipe`, `recipe` and `spec_of`, the spec made once per content;
- unit.py: one unit's charts: `trend_with_plan`, `profile`, `compare`, `roles`;
- overview.py: the charts over the units below a node: `heatmap`, `likert`, `spread`,
  `participation`.
"""

from dtmaturity.charts.cache import Recipe, recipe, spec_of
from dtmaturity.charts.overview import heatmap, likert, participation, spread
from dtmaturity.charts.theme import INK, PAGE_AUTOSIZE, PALETTE, readable, readable_spec
from dtmaturity.charts.unit import compare, profile, roles, trend_with_plan

__all__ = [
    "INK",
    "PAGE_AUTOSIZE",
    "PALETTE",
    "Recipe",
    "compare",
    "heatmap",
    "likert",
    "participation",
    "profile",
    "readable",
    "readable_spec",
    "recipe",
    "roles",
    "spec_of",
    "spread",
    "trend_with_plan",
]
