"""The vocabulary the form definitions are written in.

A form (template version) is plain data: tables made of rows and columns, each with its printed
label and every variant seen in the wild, plus the identities the form prints or implies. The
extractor, the checker and the renderer all read these objects; nothing else lists rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Kind = Literal["count", "signed", "money"]

_NOT_LABEL = re.compile(r"[\W_]+")


def compact(normalized: str) -> str:
    """label_key for text that is already NFKC-normalised (the whole report, say): cheaper."""
    return _NOT_LABEL.sub("", normalized.replace("其它", "其他"))


def label_key(text: str) -> str:
    """Reduce a printed label to the characters that identify it.

    Labels are printed with every kind of punctuation, numbering style and stray space
    (`（二）部分公开（区分处理的，只计这一情 形…）`, `商业 企业`, `本年增/减`); keeping only CJK
    characters, letters and digits makes those variants compare equal.
    """
    text = unicodedata.normalize("NFKC", text).replace("其它", "其他")
    return _NOT_LABEL.sub("", text)


@dataclass(frozen=True)
class Column:
    """One column of a table: a JSON key, its official header and the variants printed."""

    key: str
    label: str
    short: str = ""
    variants: tuple[str, ...] = ()
    kind: Kind = "count"
    unit: str = "件"
    group: str | None = None  # a spanning header above this column, e.g. 法人或其他组织

    @property
    def name(self) -> str:
        """The short Chinese name used in messages."""
        return self.short or self.label

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """All label keys that identify this column header."""
        return tuple(dict.fromkeys(label_key(v) for v in (self.label, *self.variants)))


@dataclass(frozen=True)
class Row:
    """One row of a table.

    `columns` lists the column keys this row has (rows of table 二 differ); `instead_of` marks a
    row that some reports print in place of several official rows (the 2021 form's three
    （六）其他处理 rows printed as one).
    """

    key: str
    label: str
    short: str = ""
    variants: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    group: str | None = None
    block: str | None = None
    instead_of: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.short or self.label

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(label_key(v) for v in (self.label, *self.variants)))


@dataclass(frozen=True)
class Identity:
    """An arithmetic identity between cells.

    `axis="rows"`: for every column in `over` (all columns when empty), the sum of rows `lhs`
    equals the sum of rows `rhs`. `axis="columns"`: for every row in `over`, the sum of
    columns `lhs` equals the sum of columns `rhs`.
    """

    rule: str
    table: str
    axis: Literal["rows", "columns"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    over: tuple[str, ...] = ()
    printed: bool = False  # printed on the form itself (T3-1) rather than implied by a 总计 label


@dataclass(frozen=True, eq=False)  # identity hash: tables are constants and index caches key on them
class Table:
    """One statutory table of a form."""

    key: str
    number: str  # 二 / 三 / 四, as in 表二
    title: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    identities: tuple[Identity, ...] = ()
    layout: Literal["rows", "one_row"] = "rows"
    groups: tuple[tuple[str, str], ...] = ()  # spanning headers: (label, column group or row key)

    @cached_property
    def _rows_by_key(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}

    @cached_property
    def _columns_by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def row(self, key: str) -> Row:
        return self._rows_by_key[key]

    def column(self, key: str) -> Column:
        return self._columns_by_key[key]

    @cached_property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def row_columns(self, row: Row) -> tuple[str, ...]:
        """The column keys a row has, in the form's printed order."""
        return row.columns or self.column_keys

    @property
    def official_rows(self) -> tuple[Row, ...]:
        """Rows a conforming report prints (without the nonconforming alternatives)."""
        return tuple(r for r in self.rows if not r.instead_of)


@dataclass(frozen=True)
class Section:
    """A top-level section of the report (一 … 六) and how its heading is recognised."""

    number: str
    key: str
    heading: str
    pattern: str  # regex searched in the heading line after the number
    table: str | None = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


@dataclass(frozen=True)
class Form:
    """A template version: its tables, the years it applies to and the labels that betray it."""

    key: str
    name: str
    instrument: str
    first_year: int
    last_year: int | None
    tables: tuple[Table, ...]
    signatures: tuple[str, ...] = field(default=())

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def applies_to(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)
