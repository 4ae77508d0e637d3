"""The corpus pages: report and body lists, a body's timeline, comparison, dashboard, regions, SQL.

Every page is a thin face over `store/query.py` (and `store/sql.py` for SQL): the route parses
its parameters into `Filters` (a bad one is a 400 with the Chinese message), calls the library and
renders the result; the `.json` and `.csv` twins return the same result. No path parameter reaches
the filesystem: reports are named by sha256, bodies by id (looked up in the database).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..render.compare import compare_docx
from ..store import query as Q
from ..store.schema import ddl
from ..store.sql import SqlError, run_query
from ..store.flat import reports_source
from .workspace import Workspace

EXAMPLES: tuple[tuple[str, str], ...] = (
    ("各年度报告数", "SELECT year, count(*) AS 报告数 FROM current_reports GROUP BY year ORDER BY year"),
    ("有错误的报告比例（按格式）",
     "SELECT template, count(*) AS 报告数, round(100.0 * count(*) FILTER (WHERE errors > 0) / count(*), 1) AS 有错误百分比\n"
     "FROM current_reports GROUP BY template ORDER BY 报告数 DESC"),
    ("某省 2023 年县级政府实质公开率最低的 10 个",
     "SELECT b.name, m.year, round(m.substantive_rate, 4) AS 实质公开率\nFROM report_metrics m JOIN bodies b USING (body_id)\n"
     "WHERE b.level = 'county' AND b.kind = 'government' AND m.year = 2023\n"
     "ORDER BY m.substantive_rate NULLS LAST LIMIT 10"),
    ("最常见的核对意见", "SELECT rule, severity, count(*) AS 条数 FROM findings GROUP BY ALL ORDER BY 条数 DESC LIMIT 20"),
    ("单元格取值（表三新收申请总计）",
     "SELECT r.organization, r.year, c.value FROM cells c JOIN current_reports r USING (sha256)\n"
     "WHERE c.tbl = 'requests' AND c.row = 'new_received' AND c.col = 'total' ORDER BY c.value DESC LIMIT 20"),
)
_SHA = re.compile(r"^[0-9a-f]{64}$")
CSV_TYPE = "text/csv; charset=utf-8"


def _csv(text: str, name: str) -> Response:
    """A CSV download, with a BOM so that Excel reads the Chinese as UTF-8."""
    return Response("\ufeff" + text, media_type=CSV_TYPE,
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''" + quote(name)})


def _filters(request: Request) -> Q.Filters:
    try:
        return Q.Filters.parse(request.query_params)
    except Q.QueryError as e:
        raise HTTPException(400, str(e)) from None


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise HTTPException(400, f"参数 {name} 应为 {low}–{high} 之间的整数")
    return int(raw)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except Q.QueryError as e:
        raise HTTPException(400, str(e)) from None


def register(app: FastAPI, workspace: Workspace, page: Callable[..., HTMLResponse],
             loaded: Callable[[str], tuple], form_with_csrf: Callable[[Request], Any]) -> None:
    """Add the corpus routes to the review workspace's app (create_app calls this)."""

    def links(filters: Q.Filters, **extra: Any) -> str:
        params = {**filters.params(), **{k: v for k, v in extra.items() if v not in (None, "")}}
        return urlencode(params)

    # --- lists --------------------------------------------------------------------------------

    def report_list(request: Request, limit_default: int = 50) -> tuple[Q.Filters, str, dict[str, Any]]:
        filters = _filters(request)
        sort = request.query_params.get("sort") or "errors"
        limit = _int(request, "limit", limit_default, 1, Q.MAX_PAGE)
        offset = _int(request, "offset", 0, 0, 10**9)
        return filters, sort, _call(Q.list_reports, workspace.cursor(), filters, sort=sort, limit=limit, offset=offset)

    @app.get("/corpus/reports", response_class=HTMLResponse)
    def reports_page(request: Request) -> HTMLResponse:
        filters, sort, listing = report_list(request)
        sorts = [("errors", "错误数（多→少）"), ("year", "年度（新→旧）"), ("name", "单位名称"), ("recent", "最近入库")]
        for name, label in Q.RATE_NAMES.items():
            sorts += [(f"{name}_asc", f"{label}（低→高）"), (f"{name}_desc", f"{label}（高→低）")]
        return page(request, "corpus_reports.html", listing=listing, f=filters.params(), sort=sort, sorts=sorts,
                    query=links(filters, sort=sort), options=_options(workspace), rate_names=Q.RATE_NAMES,
                    pages=_pages(listing, links(filters, sort=sort)))

    @app.get("/corpus/reports.json")
    def reports_json(request: Request) -> dict[str, Any]:
        return report_list(request)[2]

    @app.get("/corpus/reports.csv")
    def reports_csv(request: Request) -> Response:
        filters = _filters(request)
        sort = request.query_params.get("sort") or "errors"
        listing = _call(Q.list_reports, workspace.cursor(), filters, sort=sort,
                        limit=_int(request, "limit", Q.MAX_EXPORT, 1, Q.MAX_EXPORT), offset=_int(request, "offset", 0, 0, 10**9))
        return _csv(Q.to_csv(listing["columns"], listing["rows"]), "报告列表.csv")

    def body_list(request: Request, limit: int) -> tuple[Q.Filters, str, dict[str, Any]]:
        filters = _filters(request)
        sort = request.query_params.get("sort") or "name"
        return filters, sort, _call(Q.list_bodies, workspace.cursor(), filters, sort=sort,
                                    limit=_int(request, "limit", limit, 1, Q.MAX_EXPORT),
                                    offset=_int(request, "offset", 0, 0, 10**9))

    @app.get("/corpus/bodies", response_class=HTMLResponse)
    def bodies_page(request: Request) -> HTMLResponse:
        if _int(request, "limit", 50, 1, Q.MAX_PAGE) > Q.MAX_PAGE:
            raise HTTPException(400, "每页最多 500 行")
        filters, sort, listing = body_list(request, 50)
        sorts = [("name", "单位名称"), ("reports", "报告数（多→少）"), ("errors", "有错误的报告数（多→少）")]
        return page(request, "corpus_bodies.html", listing=listing, f=filters.params(), sort=sort, sorts=sorts,
                    query=links(filters, sort=sort), options=_options(workspace),
                    pages=_pages(listing, links(filters, sort=sort)))

    @app.get("/corpus/bodies.json")
    def bodies_json(request: Request) -> dict[str, Any]:
        return body_list(request, 50)[2]

    @app.get("/corpus/bodies.csv")
    def bodies_csv(request: Request) -> Response:
        listing = body_list(request, Q.MAX_EXPORT)[2]
        return _csv(Q.to_csv(listing["columns"], listing["rows"]), "单位列表.csv")

    # --- a body's timeline ----------------------------------------------------------------------

    def timeline(request: Request) -> dict[str, Any]:
        body_id = request.query_params.get("id", "")
        if not body_id or len(body_id) > 200:
            raise HTTPException(400, "请用参数 id 指定单位")
        got = Q.body_timeline(workspace.cursor(), body_id)
        if got is None:
            raise HTTPException(404, "没有这个单位")
        return got

    @app.get("/corpus/body", response_class=HTMLResponse)
    def body_page(request: Request) -> HTMLResponse:
        got = timeline(request)
        return page(request, "corpus_body.html", t=got, charts=_body_charts(got), id=got["body"]["body_id"])

    @app.get("/corpus/body.json")
    def body_json(request: Request) -> dict[str, Any]:
        return timeline(request)

    @app.get("/corpus/body.csv")
    def body_csv(request: Request) -> Response:
        got = timeline(request)
        chart = request.query_params.get("chart", "")
        spec = next((c for c in _body_charts(got) if c["id"] == chart), None)
        if spec is None:
            raise HTTPException(404, "没有这张图表")
        return _csv(Q.to_csv(spec["header"], spec["rows"]), f"{got['body']['name']}-{spec['title']}.csv")

    # --- comparison -----------------------------------------------------------------------------

    def comparison(request: Request) -> dict[str, Any]:
        a = request.query_params.get("a", "")
        b = request.query_params.get("b", "")
        if not _SHA.match(b):
            raise HTTPException(400, "请用参数 b 指定要比较的报告（sha256）")
        if not a:
            a = Q.previous_report(workspace.cursor(), b) or ""
            if not a:
                raise HTTPException(404, "这份报告的单位没有更早年度的报告；请用参数 a 指定另一份")
        if not _SHA.match(a):
            raise HTTPException(400, "参数 a 应为报告的 sha256")
        old, new = (got[1] or got[0] for got in (loaded(a), loaded(b)))
        if (old.year or 0) > (new.year or 0):
            old, new = new, old
        return Q.compare(old, new)

    @app.get("/corpus/compare", response_class=HTMLResponse)
    def compare_page(request: Request) -> HTMLResponse:
        result = comparison(request)
        for s in result["sections"]:
            s["new_html"] = _highlight(s["new"], s["passages"])
            s["old_html"] = _highlight(s["old"], s["passages"])
        return page(request, "corpus_compare.html", c=result)

    @app.get("/corpus/compare.json")
    def compare_json(request: Request) -> dict[str, Any]:
        return comparison(request)

    @app.get("/corpus/compare.docx")
    def compare_word(request: Request) -> Response:
        result = comparison(request)
        name = f"对比-{result['new']['organization'] or ''}-{result['old']['year']}-{result['new']['year']}.docx"
        return Response(compare_docx(result),
                        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": "attachment; filename*=UTF-8''" + quote(name)})

    # --- dashboard ------------------------------------------------------------------------------

    @app.get("/corpus/dashboard", response_class=HTMLResponse)
    def dashboard_page(request: Request) -> HTMLResponse:
        filters = _filters(request)
        board = Q.dashboard(workspace.cursor(), filters)
        return page(request, "corpus_dashboard.html", board=board, f=filters.params(), query=links(filters), sorts=None,
                    options=_options(workspace), charts=_dashboard_charts(board))

    @app.get("/corpus/dashboard.json")
    def dashboard_json(request: Request) -> dict[str, Any]:
        return Q.dashboard(workspace.cursor(), _filters(request))

    @app.get("/corpus/dashboard.csv")
    def dashboard_csv(request: Request) -> Response:
        board = Q.dashboard(workspace.cursor(), _filters(request))
        name = request.query_params.get("chart", "")
        header, rows = _call(Q.dashboard_table, board, name)
        return _csv(Q.to_csv(header, rows), f"统计-{name}.csv")

    # --- regions --------------------------------------------------------------------------------

    def coverage(request: Request) -> dict[str, Any]:
        p = request.query_params
        for key in ("province", "city", "county"):
            if len(p.get(key, "")) > 40:
                raise HTTPException(400, "地区名称过长")
        return _call(Q.region_coverage, workspace.cursor(), p.get("province") or None, p.get("city") or None,
                     p.get("county") or None)

    @app.get("/corpus/region", response_class=HTMLResponse)
    def region_page(request: Request) -> HTMLResponse:
        p = request.query_params
        got = coverage(request) if any(p.get(k) for k in ("province", "city", "county")) else None
        return page(request, "corpus_region.html", cov=got, options=_options(workspace), checked=None,
                    r={k: p.get(k, "") for k in ("province", "city", "county")}, year="", names="")

    @app.get("/corpus/region.json")
    def region_json(request: Request) -> dict[str, Any]:
        return coverage(request)

    @app.get("/corpus/region.csv")
    def region_csv(request: Request) -> Response:
        got = coverage(request)
        rows = [{"body_id": b["body_id"], "name": b["name"], "years": b["years"], "missing": b["missing"]}
                for b in got["bodies"]]
        return _csv(Q.to_csv(["body_id", "name", "years", "missing"], rows), "地区覆盖.csv")

    @app.post("/corpus/region/check", response_class=HTMLResponse)
    async def region_check(request: Request) -> HTMLResponse:
        form = await form_with_csrf(request)
        year = str(form.get("year") or "").strip()
        if not re.fullmatch(r"\d{4}", year):
            raise HTTPException(400, "请填写四位数的年度")
        text = str(form.get("names") or "")
        upload = form.get("file")
        if upload is not None and hasattr(upload, "read"):
            data = await upload.read(2 * 1024 * 1024 + 1)
            if len(data) > 2 * 1024 * 1024:
                raise HTTPException(413, "名单文件过大（上限 2 MB）")
            from ..read.decode import decode_bytes

            text += "\n" + _decode(data, decode_bytes)
        names = Q.names_from_upload(text)
        if not names:
            raise HTTPException(400, "请粘贴单位名单（每行一个），或上传 CSV 文件")
        checked = _call(Q.unpublished, workspace.cursor(), names, int(year))
        checked.sort(key=lambda x: (x["published"], x["name"]))
        return page(request, "corpus_region.html", cov=None, options=_options(workspace), checked=checked,
                    r={"province": "", "city": "", "county": ""}, year=year, names=text.strip()[:20000])

    # --- SQL ------------------------------------------------------------------------------------

    def sql_result(request: Request) -> Any:
        sql = request.query_params.get("sql", "")
        if len(sql) > 20000:
            raise HTTPException(400, "查询过长（上限 20,000 个字符）")
        try:
            return run_query(workspace.cursor(), sql)
        except SqlError as e:
            raise HTTPException(400, str(e)) from None

    @app.get("/corpus/sql", response_class=HTMLResponse)
    def sql_page(request: Request) -> Response:
        sql = request.query_params.get("sql", "")
        result, error = None, None
        if sql.strip():
            try:
                result = sql_result(request)
            except HTTPException as e:
                error = str(e.detail)
        return page(request, "corpus_sql.html", sql=sql, result=result, error=error, examples=EXAMPLES,
                    schema=[" ".join(s.split()) + ";" for s in ddl()], sql_query=urlencode({"sql": sql}))

    @app.get("/corpus/sql.csv")
    def sql_csv(request: Request) -> Response:
        result = sql_result(request)
        return _csv(Q.to_csv(result.columns, result.rows), "查询结果.csv")

    @app.get("/corpus")
    def corpus_home() -> Response:
        return RedirectResponse("/corpus/reports", status_code=303)


def _decode(data: bytes, decode_bytes: Callable[[bytes], Any]) -> str:
    try:
        got = decode_bytes(data)
        return got if isinstance(got, str) else got[0]
    except Exception:  # noqa: BLE001 - an undecodable list is reported as empty, not a 500
        return data.decode("utf-8", errors="replace")


def _options(workspace: Workspace) -> dict[str, Any]:
    cur = workspace.cursor()
    source = reports_source(cur)
    years = [r[0] for r in cur.execute(f"SELECT DISTINCT year FROM {source} WHERE year IS NOT NULL "
                                       "ORDER BY 1 DESC").fetchall()]
    regions = [r[0] for r in cur.execute(f"SELECT DISTINCT province FROM {source} WHERE province IS NOT NULL "
                                         "ORDER BY 1").fetchall()]
    rules = [r[0] for r in cur.execute("SELECT DISTINCT rule FROM findings ORDER BY 1").fetchall()]
    return {"years": years, "provinces": regions, "rules": rules, "levels": Q.LEVELS, "kinds": Q.KINDS,
            "forms": ["v2021", "v2019", "legacy", "unknown"]}


def _pages(listing: dict[str, Any], query: str) -> dict[str, Any]:
    limit, offset, total = listing["limit"], listing["offset"], listing["total"]
    prev = f"{query}&offset={max(0, offset - limit)}&limit={limit}" if offset > 0 else None
    nxt = f"{query}&offset={offset + limit}&limit={limit}" if offset + limit < total else None
    return {"from": offset + 1 if total else 0, "to": min(total, offset + limit), "prev": prev, "next": nxt}


def _highlight(text: str, passages: list[str]) -> str:
    """`text` escaped, with every occurrence of a repeated passage in <mark>."""
    from markupsafe import escape

    spans: list[tuple[int, int]] = []
    for p in sorted(set(passages), key=len, reverse=True):
        if not p:
            continue
        start = text.find(p)
        while start >= 0:
            spans.append((start, start + len(p)))
            start = text.find(p, start + len(p))
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            a = pos
        if a >= b:
            continue
        out.append(str(escape(text[pos:a])))
        out.append(f'<mark class="repeat">{escape(text[a:b])}</mark>')
        pos = b
    out.append(str(escape(text[pos:])))
    return "".join(out)


def _pct(x: float | None) -> float | None:
    return None if x is None else round(100 * x, 1)


def _body_charts(t: dict[str, Any]) -> list[dict[str, Any]]:
    """The timeline's charts: one point per year (the first-ingested report of a year), years
    with cross-year findings marked. Each has its data table (header, rows)."""
    first: dict[int, dict[str, Any]] = {}
    for r in t["reports"]:
        if r["year"] is not None:
            first.setdefault(r["year"], r)
    years = sorted(first)
    marked = sorted({f["year"] for f in t["crossyear"] if f["year"] is not None})
    names = t["figure_names"]
    groups = (
        ("requests", "申请：新收与上年结转", ["new_received", "carried_in"], "figures", False),
        ("rates", "实质公开率与不予公开率（%）", ["substantive_rate", "denied_rate"], "rates", True),
        ("review", "复议、诉讼与纠错率", ["review_total", "litigation_direct", "litigation_after_review"], "figures", False),
        ("correction", "复议 / 诉讼纠错率（%）", ["review_correction_rate", "litigation_correction_rate"], "rates", True),
        ("proactive", "主动公开：规范性文件", ["proactive_normative"], "figures", False),
    )
    charts = []
    for cid, title, keys, where, percent in groups:
        label = t["rate_names"] if where == "rates" else names
        series = [{"name": label[k], "data": [(_pct(first[y][where][k]) if percent else first[y][where][k])
                                               for y in years]} for k in keys]
        rows = [[y, *(s["data"][i] for s in series)] for i, y in enumerate(years)]
        charts.append({"id": cid, "title": title, "kind": "line", "x": [str(y) for y in years], "series": series,
                       "marks": [str(y) for y in marked], "header": ["年度", *(s["name"] for s in series)],
                       "rows": rows})
    return charts


def _dashboard_charts(board: dict[str, Any]) -> list[dict[str, Any]]:
    charts = []
    for i, block in enumerate(board["breakdowns"][:2]):
        rows = block["rows"]
        charts.append({"id": f"b{i}", "title": "报告数" + block["title"], "kind": "bar",
                       "x": [str(r[0]) for r in rows], "series": [{"name": "报告数", "data": [r[1] for r in rows]},
                                                                  {"name": "有错误 %", "data": [r[2] for r in rows]}],
                       "marks": [], "header": block["header"], "rows": rows})
    rules = board["breakdowns"][4]
    charts.append({"id": "b4", "title": "最常见的核对意见", "kind": "bar",
                   "x": [f"{r[0]}（{r[1]}）" for r in rules["rows"]],
                   "series": [{"name": "涉及报告", "data": [r[3] for r in rules["rows"]]}], "marks": [],
                   "header": rules["header"], "rows": rules["rows"]})
    for m in board["metrics"]:
        header, rows = Q.dashboard_table(board, f"{m['metric']}-histogram")
        charts.append({"id": f"{m['metric']}-histogram", "title": f"{m['name']}分布", "kind": "bar",
                       "x": [r[0] for r in rows], "series": [{"name": "报告数", "data": [r[1] for r in rows]}],
                       "marks": [], "header": header, "rows": rows, "metric": m})
    return charts


def chart_json(spec: dict[str, Any]) -> str:
    """The part of a chart spec the browser draws (charts.js), as JSON."""
    return json.dumps({k: spec[k] for k in ("kind", "x", "series", "marks")}, ensure_ascii=False)
