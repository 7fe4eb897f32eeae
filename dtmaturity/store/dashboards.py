"""The queries behind the overview and unit dashboards, one module per concept; imported from
here by the services and the benchmark.

- querying.py: `Query`, `run` and the tree fragments every query shares;
- privacy.py: the privacy rule's SQL (the counts it decides from, and the shown cells);
- scores.py: trends, overview cells, changes, spread, comparison, Likert shares, periods;
- roles.py, reflections.py, participation.py.
"""

from dtmaturity.store.participation import participation
from dtmaturity.store.querying import Cursor, Query, run
from dtmaturity.store.reflections import reflection_periods, reflection_rows
from dtmaturity.store.roles import role_counts
from dtmaturity.store.scores import (
    changes,
    compare,
    likert,
    node_trend,
    overview_cells,
    periods,
    spread,
)

__all__ = [
    "Cursor",
    "Query",
    "changes",
    "compare",
    "likert",
    "node_trend",
    "overview_cells",
    "participation",
    "periods",
    "reflection_periods",
    "reflection_rows",
    "role_counts",
    "run",
    "spread",
]
