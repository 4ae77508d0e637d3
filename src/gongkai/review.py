"""A reviewer's work on a stored report: finding states, cell corrections, history, and the opinion.

Actions are appended to `review_actions` and never change the parse: a correction is stored beside
the printed value (who, when, old → new, why), and `reviewed_report` re-reads the original bytes,
applies the corrections and re-runs the same checks (`run_checks`, `assess`) on the corrected
tables. Undo is an action too (it names the action it undoes), so the history is complete.

The reviewer's deliverables are written here for every face: `opinion_docx` (审核意见, per report,
python-docx) and `notice_xlsx` (通报, one row per report, XlsxWriter); `gongkai check --opinion`
and the web's downloads call them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .api import parse_bytes
from .check import run_checks
from .extract.values import parse_value, to_json_number
from .forms import FORMS
from .model import Cell, Finding, Report
from .quality import assess

if TYPE_CHECKING:
    import duckdb

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATE_ZH = {"confirmed": "确认", "dismissed": "驳回", "corrected": "更正", "published": "补填发布日期", "undo": "撤销"}


class ReviewError(ValueError):
    """A review action that cannot be taken; the message is shown to the reviewer as is."""


def finding_key(finding: Finding) -> str:
    """A finding's identity across re-reads and corrections: its rule and cells (and, for a finding
    that names no cell, its message), hashed short for URLs and forms."""
    basis = finding.rule + "|" + ",".join(finding.cells) + ("" if finding.cells else "|" + finding.message)
    return hashlib.sha1(basis.encode()).hexdigest()[:12]


@dataclass(slots=True)
class Action:
    id: int
    sha256: str
    kind: str  # finding / cell / published / undo
    target: str | None
    state: str
    note: str | None
    old_value: str | None
    new_value: str | None
    who: str | None
    acted_at: dt.datetime | None
    undoes: int | None = None
    undone: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "target": self.target, "state": self.state, "note": self.note,
                "old": self.old_value, "new": self.new_value, "who": self.who,
                "at": self.acted_at.isoformat(timespec="seconds") if self.acted_at else None,
                "undoes": self.undoes, "undone": self.undone}


@dataclass
class Review:
    """The review of one report: every action in order, and what is in force now."""

    history: list[Action] = field(default_factory=list)
    findings: dict[str, Action] = field(default_factory=dict)  # finding key → confirmed/dismissed
    corrections: dict[str, Action] = field(default_factory=dict)  # table.row.col → corrected
    published: Action | None = None

    @property
    def version(self) -> tuple:
        """What the corrected report depends on (a cache key): the corrections and the date in force."""
        return (tuple(sorted((k, a.new_value) for k, a in self.corrections.items())),
                self.published.new_value if self.published else None)

    def to_json(self) -> dict[str, Any]:
        return {"findings": {k: {"state": a.state, "note": a.note, "who": a.who} for k, a in self.findings.items()},
                "corrections": {k: {"old": a.old_value, "new": a.new_value, "note": a.note, "who": a.who}
                                for k, a in self.corrections.items()},
                "published": self.published.new_value if self.published else None,
                "history": [a.to_json() for a in self.history]}


_COLUMNS = "id, sha256, kind, target, state, note, old_value, new_value, who, acted_at, undoes"


def load_review(con: duckdb.DuckDBPyConnection, sha: str) -> Review:
    rows = con.execute(f"SELECT {_COLUMNS} FROM review_actions WHERE sha256 = ? ORDER BY id", [sha]).fetchall()
    actions = [Action(*row) for row in rows]
    undone = {a.undoes for a in actions if a.kind == "undo" and a.undoes is not None}
    review = Review(history=actions)
    for a in actions:
        a.undone = a.id in undone
        if a.undone or a.kind == "undo":
            continue
        if a.kind == "finding":
            review.findings[a.target or ""] = a
        elif a.kind == "cell":
            review.corrections[a.target or ""] = a
        elif a.kind == "published":
            review.published = a
    return review


def record_action(con: duckdb.DuckDBPyConnection, sha: str, kind: str, target: str | None, state: str,
                  note: str | None, who: str, old: str | None = None, new: str | None = None,
                  undoes: int | None = None) -> int:
    """Append one action; returns its id."""
    if not who.strip():
        raise ReviewError("请先填写审核人姓名")
    (next_id,) = con.execute("SELECT coalesce(max(id), 0) + 1 FROM review_actions").fetchone()
    con.execute(f"INSERT INTO review_actions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [next_id, sha, kind, target, state, note, old, new, who.strip()[:40],
                 dt.datetime.now().replace(microsecond=0), undoes])
    return next_id


def set_finding(con: duckdb.DuckDBPyConnection, sha: str, findings: list[Finding], key: str, state: str, note: str,
                who: str) -> int:
    """Confirm or dismiss one of `findings` (the report's own and its cross-year ones)."""
    if state not in ("confirmed", "dismissed"):
        raise ReviewError("审核结论只能是确认或驳回")
    if not any(finding_key(f) == key for f in findings):
        raise ReviewError("没有这条核对意见（报告可能已更正）")
    return record_action(con, sha, "finding", key, state, note.strip()[:500], who)


def correct_cell(con: duckdb.DuckDBPyConnection, sha: str, report: Report, cell: str, value: str, note: str,
                 who: str) -> int:
    """Store a corrected value beside the printed one; the reason is required."""
    parts = cell.split(".")
    if len(parts) != 3 or not report.has_cell(*parts):
        raise ReviewError("报告中没有这个单元格")
    new = _parse_correction(value)
    if not note.strip():
        raise ReviewError("请写明更正理由")
    old = report.tables[parts[0]][parts[1]][parts[2]]
    return record_action(con, sha, "cell", cell, "corrected", note.strip()[:500], who,
                         old=old.printed if old.printed is not None else None,
                         new="" if new is None else _text(new))


def set_published(con: duckdb.DuckDBPyConnection, sha: str, date: str, who: str) -> int:
    try:
        day = dt.date.fromisoformat(date.strip())
    except ValueError:
        raise ReviewError(f"发布日期应写作 2024-01-31 的形式，而不是「{date[:20]}」") from None
    return record_action(con, sha, "published", None, "published", None, who, new=day.isoformat())


def undo(con: duckdb.DuckDBPyConnection, sha: str, action_id: int, who: str) -> int:
    review = load_review(con, sha)
    target = next((a for a in review.history if a.id == action_id), None)
    if target is None or target.kind == "undo":
        raise ReviewError("没有这条可撤销的审核记录")
    if target.undone:
        raise ReviewError("这条审核记录已经撤销")
    return record_action(con, sha, "undo", target.target, "undo", None, who, undoes=action_id)


def _parse_correction(value: str) -> int | float | None:
    text = value.strip()
    if text in ("", "空"):
        return None
    parsed = parse_value(text) if len(text) < 40 else None
    if parsed is not None and parsed.refused:  # too many digits to keep exactly: refuse, never round or blank
        raise ReviewError(f"更正值「{text[:20]}」位数过多，无法准确保存（整数最多 12 位）")
    if parsed is None or parsed.number is None:
        if parsed is not None:
            return None  # a blank mark (—, /, 无)
        raise ReviewError(f"更正值应为数字（或留空表示空格），而不是「{text[:20]}」")
    return to_json_number(parsed.number)


def _text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def reviewed_report(data: bytes, path: str, review: Review, url: str | None = None) -> tuple[Report, Report | None]:
    """(the report as read, the report with the corrections applied and re-checked, or None when
    nothing was corrected). Both are read from the same bytes by the same library calls as `parse`."""
    original = parse_bytes(data, path)
    original.url = url
    if not review.corrections and review.published is None:
        return original, None
    corrected = parse_bytes(data, path, checks=False)
    corrected.url = url
    for key, action in review.corrections.items():
        t, r, c = key.split(".")
        cell = corrected.tables.get(t, {}).get(r, {}).get(c)
        if cell is None:
            continue
        value = _parse_correction(action.new_value or "")
        corrected.tables[t][r][c] = Cell(value, action.new_value or "", cell.line, cell.row_label, cell.row_line,
                                         cell.column_label, cell.where)
    if review.published is not None:
        corrected.published = review.published.new_value
    corrected.findings.extend(run_checks(corrected))
    corrected.quality = assess(corrected)
    return original, corrected


def cell_name(template: str, key: str) -> str:
    """`表三「予以公开」行「自然人」列` for `requests.granted.natural_person`."""
    parts = key.split(".")
    form = FORMS.get(template)
    if form is None or len(parts) != 3:
        return key
    try:
        table = form.table(parts[0])
        return f"表{table.number}「{table.row(parts[1]).name}」行「{table.column(parts[2]).name}」列"
    except (KeyError, ValueError, StopIteration):
        return key


def deadline_verdict(report: Report) -> str:
    """按期 / 逾期 / 未知, from the D-1 finding and the publication date."""
    if any(f.rule == "D-1" for f in report.findings):
        return "逾期"
    return "未知" if not report.published else "按期"


@dataclass
class OpinionEntry:
    """One report in an opinion: the report (corrected when it was), the findings to state, and notes."""

    report: Report
    findings: list[Finding]
    corrections: list[Action] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # finding key → reviewer's note
    reviewed: bool = True  # False: findings not confirmed by a person (the CLI's opinion)


def opinion_docx(entries: list[OpinionEntry], reviewer: str | None = None, day: dt.date | None = None) -> bytes:
    """审核意见 as a Word document: per report, each finding with its cells and printed values."""
    from docx import Document

    doc = Document()
    for n, entry in enumerate(entries):
        r = entry.report
        if n:
            doc.add_page_break()
        doc.add_heading(f"关于{r.organization or '（单位未识别）'}{r.year or ''}年度政府信息公开工作年度报告的审核意见", 1)
        doc.add_paragraph(f"单位：{r.organization or '未识别'}　年度：{r.year or '未识别'}　格式：{r.template}　"
                          f"发布日期：{r.published or '未印'}（{deadline_verdict(r)}）")
        lead = "经审核确认，报告存在以下问题：" if entry.reviewed else "经核对，报告存在以下问题（未经人工确认）："
        ordinary = [f for f in entry.findings if not f.rule.startswith(("X-", "Q-DUP", "T2-3", "T2-4", "D-"))]
        special = [f for f in entry.findings if f not in ordinary]
        doc.add_heading("一、" + ("确认的问题" if entry.reviewed else "发现的问题"), 2)
        if not ordinary:
            doc.add_paragraph("未发现（或未确认）表格与正文问题。")
        else:
            doc.add_paragraph(lead)
        for i, f in enumerate(ordinary, 1):
            _finding_paragraph(doc, i, f, r, entry.notes.get(finding_key(f)))
        doc.add_heading("二、跨年度与发布期限", 2)
        if not special:
            doc.add_paragraph("无跨年度或发布期限方面的问题。")
        for i, f in enumerate(special, 1):
            _finding_paragraph(doc, i, f, r, entry.notes.get(finding_key(f)))
        if entry.corrections:
            doc.add_heading("三、审核中更正的数字", 2)
            for a in entry.corrections:
                doc.add_paragraph(f"{cell_name(r.template, a.target or '')}：原印 {a.old_value or '空'} → "
                                  f"更正为 {a.new_value or '空'}（{a.note or ''}；{a.who or ''}）", style="List Bullet")
    sign = "　".join(x for x in (f"审核人：{reviewer}" if reviewer else "", (day or dt.date.today()).isoformat()) if x)
    doc.add_paragraph(sign)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _finding_paragraph(doc: Any, i: int, f: Finding, report: Report, note: str | None) -> None:
    doc.add_paragraph(f"{i}. 【{SEVERITY_ZH[f.severity]} {f.rule}】{f.message}")
    if f.cells:
        printed = []
        for key in f.cells[:8]:
            t, r, c = key.split(".")
            cell = report.tables.get(t, {}).get(r, {}).get(c)
            shown = "未读到" if cell is None or cell.printed is None else (cell.printed or "空")
            printed.append(f"{cell_name(report.template, key)}（印为 {shown}）")
        more = f" 等 {len(f.cells)} 格" if len(f.cells) > 8 else ""
        doc.add_paragraph("涉及单元格：" + "；".join(printed) + more, style="List Bullet")
    if note:
        doc.add_paragraph(f"审核说明：{note}", style="List Bullet")


NOTICE_HEADER = ("单位", "年度", "格式", "错误", "警告", "按期发布", "质量综合分", "主要问题")


def notice_row(report: Report, findings: list[Finding] | None = None) -> tuple:
    shown = findings if findings is not None else [f for f in report.findings if f.severity == "error"]
    problems = "；".join(f"{f.rule} {f.message}" for f in shown[:3])
    overall = (report.quality or {}).get("overall")
    return (report.organization or "", report.year, report.template,
            sum(f.severity == "error" for f in report.findings), sum(f.severity == "warning" for f in report.findings),
            deadline_verdict(report), overall, problems)


def notice_xlsx(rows: list[tuple], title: str = "政府信息公开工作年度报告审核情况通报") -> bytes:
    """通报: one row per report (NOTICE_HEADER), as an Excel workbook."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("通报")
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, title, bold)
    sheet.write_row(2, 0, NOTICE_HEADER, bold)
    for n, row in enumerate(rows, 3):
        sheet.write_row(n, 0, ["" if v is None else v for v in row])
    sheet.set_column(0, 0, 28)
    sheet.set_column(7, 7, 80)
    book.close()
    return out.getvalue()
