"""Where DuckDB and PostgreSQL differ, named: which database a location names, and the few
rewrites of the store's one set of SQL that PostgreSQL needs.

The store's SQL is written once, in the DuckDB spelling of placeholders (`?` and `$name`) and
otherwise in SQL both databases accept. For PostgreSQL it passes through `to_psycopg` (the
placeholders psycopg takes) and `temp_table_replaced` (PostgreSQL has no CREATE OR REPLACE TEMP
TABLE). Nothing else is translated: a construct only one database knows is rewritten in the
store itself, in a spelling both accept.
"""

from __future__ import annotations

import re
from pathlib import Path

from dtmaturity import memo

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: Path | str | None) -> bool:
    """A postgresql:// URL names a PostgreSQL database; anything else is a DuckDB file."""
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def shown(location: str) -> str:
    """A PostgreSQL URL fit for a message or a log: any password replaced by ***."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", location)


# PostgreSQL's text cannot hold NUL (U+0000); DuckDB's can. A NUL in a value bound on
# PostgreSQL becomes U+FFFD (the replacement character), in what is stored and in what is
# looked up alike, so a hostile name stores and finds itself as on DuckDB, one character shown
# as "�".
NUL_STORED_AS = "\ufffd"


def storable(text: str) -> str:
    """A text value as PostgreSQL can hold it (see NUL_STORED_AS)."""
    return text.replace("\x00", NUL_STORED_AS) if "\x00" in text else text


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@memo.memoised(4096)
def to_psycopg(sql: str) -> str:
    """DuckDB's placeholders `?` and `$name` as psycopg's `%s` and `%(name)s`, and every other
    `%` doubled (psycopg reads `%` everywhere in a statement, string literals included).

    A `?` or `$` inside a string literal, a quoted identifier or a comment stays as it is.
    """
    out: list[str] = []
    i, end = 0, len(sql)
    while i < end:
        char = sql[i]
        if char in "'\"":  # a literal or quoted identifier: to its closing quote ('' escapes)
            close = i + 1
            while close < end:
                if sql[close] == char:
                    if close + 1 < end and sql[close + 1] == char:
                        close += 2
                        continue
                    break
                close += 1
            out.append(sql[i : close + 1].replace("%", "%%"))
            i = close + 1
        elif sql.startswith("--", i):
            close = sql.find("\n", i)
            close = end if close < 0 else close
            out.append(sql[i:close].replace("%", "%%"))
            i = close
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            close = end if close < 0 else close + 2
            out.append(sql[i:close].replace("%", "%%"))
            i = close
        elif char == "?":
            out.append("%s")
            i += 1
        elif char == "$" and (name := _NAME.match(sql, i + 1)):
            out.append(f"%({name.group()})s")
            i = name.end()
        elif char == "%":
            out.append("%%")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


_REPLACE_TEMP = re.compile(
    r"^\s*CREATE\s+OR\s+REPLACE\s+(TEMP|TEMPORARY)\s+(TABLE|VIEW)\s+([A-Za-z_][A-Za-z0-9_]*)",
    re.IGNORECASE,
)


@memo.memoised(1024)
def temp_table_replaced(sql: str) -> tuple[str | None, str]:
    """PostgreSQL has no CREATE OR REPLACE TEMP TABLE: the DROP to run first (or None) and the
    statement as a plain CREATE TEMP TABLE (or VIEW)."""
    match = _REPLACE_TEMP.match(sql)
    if not match:
        return None, sql
    kind, name = match.group(2).upper(), match.group(3)
    rest = sql[match.end() :]
    return f"DROP {kind} IF EXISTS {name}", f"CREATE TEMP {kind} {name}{rest}"


def full_match(on_postgres: bool, column: str, param: str) -> str:
    """SQL: `column` matches the regular expression in parameter `param` as a whole. The store
    writes patterns as DuckDB's RE2 reads them; PostgreSQL gets them through `postgres_regex`,
    and reads character classes per Unicode under its ICU collation (as RE2 does)."""
    if on_postgres:
        return f'({column} COLLATE "und-x-icu") ~ ${param}'
    return f"regexp_full_match({column}, ${param})"


def postgres_regex(pattern: str) -> str:
    """An RE2 pattern for PostgreSQL: anchored (its ~ finds a match anywhere), and the Unicode
    classes \\pL and \\pN (used inside brackets only) as [:alpha:] and [:digit:]."""
    return "^(?:" + pattern.replace(r"\pL", "[:alpha:]").replace(r"\pN", "[:digit:]") + ")$"
