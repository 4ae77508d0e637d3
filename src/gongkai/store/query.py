"""The corpus query layer: lists with filters and pagination, a body's timeline, the comparison of
two reports, dashboard aggregates with peer-group quartiles, and region coverage.

One library for every face: the web pages, their `.json` / `.csv` twins and the CLI (`gongkai
stats` prints `stats.breakdowns`, which the dashboard calls with the current filter). Every
function takes a DuckDB connection (or cursor) and plain values, and returns plain dicts/lists
(JSON-ready), so a program gets exactly what a page shows. Bad parameters raise QueryError with a
Chinese message (the web answers 400 with it).

Filters are always bound as parameters; only fixed SQL fragments chosen from whitelists are
formatted into the statements.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import duckdb

from ..forms import ALL_FORMS
from .bodies import body_of
from .flat import reports_source
from .metrics import RATES
from .schema import TEMPLATES
from .stats import LEVELS, breakdowns, on_time

__all__ = ["QueryError", "Filters", "KINDS", "list_reports", "list_bodies", "body_timeline", "compare_tables",
           "dashboard", "region_coverage", "unpublished", "to_csv", "MAX_PAGE", "RATE_NAMES"]

MAX_PAGE = 500  # rows per page of a list (the CSV of a list may have up to MAX_EXPORT)
MAX_EXPORT = 200_000
KINDS = {"government": "人民政府", "office": "政府办公室", "department": "部门"}
RATE_NAMES = {name: label for name, label, _ in RATES}
_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,15}$")


class QueryError(ValueError):
    """A parameter the query layer refuses; the message is Chinese and fit to show."""


@dataclass(frozen=True)
class Filters:
    """What a list, the dashboard and the CSVs are restricted to (None = no restriction)."""

    year: int | None = None
    form: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None
    kind: str | None = None
    has_errors: bool | None = None
    rule: str | None = None
    late: bool | None = None
    q: str | None = None

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> Filters:
        """Filters from request parameters (strings; empty = unset), checked; QueryError otherwise."""
        got: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None or str(raw).strip() == "":
                continue
            value = str(raw).strip()
            if len(value) > 60:
                raise QueryError(f"参数 {f.name} 过长（最多 60 个字符）")
            got[f.name] = value
        out: dict[str, Any] = {k: v for k, v in got.items() if k in ("province", "city", "county", "q")}
        if "year" in got:
            if not re.fullmatch(r"\d{4}", got["year"]) or not 1990 <= int(got["year"]) <= 2100:
                raise QueryError("年度应为四位数字（1990–2100）")
            out["year"] = int(got["year"])
        if "form" in got:
            if got["form"] not in TEMPLATES:
                raise QueryError(f"格式应为 {'、'.join(TEMPLATES)} 之一")
            out["form"] = got["form"]
        if "level" in got:
            if got["level"] not in LEVELS:
                raise QueryError(f"层级应为 {'、'.join(LEVELS)} 之一")
            out["level"] = got["level"]
        if "kind" in got:
            if got["kind"] not in KINDS:
                raise QueryError(f"单位类型应为 {'、'.join(KINDS)} 之一")
            out["kind"] = got["kind"]
        for name in ("has_errors", "late"):
            if name in got:
                if got[name] not in ("0", "1", "true", "false"):
                    raise QueryError(f"参数 {name} 应为 1（是）或 0（否）")
                out[name] = got[name] in ("1", "true")
        if "rule" in got:
            if not _RULE.match(got["rule"]):
                raise QueryError("规则编号只能含字母、数字和连字符（如 T3-2）")
            out["rule"] = got["rule"].upper()
        return cls(**out)

    def params(self) -> dict[str, str]:
        """The filters as request parameters (for links and the CSV of the same list)."""
        out = {}
        for k, v in asdict(self).items():
            if v is None:
                continue
            out[k] = ("1" if v else "0") if isinstance(v, bool) else str(v)
        return out

    def where(self) -> tuple[str, list[Any]]:
        """A condition over the flat report rows `r` (store/flat.py), and its parameters."""
        where, args = ["TRUE"], []
        for column, value in (("r.year", self.year), ("r.province", self.province), ("r.city", self.city),
                              ("r.county", self.county), ("r.level", self.level), ("r.kind", self.kind)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if self.form:
            where.append("r.template = ?")
            args.append(self.form)
        if self.has_errors is not None:
            where.append("r.has_error" if self.has_errors else "NOT r.has_error")
        if self.rule:
            where.append("EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256 AND f.rule = ?)")
            args.append(self.rule)
        if self.late is not None:
            where.append("r.late" if self.late else "r.published IS NOT NULL AND NOT r.late")
        if self.q:
            where.append("(r.name ILIKE ? OR r.organization ILIKE ?)")
            args += [f"%{_like(self.q)}%"] * 2
        return " AND ".join(where), args


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _page(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or offset < 0:
        raise QueryError("分页参数不正确（limit ≥ 1，offset ≥ 0）")
    return min(limit, MAX_EXPORT), offset


# --- lists -----------------------------------------------------------------------------------

REPORT_SORTS = {
    "errors": "r.errors DESC, r.warnings DESC, r.seq",
    "year": "r.year DESC NULLS LAST, r.seq",
    "name": "r.name NULLS LAST, r.year, r.seq",
    "recent": "r.seq DESC",
    **{f"{name}_asc": f"r.{name} ASC NULLS LAST, r.seq" for name, _, _ in RATES},
    **{f"{name}_desc": f"r.{name} DESC NULLS LAST, r.seq" for name, _, _ in RATES},
}
REPORT_COLUMNS = ("sha256", "organization", "body_id", "body", "province", "city", "county", "level", "kind",
                  "year", "template", "published", "errors", "warnings", "late", "substantive_rate",
                  "denied_rate", "review_correction_rate", "path")


def list_reports(con: duckdb.DuckDBPyConnection, filters: Filters = Filters(), sort: str = "errors",
                 limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Current reports matching `filters`: {"total", "offset", "limit", "columns", "rows"}."""
    if sort not in REPORT_SORTS:
        raise QueryError("排序方式不正确")
    limit, offset = _page(limit, offset)
    where, args = filters.where()
    source = reports_source(con)
    (total,) = con.execute(f"SELECT count(*) FROM {source} r WHERE {where}", args).fetchone()
    columns = ", ".join("r.name" if c == "body" else f"r.{c}" for c in REPORT_COLUMNS)
    got = con.execute(f"SELECT {columns} FROM {source} r WHERE {where} ORDER BY {REPORT_SORTS[sort]} LIMIT ? OFFSET ?",
                      [*args, limit, offset]).fetchall()
    rows = []
    for row in got:
        item = dict(zip(REPORT_COLUMNS, row))
        item["published"] = item["published"].isoformat() if item["published"] else None
        for name in ("substantive_rate", "denied_rate", "review_correction_rate"):
            item[name] = _round(item[name])
        rows.append(item)
    return {"total": total, "offset": offset, "limit": limit, "columns": list(REPORT_COLUMNS), "rows": rows}


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


