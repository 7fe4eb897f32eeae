"""A problem found in an uploaded file: where (row, column), the value, and why. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field

from dtmaturity.domain.i18n import t


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (row as a spreadsheet shows it, column), the value,
    and why (`key` in the i18n catalogue)."""

    row: int | None
    column: str | None
    value: str | None
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if "format" in params:
            params["format"] = t(lang, f"format_{params['format']}")
        return t(lang, self.key, **params)

    def line(self, file_name: str, lang: str) -> str:
        """'answers.csv: row 5, column "score", value "7": …' for the CLI and logs."""
        where = [file_name]
        if self.row is not None:
            where.append(t(lang, "import_where_row", row=self.row))
        if self.column is not None:
            where.append(t(lang, "import_where_column", column=self.column))
        if self.value is not None:
            where.append(t(lang, "import_where_value", value=self.value))
        return ", ".join(where) + ": " + self.message(lang)
