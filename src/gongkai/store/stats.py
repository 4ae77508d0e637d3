"""What is in the corpus: counts by year, template, region and level, error shares, top rules.

Each breakdown is a (title, header, rows) triple so that the CLI prints it and the tests read the
numbers without parsing a table drawn for people. Counts are of current reports (the latest
version of each file); 有错误 is the share with at least one error-level finding of its own or
from the cross-year checks.
"""

from __future__ import annotations

import duckdb

from .flat import reports_source

Breakdown = tuple[str, tuple[str, ...], list[tuple]]

_BY = """
SELECT coalesce(CAST({key} AS VARCHAR), '（未识别）') AS k, count(*) AS n,
       round(100.0 * count(*) FILTER (WHERE r.has_error) / count(*), 1) AS pct
FROM {source} r WHERE {where} GROUP BY k ORDER BY {order}"""

_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
LEVELS = {"province": "省级", "city": "地市级", "county": "县级", "township": "乡镇级", "central": "中央"}


def overview(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(what, how many) for the corpus as a whole."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    return [
        ("报告（当前版本）", one("SELECT count(*) FROM current_reports")),
        ("来源文件（含旧版本）", one("SELECT count(*) FROM sources")),
        ("单位", one("SELECT count(DISTINCT body_id) FROM current_reports")),
        ("有多个年度的单位", one("SELECT count(*) FROM (SELECT body_id FROM current_reports WHERE body_id IS NOT NULL "
                               "GROUP BY body_id HAVING count(DISTINCT year) > 1)")),
        ("单元格", one("SELECT count(*) FROM cells JOIN current_reports USING (sha256)")),
        ("读取失败的文件", one("SELECT count(*) FROM failures")),
        ("待跨年度核对的单位", one("SELECT count(*) FROM dirty_bodies")),
        ("有印发日期的报告", (punctual := on_time(con))["dated"]),
        ("其中按期发布", punctual["on_time"]),
    ]


def breakdowns(con: duckdb.DuckDBPyConnection, top: int = 15, where: str = "TRUE",
               args: list | None = None) -> list[Breakdown]:
    """The corpus by year, form, province and level, and the most common findings; `where` (a
    condition over the flat report rows `r` of store/flat.py, from store/query.py Filters) restricts
    it to what the dashboard is filtered to, so the dashboard and `gongkai stats` share one count."""
    args = list(args or [])
    head = ("报告数", "有错误 %")
    source = reports_source(con)

    def by(key: str, order: str) -> list[tuple]:
        return con.execute(_BY.format(key="r." + key, order=order, where=where, source=source), args).fetchall()

    out: list[Breakdown] = [
        ("按年度", ("年度", *head), by("year", "k")),
        ("按格式", ("格式", *head), by("template", "n DESC, k")),
        ("按省份", ("省份", *head), by("province", "n DESC, k")[:top]),
        ("按层级", ("层级", *head), [(LEVELS.get(k, k), n, p) for k, n, p in by("level", "n DESC, k")]),
    ]
    rules = con.execute(f"""
        SELECT f.rule, f.severity, count(*) AS n, count(DISTINCT f.sha256) AS reports
        FROM findings f JOIN {source} r ON r.sha256 = f.sha256 WHERE {where}
        GROUP BY ALL ORDER BY n DESC, f.rule LIMIT ?""", [*args, top]).fetchall()
    out.append(("最常见的核对意见", ("规则", "级别", "条数", "涉及报告"),
                [(rule, _SEVERITY.get(sev, sev), n, k) for rule, sev, n, k in rules]))
    return out


def on_time(con: duckdb.DuckDBPyConnection, where: str = "TRUE", args: list | None = None) -> dict[str, object]:
    """Reports with a printed publication date, and how many of them were on time (no D-1)."""
    dated, punctual = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE NOT r.late)
        FROM {reports_source(con)} r WHERE {where} AND r.published IS NOT NULL""",
                                   list(args or [])).fetchone()
    return {"dated": dated, "on_time": punctual, "pct": round(100.0 * punctual / dated, 1) if dated else None}