BODY_SORTS = {"name": "b.name, b.body_id", "reports": "n DESC, b.name", "errors": "with_errors DESC, b.name"}
BODY_COLUMNS = ("body_id", "name", "province", "city", "county", "level", "kind", "reports", "years",
                "with_errors", "first_year", "last_year")


def list_bodies(con: duckdb.DuckDBPyConnection, filters: Filters = Filters(), sort: str = "name",
                limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Bodies with at least one current report matching `filters`, with their counts."""
    if sort not in BODY_SORTS:
        raise QueryError("排序方式不正确")
    limit, offset = _page(limit, offset)
    where, args = filters.where()
    grouped = f"""SELECT r.body_id, count(*) AS n, list(DISTINCT r.year ORDER BY r.year) FILTER (WHERE r.year IS NOT NULL) AS years,
                  count(*) FILTER (WHERE r.has_error) AS with_errors, min(r.year) AS first_year, max(r.year) AS last_year
           FROM {reports_source(con)} r WHERE {where} AND r.body_id IS NOT NULL
           GROUP BY r.body_id"""
    (total,) = con.execute(f"SELECT count(*) FROM ({grouped})", args).fetchone()
    rows = con.execute(
        f"""WITH g AS ({grouped}) SELECT b.body_id, b.name, b.province, b.city, b.county, b.level, b.kind, g.n,
               g.years, g.with_errors, g.first_year, g.last_year
            FROM g JOIN bodies b USING (body_id) ORDER BY {BODY_SORTS[sort]} LIMIT ? OFFSET ?""",
        [*args, limit, offset]).fetchall()
    return {"total": total, "offset": offset, "limit": limit, "columns": list(BODY_COLUMNS),
            "rows": [dict(zip(BODY_COLUMNS, row)) for row in rows]}


def to_csv(columns: Iterable[str], rows: Iterable[Mapping[str, Any] | tuple]) -> str:
    """A list as CSV text (UTF-8 with BOM added by the caller for Excel); lists joined with `;`."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        values = [row.get(c) for c in columns] if isinstance(row, Mapping) else list(row)
        writer.writerow(["" if v is None else ";".join(map(str, v)) if isinstance(v, list)
                         else (1 if v else 0) if isinstance(v, bool) else v for v in values])
    return out.getvalue()


# --- a body's timeline -------------------------------------------------------------------------

# key figures: (key, Chinese name, table, row, column); the proactive figure is the form's own
# count of 规范性文件 (v2021: 现行有效件数, v2019: 本年新公开), the only one both forms print
FIGURES: tuple[tuple[str, str, str, str, str], ...] = (
    ("new_received", "本年新收申请", "requests", "new_received", "total"),
    ("carried_in", "上年结转申请", "requests", "carried_in", "total"),
    ("results_total", "办理结果总计", "requests", "results_total", "total"),
    ("review_total", "行政复议总计", "review_litigation", "review", "total"),
    ("review_corrected", "复议纠正", "review_litigation", "review", "corrected"),
    ("litigation_direct", "直接起诉总计", "review_litigation", "litigation_direct", "total"),
    ("litigation_after_review", "复议后起诉总计", "review_litigation", "litigation_after_review", "total"),
)
PROACTIVE = {"v2021": ("normative_docs", "in_force"), "v2019": ("normative_docs", "new_published")}
CROSSYEAR_RULES = ("X-1", "T2-3", "T2-4", "X-4", "Q-DUP-1", "Q-DUP-2")


def body_timeline(con: duckdb.DuckDBPyConnection, body_id: str) -> dict[str, Any] | None:
    """A body's current reports by year with key figures and rates, and its cross-year findings;
    None when no such body has a report."""
    body = con.execute("SELECT body_id, name, province, city, county, level, kind FROM bodies WHERE body_id = ?",
                       [body_id]).fetchone()
    if body is None:
        return None
    reports = con.execute(
        f"""SELECT r.sha256, r.year, r.template, r.published, r.errors, r.warnings, r.path,
               {", ".join(f"r.{name}" for name, _, _ in RATES)}
        FROM {reports_source(con)} r WHERE r.body_id = ? ORDER BY r.year NULLS LAST, r.seq""", [body_id]).fetchall()
    shas = [r[0] for r in reports]
    cells: dict[str, dict[tuple[str, str, str], float | None]] = {}
    for sha, t, row, col, value in con.execute(
            "SELECT sha256, CAST(tbl AS VARCHAR), CAST(row AS VARCHAR), CAST(col AS VARCHAR), value FROM cells "
            "WHERE CAST(row AS VARCHAR) IN (SELECT unnest($2::VARCHAR[])) AND sha256 IN (SELECT unnest($1::VARCHAR[]))",
            [shas, sorted({f[3] for f in FIGURES} | {p[0] for p in PROACTIVE.values()})]).fetchall():
        cells.setdefault(sha, {})[(t, row, col)] = value
    out_reports = []
    for sha, year, template, published, errors, warnings, path, *rates in reports:
        got = cells.get(sha, {})
        figures = {key: got.get((t, row, col)) for key, _, t, row, col in FIGURES}
        p = PROACTIVE.get(template)
        figures["proactive_normative"] = got.get(("proactive", *p)) if p else None
        out_reports.append({"sha256": sha, "year": year, "template": template,
                            "published": published.isoformat() if published else None, "errors": errors,
                            "warnings": warnings, "path": path, "figures": figures,
                            "rates": {name: _round(v) for (name, _, _), v in zip(RATES, rates)}})
    findings = con.execute(
        """SELECT f.sha256, r.year, f.rule, f.severity, f.message, f.related_sha256, p.year
           FROM findings f JOIN current_reports r USING (sha256) LEFT JOIN reports p ON p.sha256 = f.related_sha256
           WHERE r.body_id = ? AND f.origin = 'crossyear' ORDER BY r.year, f.sha256, f.ordinal""",
        [body_id]).fetchall()
    keys = ("sha256", "year", "rule", "severity", "message", "related_sha256", "related_year")
    return {"body": dict(zip(("body_id", "name", "province", "city", "county", "level", "kind"), body)),
            "reports": out_reports, "crossyear": [dict(zip(keys, f)) for f in findings],
            "figure_names": {**{k: n for k, n, *_ in FIGURES}, "proactive_normative": "规范性文件（主动公开）"},
            "rate_names": RATE_NAMES}


def previous_report(con: duckdb.DuckDBPyConnection, sha: str) -> str | None:
    """The same body's first-ingested current report of the nearest earlier year (the default
    other side of a comparison), or None."""
    row = con.execute(
        """SELECT p.sha256 FROM reports r JOIN current_reports p ON p.body_id = r.body_id
           JOIN sources s ON s.sha256 = p.sha256 WHERE r.sha256 = ? AND p.year < r.year
           ORDER BY p.year DESC, s.seq LIMIT 1""", [sha]).fetchone()
    return row[0] if row else None


# --- comparing two reports ---------------------------------------------------------------------

BIG_SHARE = 0.5  # a change of at least half the earlier value …
BIG_ABSOLUTE = 10  # … and at least this many items is a big move


def compare_tables(old: Any, new: Any) -> list[dict[str, Any]]:
    """The three tables of two Reports side by side: for each table its rows with, per column,
    the old and new value, the change and its share; labels from the newer report's form (the
    older one's for a row only it has)."""
    forms = [ALL_FORMS[k] for k in (new.template, old.template) if k in ALL_FORMS]
    out = []
    for table_key in ("proactive", "requests", "review_litigation"):
        tables = [f.table(table_key) for f in forms if any(t.key == table_key for t in f.tables)]
        if not tables:
            continue
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for table in tables:
            for row in table.rows:
                if row.key in seen:
                    continue
                seen.add(row.key)
                cells = []
                for col_key in table.row_columns(row):
                    a = _value(old, table_key, row.key, col_key)
                    b = _value(new, table_key, row.key, col_key)
                    change = None if a is None or b is None else b - a
                    share = None if change is None or not a else change / a
                    big = change is not None and abs(change) >= BIG_ABSOLUTE and (share is None or abs(share) >= BIG_SHARE)
                    cells.append({"col": col_key, "label": table.column(col_key).label, "old": a, "new": b,
                                  "change": change, "share": _round(share), "big": big})
                rows.append({"row": row.key, "label": row.label, "cells": cells})
        out.append({"table": table_key, "title": f"表{tables[0].number} {tables[0].title}", "rows": rows})
    return out


def _value(report: Any, table: str, row: str, col: str) -> float | None:
    cell = report.tables.get(table, {}).get(row, {}).get(col)
    return None if cell is None else cell.value


def compare_sections(old: Any, new: Any) -> list[dict[str, Any]]:
    """The six sections of both reports, aligned by number, with the passages of the newer one
    repeated from the older (the Q-DUP-1 measure: form text excluded) and the share repeated."""
    from ..check.copying import prose_by_section, section_similarity
    from ..forms import SECTIONS

    similar = {s.number: s for s in section_similarity(new, old)}
    old_prose, new_prose = prose_by_section(old), prose_by_section(new)
    out = []
    for section in SECTIONS:
        sim = similar.get(section.number)
        # the prose the measure compared: the tables are shown above, cell by cell
        out.append({"number": section.number, "heading": section.heading,
                    "old": "\n".join(old_prose.get(section.number, [])),
                    "new": "\n".join(new_prose.get(section.number, [])),
                    "share": _round(sim.share) if sim else None, "chars": sim.chars if sim else None,
                    "passages": list(sim.passages) if sim else []})
    if "全文" in similar:  # no usable headings: the whole text was compared
        sim = similar["全文"]
        out.append({"number": "全文", "heading": "全文", "old": "\n".join(old.lines), "new": "\n".join(new.lines),
                    "share": _round(sim.share), "chars": sim.chars, "passages": list(sim.passages)})
    return out


# --- dashboard ---------------------------------------------------------------------------------

def dashboard(con: duckdb.DuckDBPyConnection, filters: Filters = Filters(), top: int = 15) -> dict[str, Any]:
    """Everything the dashboard draws for `filters`: the `gongkai stats` breakdowns (same
    function), the on-time rate, each rate's distribution overall and by peer group (level,
    province), and a region table one level below the filter's region."""
    where, args = filters.where()
    blocks = breakdowns(con, top=top, where=where, args=args)
    punctual = on_time(con, where, args)
    source = reports_source(con)
    # every rate's quartiles overall, by level and by province in one pass; then every histogram in another
    aggregates = ", ".join(
        f"count(r.{n}), min(r.{n}), quantile_cont(r.{n}, [0.25, 0.5, 0.75]), max(r.{n})" for n, _, _ in RATES)
    grouped = con.execute(
        f"""SELECT r.level, r.province, GROUPING(r.level), GROUPING(r.province), {aggregates}
            FROM {source} r WHERE {where} GROUP BY GROUPING SETS ((), (r.level), (r.province))""", args).fetchall()
    bins = ", ".join(f"count(*) FILTER (WHERE least(9, greatest(0, floor(r.{n} * 10))) = b.i)" for n, _, _ in RATES)
    histogram = con.execute(f"SELECT b.i, {bins} FROM range(10) b(i), {source} r WHERE {where} GROUP BY b.i ORDER BY b.i",
                            args).fetchall()
    metrics = []
    for k, (name, label, _) in enumerate(RATES):
        groups: dict[str, list[dict[str, Any]]] = {"all": [], "level": [], "province": []}
        for level, province, g_level, g_province, *numbers in grouped:
            n, low, quartiles, high = numbers[4 * k:4 * k + 4]
            if not n and not (g_level and g_province):
                continue  # a peer group without this rate
            q1, median, q3 = quartiles if quartiles is not None else (None, None, None)
            item = {"n": n, "min": _round(low), "q1": _round(q1), "median": _round(median), "q3": _round(q3),
                    "max": _round(high)}
            if g_level and g_province:
                groups["all"].append(item)
            elif not g_level:
                groups["level"].append({"group": LEVELS.get(level, level) if level else "（未识别）", **item})
            else:
                groups["province"].append({"group": province or "（未识别）", **item})
        counts = {row[0]: row[1 + k] for row in histogram}
        empty = {"n": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None}
        metrics.append({"metric": name, "name": label, "all": groups["all"][0] if groups["all"] else empty,
                        "histogram": [{"bin": f"{10 * i}–{10 * (i + 1)}%", "n": counts.get(i, 0)} for i in range(10)],
                        "by_level": sorted(groups["level"], key=lambda g: g["group"]),
                        "by_province": sorted(groups["province"], key=lambda g: g["group"])})
    return {"filters": filters.params(), "breakdowns": [{"title": t, "header": list(h), "rows": [list(r) for r in rs]}
                                                       for t, h, rs in blocks],
            "on_time": punctual, "metrics": metrics, "regions": region_table(con, filters)}


def region_table(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Per region one level below the filter's (province → city → county): reports, share with
    errors, on-time share and the median 实质公开率."""
    key = "r.county" if filters.city else "r.city" if filters.province else "r.province"
    where, args = filters.where()
    got = con.execute(
        f"""SELECT coalesce({key}, '（未识别）') AS k, count(*) AS n,
                   round(100.0 * count(*) FILTER (WHERE r.has_error) / count(*), 1),
                   round(100.0 * count(*) FILTER (WHERE r.published IS NOT NULL AND NOT r.late)
                       / nullif(count(*) FILTER (WHERE r.published IS NOT NULL), 0), 1),
                   round(quantile_cont(r.substantive_rate, 0.5), 4)
            FROM {reports_source(con)} r WHERE {where} GROUP BY k ORDER BY n DESC, k""", args).fetchall()
    level = {"r.province": "省份", "r.city": "地市", "r.county": "区县"}[key]
    return {"title": f"按{level}", "header": [level, "报告数", "有错误 %", "按期发布 %", "实质公开率中位数"],
            "rows": [list(r) for r in got]}


# --- regions -----------------------------------------------------------------------------------

def region_coverage(con: duckdb.DuckDBPyConnection, province: str | None, city: str | None = None,
                    county: str | None = None) -> dict[str, Any]:
    """The bodies under a region and, per year present in the region, whether each has a report
    (a body without a report in a year it could have published is a gap)."""
    if not province and not city and not county:
        raise QueryError("请至少选择省份")
    where, args = ["TRUE"], []
    for column, value in (("province", province), ("city", city), ("county", county)):
        if value:
            where.append(f"b.{column} = ?")
            args.append(value)
    rows = con.execute(
        f"""SELECT b.body_id, b.name, b.level, b.kind, list(DISTINCT r.year ORDER BY r.year)
                   FILTER (WHERE r.year IS NOT NULL)
            FROM bodies b LEFT JOIN {reports_source(con)} r ON r.body_id = b.body_id WHERE {' AND '.join(where)}
            GROUP BY ALL ORDER BY b.name""", args).fetchall()
    years = sorted({y for r in rows for y in (r[4] or [])})
    bodies = [{"body_id": b, "name": n, "level": lv, "kind": k, "years": ys or [],
               "missing": [y for y in years if y not in (ys or [])]} for b, n, lv, k, ys in rows]
    return {"region": {"province": province, "city": city, "county": county}, "years": years, "bodies": bodies,
            "gaps": sum(len(b["missing"]) for b in bodies)}


MAX_NAMES = 2000


def unpublished(con: duckdb.DuckDBPyConnection, names: Iterable[str], year: int) -> list[dict[str, Any]]:
    """For each name of a pasted list (one body a line, or the first CSV column): the body it
    resolves to and whether that body has a current report for `year`."""
    listed = [n.strip() for n in names if n.strip()]
    if len(listed) > MAX_NAMES:
        raise QueryError(f"名单最多 {MAX_NAMES} 个单位，这次有 {len(listed)} 个")
    out = []
    for name in listed:
        body = body_of(name[:100])
        got = None
        if body is not None:
            got = con.execute("SELECT r.sha256 FROM current_reports r JOIN sources s USING (sha256) "
                              "WHERE r.body_id = ? AND r.year = ? ORDER BY s.seq LIMIT 1", [body.body_id, year]).fetchone()
        out.append({"name": name[:100], "body_id": body.body_id if body else None,
                    "body": body.name if body else None, "published": got is not None,
                    "sha256": got[0] if got else None})
    return out


def names_from_upload(text: str) -> list[str]:
    """Body names from pasted text or a CSV file: the first column of each line, a header
    (单位/名称/name) skipped."""
    names = []
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].strip() and row[0].strip().lower() not in ("单位", "名称", "单位名称", "name"):
            names.append(row[0].strip())
    return names


def compare(old: Any, new: Any) -> dict[str, Any]:
    """Two Reports compared: who and when, the tables side by side, the sections aligned."""
    def side(r: Any) -> dict[str, Any]:
        return {"sha256": r.sha256, "organization": r.organization, "year": r.year, "template": r.template}

    return {"old": side(old), "new": side(new), "tables": compare_tables(old, new),
            "sections": compare_sections(old, new)}


def dashboard_table(board: dict[str, Any], name: str) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of one dashboard chart's data table (its CSV): a breakdown by its index
    (`b0` …), `regions`, `on_time`, or a metric's quartiles by peer group (`<metric>-level`,
    `<metric>-province`) or histogram (`<metric>-histogram`)."""
    if re.fullmatch(r"b\d", name) and int(name[1]) < len(board["breakdowns"]):
        block = board["breakdowns"][int(name[1])]
        return block["header"], block["rows"]
    if name == "regions":
        return board["regions"]["header"], board["regions"]["rows"]
    if name == "on_time":
        t = board["on_time"]
        return ["有印发日期的报告", "按期发布", "按期发布 %"], [[t["dated"], t["on_time"], t["pct"]]]
    metric, _, part = name.rpartition("-")
    for m in board["metrics"]:
        if m["metric"] == metric:
            if part == "histogram":
                return ["区间", "报告数"], [[b["bin"], b["n"]] for b in m["histogram"]]
            if part in ("level", "province"):
                head = ["层级" if part == "level" else "省份", "报告数", "最小", "下四分位", "中位数", "上四分位", "最大"]
                rows = [[g["group"], g["n"], g["min"], g["q1"], g["median"], g["q3"], g["max"]] for g in m[f"by_{part}"]]
                a = m["all"]
                return head, [["全部", a["n"], a["min"], a["q1"], a["median"], a["q3"], a["max"]], *rows]
    raise QueryError("没有这张图表")
