"""The FastAPI application: server-rendered pages, a JSON API under them, and the guards.

Guards: a password (required by `gongkai serve` for any non-loopback bind) for every write and,
unless `public_read`, every read; a CSRF token (double-submit cookie) on every POST; upload caps;
Jinja2 autoescaping for every printed string; assets served from memory by name (no request path
reaches the filesystem).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors import InputError
from ..model import Finding
from ..review import (OpinionEntry, ReviewError, correct_cell, finding_key, notice_row, notice_xlsx, opinion_docx,
                      set_finding, set_published, undo)
from . import corpus, pages
from .workspace import MAX_BATCH_BYTES, UploadError, Workspace, list_reports, provinces, run_sql

CSRF_COOKIE = "gk_csrf"
AUTH_COOKIE = "gk_auth"
NAME_COOKIE = "gk_reviewer"
_ASSETS = {"htmx.min.js": ("vendor/htmx.min.js", "text/javascript"), "app.css": ("app.css", "text/css"),
           "app.js": ("app.js", "text/javascript"), "charts.js": ("charts.js", "text/javascript"),
           "echarts.min.js": ("vendor/echarts.min.js", "text/javascript")}
_OPEN_PATHS = ("/login", "/static/", "/api/csrf")


def _load_assets() -> dict[str, tuple[bytes, str]]:
    root = resources.files("gongkai.web") / "static"
    return {name: ((root / rel).read_bytes(), kind) for name, (rel, kind) in _ASSETS.items()}


class Settings:
    def __init__(self, password: str | None, public_read: bool) -> None:
        self.password = password
        self.public_read = public_read
        self.secret = secrets.token_bytes(32)

    def auth_token(self) -> str:
        assert self.password is not None
        return hmac.new(self.secret, self.password.encode(), hashlib.sha256).hexdigest()


def create_app(db: Path, password: str | None = None, public_read: bool = False, jobs: int | None = None) -> FastAPI:
    """The review workspace over the database at `db` (the app owns it while it runs)."""
    workspace = Workspace(db, jobs=jobs)
    settings = Settings(password or None, public_read)
    assets = _load_assets()
    env = Environment(loader=PackageLoader("gongkai.web", "templates"), autoescape=select_autoescape(["html"]))
    templates = Jinja2Templates(env=env)
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        workspace.close()

    app = FastAPI(title="gongkai 审核工作台", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.workspace = workspace
    app.state.settings = settings

    # --- guards ------------------------------------------------------------------------------

    def authed(request: Request) -> bool:
        if settings.password is None:
            return True
        return hmac.compare_digest(request.cookies.get(AUTH_COOKIE, "").encode(), settings.auth_token().encode())

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        path = request.url.path
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        request.state.csrf = token
        write = request.method not in ("GET", "HEAD")
        if not path.startswith(_OPEN_PATHS) and not authed(request) and (write or not settings.public_read):
            if path.startswith("/api/"):
                response: Response = JSONResponse({"error": "需要登录（密码）"}, status_code=401)
            elif write:
                response = HTMLResponse("需要登录（密码）", status_code=401)
            else:
                response = RedirectResponse("/login?next=" + quote(path), status_code=303)
        else:
            response = await call_next(request)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, token, samesite="strict", httponly=False)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'"
        return response

    async def form_with_csrf(request: Request) -> Any:
        """The posted form, after checking its CSRF token (form field `csrf` or header X-CSRF-Token)."""
        length = int(request.headers.get("content-length") or 0)
        if length > MAX_BATCH_BYTES:
            raise HTTPException(413, f"上传内容过大（上限 {MAX_BATCH_BYTES // 1048576} MB）")
        try:
            form = await request.form(max_files=1000, max_fields=100)
        except Exception:  # noqa: BLE001 - a malformed body is a 400, whatever the parser says
            raise HTTPException(400, "无法读取提交的表单") from None
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
        if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
            raise HTTPException(403, "缺少或错误的 CSRF 令牌：请刷新页面后重试")
        return form

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        return await _http_error(request, HTTPException(500, f"内部错误（{type(exc).__name__}），请报告此问题"))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        names = "、".join(str(e.get("loc", ["", ""])[-1]) for e in exc.errors()[:3])
        return await _http_error(request, HTTPException(400, f"参数不正确：{names}"))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.status_code != 404 or str(exc.detail) != "Not Found" else "没有这个页面"
        if exc.status_code == 405:
            message = "不支持这种请求方法"
        if request.url.path.startswith("/api/") or request.url.path.endswith((".json", ".csv")):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return templates.TemplateResponse(request, "error.html", {"message": message, "csrf": request.state.csrf},
                                          status_code=exc.status_code)

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        context.update(csrf=request.state.csrf, reviewer=unquote(request.cookies.get(NAME_COOKIE, "")),
                       can_write=authed(request), login=settings.password is not None)
        return templates.TemplateResponse(request, name, context)

    def reviewer(request: Request) -> str:
        name = request.cookies.get(NAME_COOKIE, "").strip()
        if not name:
            raise HTTPException(400, "请先在页面右上角填写审核人姓名")
        return name

    def loaded(sha: str) -> tuple:
        if len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha):
            raise HTTPException(404, "没有这份报告")
        try:
            got = workspace.reports(sha)
        except InputError as e:
            raise HTTPException(422, f"报告无法重新读取：{e}") from None
        if got is None:
            raise HTTPException(404, "没有这份报告（或数据库中没有它的原始文件）")
        return got

    # --- assets, login, reviewer -------------------------------------------------------------

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in assets:
            raise HTTPException(404, "没有这个文件")
        body, kind = assets[name]
        return Response(body, media_type=kind, headers={"Cache-Control": "max-age=3600"})

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return page(request, "login.html", next=next if next.startswith("/") and not next.startswith("//") else "/")

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await form_with_csrf(request)
        target = str(form.get("next") or "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        if settings.password is None:
            return RedirectResponse(target, status_code=303)
        if not hmac.compare_digest(str(form.get("password") or "").encode(), settings.password.encode()):
            raise HTTPException(401, "密码不对")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(AUTH_COOKIE, settings.auth_token(), samesite="strict", httponly=True)
        return response

    @app.post("/reviewer")
    async def set_reviewer(request: Request) -> Response:
        form = await form_with_csrf(request)
        name = str(form.get("name") or "").strip()[:40]
        if not name:
            raise HTTPException(400, "审核人姓名不能为空")
        target = str(form.get("next") or "/")
        response = RedirectResponse(target if target.startswith("/") and not target.startswith("//") else "/",
                                    status_code=303)
        response.set_cookie(NAME_COOKIE, quote(name), samesite="strict", max_age=3600 * 24 * 365)
        return response

    # --- batch list and upload ----------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, status: str | None = None, province: str | None = None, form: str | None = None,
             sort: str = "errors", q: str | None = None, offset: int = 0) -> HTMLResponse:
        cur = workspace.cursor()
        listing = list_reports(cur, form=form or None, province=province or None, status=status or None,
                               q=q or None, sort=sort, limit=100, offset=max(0, offset))
        return page(request, "index.html", listing=listing, provinces=provinces(cur),
                    filters={"status": status or "", "province": province or "", "form": form or "",
                             "sort": sort, "q": q or ""})

    async def _files(form: Any) -> list[tuple[str, bytes]]:
        files = []
        for item in form.getlist("files"):
            if hasattr(item, "read"):
                data = await item.read()
                if data or item.filename:
                    files.append((item.filename or "未命名", data))
        return files

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        form = await form_with_csrf(request)
        files = await _files(form)
        url = str(form.get("url") or "").strip() or None
        if not files and not url:
            raise HTTPException(400, "请选择要上传的文件，或填写报告网址")
        try:
            batch = workspace.start_batch(files, url)
        except UploadError as e:
            raise HTTPException(413, str(e)) from None
        return RedirectResponse(f"/batches/{batch.id}", status_code=303)

    def batch_or_404(batch_id: str):  # type: ignore[no-untyped-def]
        batch = workspace.batches.get(batch_id)
        if batch is None:
            raise HTTPException(404, "没有这一批上传（服务重启后批次记录不保留，报告已在列表中）")
        return batch

    @app.get("/batches/{batch_id}", response_class=HTMLResponse)
    def batch_page(request: Request, batch_id: str) -> HTMLResponse:
        return page(request, "batch.html", batch=batch_or_404(batch_id))

    @app.get("/batches/{batch_id}/rows", response_class=HTMLResponse)
    def batch_rows(request: Request, batch_id: str) -> HTMLResponse:
        return page(request, "batch_rows.html", batch=batch_or_404(batch_id))

    # --- the report page ----------------------------------------------------------------------

    @app.get("/reports/{sha}", response_class=HTMLResponse)
    def report_page(request: Request, sha: str) -> HTMLResponse:
        original, corrected, review, src = loaded(sha)
        shown = corrected or original
        history = [dict(a.to_json(), name=(pages.cell_name(original.template, a.target or "")
                                           if a.kind == "cell" else a.target)) for a in review.history]
        return page(request, "report.html", sha=sha, src=src, header=pages.header(original, shown, workspace.body(sha),
                                                                                   review),
                    tables=pages.tables(original, shown, review), findings=pages.findings(shown, review),
                    before=pages.findings(original, review) if corrected else [],
                    narrative=pages.narrative(original), crossyear=pages.crossyear(cross_rows(sha, corrected), review),
                    history=list(reversed(history)), corrected=corrected is not None, is_pdf=src[2] == "pdf")

    @app.get("/reports/{sha}/source", response_class=HTMLResponse)
    def source(request: Request, sha: str, cell: Annotated[list[str] | None, Query()] = None, finding: str | None = None) -> HTMLResponse:
        original, corrected, review, src = loaded(sha)
        shown = corrected or original
        keys = list(cell or [])
        title = ""
        if finding:
            f = next((f for f in shown.findings + original.findings if finding_key(f) == finding), None)
            if f is None:
                raise HTTPException(404, "没有这条核对意见")
            keys, title = list(f.cells), f"{f.rule} {f.message}"
        view = pages.source_view(original, keys)
        image = None
        if src[2] == "pdf" and view["page"] is not None:
            image = f"/reports/{sha}/page.png?" + "&".join("cell=" + quote(k) for k in keys)
        one = keys[0] if len(keys) == 1 else None
        fix = review.corrections.get(one) if one else None
        return page(request, "source.html", sha=sha, view=view, image=image, title=title, one=one, fix=fix)

    @app.get("/reports/{sha}/page.png")
    def page_image(sha: str, cell: Annotated[list[str] | None, Query()] = None) -> Response:
        original, _, _, src = loaded(sha)
        number, boxes = pages.page_boxes(original, list(cell or []))
        if number is None or src[2] != "pdf":
            raise HTTPException(404, "这些单元格没有 PDF 页面位置")
        try:
            png = pages.page_png(bytes(src[5]), number, boxes)
        except Exception:  # noqa: BLE001 - a page pdfium cannot draw is a 422, not a traceback
            raise HTTPException(422, "无法绘制这一页") from None
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})

    # --- review actions -----------------------------------------------------------------------

    def _act(fn: Any, *args: Any) -> None:
        try:
            with workspace.write_lock:
                fn(workspace.con, *args)
        except ReviewError as e:
            raise HTTPException(400, str(e)) from None

    def _back(sha: str, anchor: str = "") -> Response:
        return RedirectResponse(f"/reports/{sha}{anchor}", status_code=303)

    @app.post("/reports/{sha}/findings/{key}")
    async def review_finding(request: Request, sha: str, key: str) -> Response:
        form = await form_with_csrf(request)
        who = _who(request)
        original, corrected, _, _ = loaded(sha)
        _act(set_finding, sha, (corrected or original).findings + original.findings + cross_findings(sha)
             + cross_findings(sha, corrected), key, str(form.get("state") or ""), str(form.get("note") or ""),
             who)
        return _back(sha, "#findings")

    @app.post("/reports/{sha}/cells/{cell}")
    async def review_cell(request: Request, sha: str, cell: str) -> Response:
        form = await form_with_csrf(request)
        who = _who(request)
        original, _, _, _ = loaded(sha)
        _act(correct_cell, sha, original, cell, str(form.get("value") or ""), str(form.get("note") or ""), who)
        return _back(sha)

    @app.post("/reports/{sha}/published")
    async def review_published(request: Request, sha: str) -> Response:
        form = await form_with_csrf(request)
        who = _who(request)
        loaded(sha)
        _act(set_published, sha, str(form.get("date") or ""), who)
        return _back(sha)

    @app.post("/reports/{sha}/undo/{action_id}")
    async def review_undo(request: Request, sha: str, action_id: int) -> Response:
        await form_with_csrf(request)
        who = _who(request)
        loaded(sha)
        _act(undo, sha, action_id, who)
        return _back(sha, "#history")

    def _who(request: Request) -> str:
        return unquote(reviewer(request))

    def cross_rows(sha: str, corrected: Any = None) -> list[tuple]:
        """Stored cross-year findings, or for a corrected report the same checks re-run on it."""
        if corrected is not None:
            return workspace.crossyear_corrected(sha, corrected)
        return workspace.crossyear(sha)

    def cross_findings(sha: str, corrected: Any = None) -> list[Finding]:
        return [Finding(r, s, m, list(c or [])) for r, s, m, c, _, _ in cross_rows(sha, corrected)]

    # --- downloads ----------------------------------------------------------------------------

    def _entry(sha: str) -> OpinionEntry:
        original, corrected, review, _ = loaded(sha)
        shown = corrected or original
        confirmed = [f for f in shown.findings if (a := review.findings.get(finding_key(f))) and a.state == "confirmed"]
        for f in cross_findings(sha, corrected):
            if (a := review.findings.get(finding_key(f))) and a.state == "confirmed":
                confirmed.append(f)
        late = [f for f in shown.findings if f.rule == "D-1" and f not in confirmed]
        notes = {k: a.note for k, a in review.findings.items() if a.note}
        return OpinionEntry(shown, confirmed + late, list(review.corrections.values()), notes)

    @app.get("/reports/{sha}/opinion.docx")
    def opinion(request: Request, sha: str) -> Response:
        entry = _entry(sha)
        body = opinion_docx([entry], reviewer=unquote(request.cookies.get(NAME_COOKIE, "")) or None)
        name = f"审核意见-{entry.report.organization or sha[:8]}-{entry.report.year or ''}.docx"
        return Response(body, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": "attachment; filename*=UTF-8''" + quote(name)})

    @app.get("/reports/{sha}/export.json")
    def export_json(sha: str, values: str = "corrected") -> Response:
        original, corrected, review, _ = loaded(sha)
        use_corrected = values == "corrected" and corrected is not None
        doc = (corrected if use_corrected else original).to_json()
        doc["values"] = "corrected" if use_corrected else "original"
        doc["corrected_cells"] = sorted(review.corrections) if use_corrected else []
        return JSONResponse(doc)

    @app.get("/notice.xlsx")
    def notice(status: str | None = None, province: str | None = None, form: str | None = None,
               q: str | None = None) -> Response:
        listing = list_reports(workspace.cursor(), form=form or None, province=province or None,
                               status=status or None, q=q or None, limit=10000)
        rows = []
        for item in listing["rows"]:
            got = workspace.reports(item["sha256"])
            if got is None:
                continue
            original, corrected, review, _ = got
            shown = corrected or original
            confirmed = [f for f in shown.findings
                         if (a := review.findings.get(finding_key(f))) and a.state == "confirmed"]
            rows.append(notice_row(shown, confirmed or None))
        body = notice_xlsx(rows)
        return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename*=UTF-8''" + quote("审核通报.xlsx")})

    # --- JSON API -----------------------------------------------------------------------------

    @app.get("/api/csrf")
    def api_csrf(request: Request) -> dict[str, str]:
        """The CSRF token for a program's POSTs (sent back as the X-CSRF-Token header)."""
        return {"token": request.state.csrf}

    @app.post("/api/reports")
    async def api_upload(request: Request) -> Response:
        form = await form_with_csrf(request)
        files = await _files(form)
        if not files:
            raise HTTPException(400, "请在字段 files 中上传一个或多个文件")
        try:
            stored = workspace.upload(files)
        except UploadError as e:
            raise HTTPException(413, str(e)) from None
        return JSONResponse([s.to_json() for s in stored])

    @app.get("/api/reports")
    def api_reports(year: int | None = None, form: str | None = None, province: str | None = None,
                    has_errors: bool | None = None, q: str | None = None, limit: int = 50,
                    offset: int = 0) -> dict[str, Any]:
        return list_reports(workspace.cursor(), year=year, form=form, province=province, has_errors=has_errors, q=q,
                            limit=max(1, min(limit, 1000)), offset=max(0, offset))

    @app.get("/api/reports/{sha}")
    def api_report(sha: str) -> dict[str, Any]:
        original, corrected, review, src = loaded(sha)
        doc = original.to_json()
        doc["source"]["path"] = src[1]
        if src[3]:
            doc["source"]["url"] = src[3]
        if src[4]:
            doc["source"]["fetched_at"] = src[4].isoformat()
        doc["crossyear_findings"] = [{"rule": r, "severity": s, "message": m, "cells": list(c or []),
                                      "related_sha256": rel} for r, s, m, c, rel, _ in workspace.crossyear(sha)]
        doc["review"] = review.to_json()
        if corrected is not None:
            doc["review"]["corrected"] = {"tables": corrected.to_json(provenance=False)["tables"],
                                          "findings": [f.to_json() for f in corrected.findings],
                                          "crossyear_findings": [
                                              {"rule": r, "severity": s, "message": m, "cells": list(c or []),
                                               "related_sha256": rel}
                                              for r, s, m, c, rel, _ in workspace.crossyear_corrected(sha, corrected)],
                                          "quality": corrected.quality}
        return doc

    corpus.register(app, workspace, page, loaded, form_with_csrf)

    @app.get("/api/sql")
    def api_sql(sql: str = "") -> Response:
        if not sql.strip():
            return JSONResponse({"error": "请用参数 sql 给出一条查询"}, status_code=400)
        try:
            return JSONResponse(run_sql(workspace.cursor(), sql))
        except ValueError as e:
            return JSONResponse({"error": str(e)}, status_code=400)

    return app

