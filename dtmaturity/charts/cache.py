"""Chart specs made once per content: a page passes a `Recipe` (a builder and its arguments),
and `spec_of` builds the chart only when these figures have not been drawn before."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from dtmaturity import memo
from dtmaturity.charts.theme import readable_spec


@dataclass(frozen=True)
class Recipe:
    """A chart still to be drawn: a builder of this package and its arguments. A page passes
    the recipe, so the spec can come from `spec_of`'s cache and the chart itself is built
    only when someone downloads it as a picture."""

    build: Callable[..., alt.TopLevelMixin]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def chart(self) -> alt.TopLevelMixin:
        return self.build(*self.args, **self.kwargs)


def recipe(build: Callable[..., alt.TopLevelMixin], *args: Any, **kwargs: Any) -> Recipe:
    return Recipe(build, args, kwargs)


def _content_key(value: Any) -> Hashable:
    """What a builder's argument holds, as a dictionary key (TypeError when it cannot be one)."""
    if isinstance(value, pd.DataFrame):
        hashed = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return ("frame", tuple(value.columns), tuple(map(str, value.dtypes)), hashed)
    hash(value)
    return value


# At most 512 specs (dtmaturity/memo.py: the least recently drawn go first).
_SPECS: memo.Memo[dict] = memo.Memo(512)


def spec_of(drawing: Recipe, lang: str | None = None) -> dict:
    """`readable_spec` of the recipe's chart, made once per content: a page rerun showing the
    same figures (the dashboards' frames are cached per data version) builds no chart. The
    result is shared: callers must not change it (Streamlit copies what it changes)."""
    try:
        key: Hashable = (
            drawing.build.__module__,
            drawing.build.__qualname__,
            tuple(_content_key(a) for a in drawing.args),
            tuple(sorted((k, _content_key(v)) for k, v in drawing.kwargs.items())),
            lang,
        )
    except TypeError:  # an argument that cannot be a key (a list, say): no caching
        return readable_spec(drawing.chart(), lang)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS.put(key, readable_spec(drawing.chart(), lang))
    return spec
