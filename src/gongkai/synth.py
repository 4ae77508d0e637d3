"""Synthetic reports: random tables that satisfy the form's identities, printed with real-world noise.

Used by the property tests, `tools/gen_cases.py` (a scored corpus of unseen reports) and the
benchmark. Every table is built from the form definition; every noise is one seen in published
reports: units in cells (`6條`), blanks printed as `—`, full-width digits, thousands separators,
explicit signs, stray spaces inside labels, truncated headers, Traditional script, GBK or Big5
bytes, both scraped-text layouts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .forms import FORMS, Form, Table
from .render.grid import Value
from .render.text import Document, plain_cell, render_text

PLACES = ("会同县", "江油市", "川汇区", "洪泽区", "东湖区", "柳北区", "南关区", "平阳县", "长寿区", "武清区",
          "莲都区", "宁国市", "荣成市", "文登区", "兴县", "蒙自市")
DEPARTMENTS = ("人民政府", "人民政府办公室", "财政局", "教育局", "民政局", "统计局", "自然资源局", "卫生健康委员会",
               "市场监督管理局", "交通运输局")


@dataclass
class Synthetic:
    """One generated report: its bytes and the truth a parser must give."""

    data: bytes
    text: str
    truth: dict[str, Any]
    noise: list[str] = field(default_factory=list)


def _count(rng: random.Random, big: bool = False) -> int:
    r = rng.random()
    if r < 0.55:
        return 0
    if r < 0.85:
        return rng.randint(1, 9)
    return rng.randint(10, 99999 if big else 400)


def random_tables(form: Form, rng: random.Random, other_as_one: bool = False) -> dict[str, dict[str, dict[str, Value]]]:
    """Values for every cell of `form`, consistent with all its identities."""
    out: dict[str, dict[str, dict[str, Value]]] = {}
    # 表二: no identities; signed and money columns per the definition.
    proactive = form.table("proactive")
    out["proactive"] = {}
    for row in proactive.rows:
        cells: dict[str, Value] = {}
        for col in proactive.row_columns(row):
            kind = proactive.column(col).kind
            if kind == "signed":
                cells[col] = rng.choice([0, 0, rng.randint(-500, 500)])
            elif kind == "money":
                cells[col] = rng.choice([0, round(rng.uniform(0, 99999), 2), rng.randint(1, 10**8)]) \
                    if col == "amount_yuan" else rng.choice([0, round(rng.uniform(0, 9999), 2), round(rng.uniform(0, 9), 4)])
            else:
                cells[col] = _count(rng, big=True)
        out["proactive"][row.key] = cells
    out["requests"] = _requests(form.table("requests"), rng, other_as_one)
    out["review_litigation"] = _review(form.table("review_litigation"), rng)
    return out


def _requests(table: Table, rng: random.Random, other_as_one: bool) -> dict[str, dict[str, Value]]:
    """Values built backwards from the form's own identities: outcomes sum to （七）总计 (T3-2),
    which with the carried rows fixes 本年新收 (T3-1), and every row's 总计 sums its columns (T3-3)."""
    by_rule = {i.rule: i for i in table.identities}
    (new_key, carried_in_key), (total_key, carried_out_key) = by_rule["T3-1"].lhs, by_rule["T3-1"].rhs
    outcomes = list(by_rule["T3-2"].rhs)
    if other_as_one:  # the nonconforming single row printed instead of the official ones
        alt = next(r for r in table.rows if r.instead_of)
        outcomes = [k for k in outcomes if k not in alt.instead_of] + [alt.key]
    parts = [c.key for c in table.columns if c.key != "total"]
    rows: dict[str, dict[str, Value]] = {k: {} for k in (new_key, carried_in_key, *outcomes, total_key, carried_out_key)}
    outcome_rows = [table.row(k) for k in outcomes]
    for col in parts:
        heavy = rng.random() < (0.7 if col == "natural_person" else 0.25)
        total = 0
        for row in outcome_rows:
            v = _count(rng) if heavy else (rng.randint(1, 3) if rng.random() < 0.05 else 0)
            rows[row.key][col] = v
            total += v
        carried_out = rng.choice([0, 0, rng.randint(0, 20)])
        carried_in = rng.randint(0, total + carried_out) if rng.random() < 0.3 else 0
        rows[total_key][col] = total
        rows[carried_out_key][col] = carried_out
        rows[carried_in_key][col] = carried_in
        rows[new_key][col] = total + carried_out - carried_in
    for key, cells in rows.items():
        cells["total"] = sum(int(cells[c] or 0) for c in parts)
    order = [c.key for c in table.columns]
    return {k: {c: v[c] for c in order} for k, v in
            sorted(rows.items(), key=lambda kv: [r.key for r in table.rows].index(kv[0]))}


def _review(table: Table, rng: random.Random) -> dict[str, dict[str, Value]]:
    out: dict[str, dict[str, Value]] = {}
    for row in table.rows:
        cells = {c.key: (_count(rng) if rng.random() < 0.4 else 0) for c in table.columns if c.key != "total"}
        cells["total"] = sum(cells.values())
        out[row.key] = {c.key: cells[c.key] for c in table.columns}
    return out


# ------------------------------------------------------------------------------------------- noise

_FULLWIDTH = str.maketrans("0123456789.,+-", "０１２３４５６７８９．，＋－")
_UNITS = {"count": ("件", "条", "项", "个"), "signed": ("项", "条"), "money": ("",)}


def _cell_printer(form: Form, rng: random.Random, noise: set[str]):
    def cell(table: str, row: str, col: str, value: Value) -> str:
        if value is None:
            if "empty_cells" in noise:
                return ""
            return rng.choice(["—", "/", "-", "无"]) if "blank_marks" in noise else "—"
        kind = form.table(table).column(col).kind
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.4f}".rstrip("0").rstrip(".")
        else:
            v = int(value)
            text = f"{v:,}" if "thousands" in noise and abs(v) >= 1000 and rng.random() < 0.7 else str(v)
        if kind == "signed" and "signs" in noise and isinstance(value, (int, float)) and value > 0:
            text = "+" + text
        if "units" in noise and rng.random() < 0.4:
            text += rng.choice(_UNITS[kind])
        if "fullwidth" in noise and rng.random() < 0.5:
            text = text.translate(_FULLWIDTH)
        if "spaces" in noise and rng.random() < 0.3:
            text = rng.choice([" ", "\u00a0", "\u3000"]) + text + rng.choice(["", " ", "\u00a0"])
        return text

    return cell


def _label_noise(form: Form, rng: random.Random, noise: set[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    if "label_spaces" in noise:
        for col in ("commercial", "research", "legal_service"):
            label = form.table("requests").column(col).label
            labels[f"requests.col.{col}"] = label[:2] + " " + label[2:]
        requests = form.table("requests")
        for row in rng.sample([r for r in requests.rows if len(r.label) >= 6], 3):  # `只计这一情 形`
            k = rng.randint(2, len(row.label) - 2)
            labels[f"requests.{row.key}"] = row.label[:k] + " " + row.label[k:]
    if "short_headers" in noise and form.key == "v2019":
        labels["proactive.col.new_made"] = rng.choice(["本年新", "制作数量"])
        labels["proactive.col.new_published"] = "本年新" if labels["proactive.col.new_made"] == "本年新" else "公开数量"
    return labels


def _date_line(rng: random.Random, year: int, government: bool) -> tuple[str | None, str | None, str | None]:
    """(header line, signature line, ISO date) for a publication date within the statutory
    deadline: 1月31日 of year+1 for departments, 3月31日 for governments (and before 2019)."""
    month, day = rng.randint(1, 3 if government or year < 2019 else 1), rng.randint(1, 28)
    iso = f"{year + 1}-{month:02d}-{day:02d}"
    style = rng.choice(["header", "labelled", "signature", "cn_signature", "bare", "none"])
    if style == "header":
        return f"来源：本站  时间：{iso} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00  访问量：{rng.randint(1, 999)}", None, iso
    if style == "labelled":
        return f"发布日期：{year + 1}年{month}月{day}日", None, iso
    if style == "bare":
        return f"{year + 1}/{month:02d}/{day:02d} 09:30 信息来源：政府办", None, iso
    if style == "signature":
        return None, f"{year + 1}年{month}月{day}日", iso
    if style == "cn_signature":
        return None, f"{_cn_year(year + 1)}年{_cn_small(month)}月{_cn_small(day)}日", iso
    return None, None, None


_CN = "〇一二三四五六七八九"


def _cn_year(year: int) -> str:
    return "".join(_CN[int(d)] for d in str(year))


def _cn_small(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


NOISES = ("units", "blank_marks", "blanks", "empty_cells", "fullwidth", "thousands", "signs", "spaces", "label_spaces",
          "short_headers", "traditional", "gbk", "big5", "other_one_row")


FORMATS = ("text", "html", "docx", "pdf", "pdf_unruled", "pdf_partial", "pdf_wrapped", "xlsx")
"""`pdf_unruled`: a PDF whose tables have no ruling lines, digits in a Latin font (as Word exports);
`pdf_partial`: a PDF whose tables draw only part of their ruling (三线表, row rules only, the frame
only, column rules only in the header, or a few inner borders missing; `render.pdf.RULES`);
`pdf_wrapped`: an unruled or partly ruled PDF whose value columns are two digits wide, so longer
numbers wrap onto a second line in their cell (`16` over `6`)."""


def synthesize(seed: int, form_key: str | None = None, layout: str | None = None,
               noise: list[str] | None = None, inject_error: bool = False, fmt: str = "text",
               ruled: bool = True) -> Synthetic:
    """A random report. `noise=None` draws a random subset of NOISES; inject_error changes one
    cell of 表三 or 表四 so that an identity breaks (the truth lists that cell as expected).
    `fmt` is the file format; `layout` the scraped-text layout ("paragraph" or "pipe") for text."""
    rng = random.Random(seed)
    form = FORMS[form_key or rng.choice(list(FORMS))]
    layout = layout or rng.choice(["paragraph", "pipe", "tabs", "spaces"])
    chosen = set(noise if noise is not None else rng.sample(NOISES, rng.randint(0, 5)))
    if "big5" in chosen:
        chosen.add("traditional")
        chosen.discard("gbk")
    if form.key != "v2021":
        chosen.discard("other_one_row")
    if fmt in ("docx", "pdf", "pdf_unruled", "pdf_partial", "pdf_wrapped", "xlsx"):
        chosen -= {"gbk", "big5"}  # these formats carry their own encoding
    if fmt == "text" and layout == "spaces" and "empty_cells" in chosen:
        chosen.discard("empty_cells")  # an empty cell between spaces leaves no trace: not a fair test
        chosen.add("blanks")
    year = rng.randint(form.first_year, form.last_year or 2025)
    organization = rng.choice(PLACES) + rng.choice(DEPARTMENTS)
    tables = random_tables(form, rng, other_as_one="other_one_row" in chosen)
    truth_tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in tables.items()}
    if "blanks" in chosen or "empty_cells" in chosen:
        # a blank is printed where the value is 0, so every identity still holds
        zeros = [(t, r, c) for t, rows in tables.items() for r, cells in rows.items()
                 for c, v in cells.items() if v == 0]
        for t, r, c in rng.sample(zeros, min(len(zeros), rng.randint(1, 6))):
            tables[t][r][c] = None
            truth_tables[t][r][c] = None
    expect: list[dict[str, Any]] = []
    if inject_error:
        t = rng.choice(["requests", "review_litigation"])
        r = rng.choice([k for k, cells in tables[t].items() if any(v is not None for v in cells.values())])
        c = rng.choice([k for k, v in tables[t][r].items() if v is not None])
        tables[t][r][c] = int(tables[t][r][c] or 0) + rng.choice([1, 2, 3, 5, 10])
        truth_tables[t][r][c] = tables[t][r][c]
        expect.append({"rule": "T3" if t == "requests" else "T4", "cells": [f"{t}.{r}.{c}"]})
    header, signature, iso = _date_line(rng, year, organization.endswith(("人民政府", "人民政府办公室")))
    doc = Document(form.key, organization, year, tables, published_line=header, signature=signature,
                   narrative={"overall": f"{year}年，{organization}认真贯彻落实《中华人民共和国政府信息公开条例》，"
                                         f"全年主动公开政府信息{rng.randint(10, 9999)}条。"},
                   labels=_label_noise(form, rng, chosen))
    cell = _cell_printer(form, rng, chosen)
    convert = _s2t().convert if "traditional" in chosen else (lambda x: x)
    encoding = "big5" if "big5" in chosen else "gb18030" if "gbk" in chosen else "utf-8"
    if fmt == "text":
        text = convert(render_text(doc, layout, cell))
        data = text.encode(encoding, errors="replace")
    elif fmt == "html":
        from .render.html import render_html

        charset = {"big5": "big5", "gb18030": "gbk"}.get(encoding, "utf-8")
        text = convert(render_html(doc, cell, charset=charset, spans=rng.random() < 0.5,
                                   layout_table=rng.random() < 0.3))
        data = text.encode(encoding, errors="replace")
        layout = "html"
    elif fmt == "xlsx":
        # a filled workbook (gongkai's own layout): numbers are numbers, so cell noise does not apply;
        # it prints no publication date
        if "traditional" in chosen:
            doc = _convert_doc(doc, convert)
        from .render.xlsx import render_xlsx

        data, text, layout, iso = render_xlsx(doc), "", "xlsx", None
    else:
        if "traditional" in chosen:
            doc = _convert_doc(doc, convert)
        from .render.docx import render_docx
        from .render.pdf import render_pdf

        printer = lambda *a: convert(cell(*a))  # noqa: E731
        if fmt == "pdf_unruled" or (fmt == "pdf" and not ruled):
            data = render_pdf(doc, printer, ruled=False, valign=rng.choice(["top", "center"]))
        elif fmt == "pdf_partial":
            from .render.pdf import RULES

            rules = rng.choice(RULES[1:])
            data = render_pdf(doc, printer, latin=rng.random() < 0.5, valign=rng.choice(["top", "center"]),
                              rules=rules, seed=seed)
            chosen.add(f"rules:{rules}")
        elif fmt == "pdf_wrapped":
            from .render.pdf import RULES

            rules = rng.choice(("none",) + RULES[1:])
            if rules == "none":
                data = render_pdf(doc, printer, ruled=False, valign=rng.choice(["top", "center"]), narrow=True)
            else:
                data = render_pdf(doc, printer, latin=rng.random() < 0.5, valign=rng.choice(["top", "center"]),
                                  rules=rules, seed=seed, narrow=True)
            chosen.update({f"rules:{rules}", "wrapped"})
        else:
            data = (render_docx if fmt == "docx" else render_pdf)(doc, printer)
        text, layout = "", fmt
    truth = {
        "report": {"organization": organization, "organization_core": organization, "year": year,
                   "template": form.key, "published": iso},
        "tables": truth_tables,
        "expect_findings": expect,
        "case": {"layout": layout, "variant": form.key, "noise": sorted(chosen), "encoding": encoding},
    }
    return Synthetic(data, text, truth, sorted(chosen))


def _s2t():  # type: ignore[no-untyped-def]
    from .read.normalize import _s2t as converter

    return converter()


def _convert_doc(doc: Document, convert) -> Document:  # type: ignore[no-untyped-def]
    """The same printable report with every label and line in Traditional script."""
    from dataclasses import replace

    from .forms import FORMS as forms

    form = forms[doc.form]
    labels = {f"{t.key}.{r.key}": convert(doc.labels.get(f"{t.key}.{r.key}", r.label))
              for t in form.tables for r in t.rows}
    labels.update({f"{t.key}.col.{c.key}": convert(doc.labels.get(f"{t.key}.col.{c.key}", c.label))
                   for t in form.tables for c in t.columns})
    return replace(doc, organization=convert(doc.organization), labels=labels,
                   published_line=convert(doc.published_line) if doc.published_line else None,
                   signature=convert(doc.signature) if doc.signature else None,
                   narrative={k: convert(v) for k, v in doc.narrative.items()})


SCAN_KINDS = ("pdf", "png", "jpg", "tiff")


def scan(pdf: bytes, seed: int, dpi: int = 200, kind: str = "pdf", degrade: bool = True) -> bytes:
    """`pdf` as a scanner makes it: every page an image at `dpi`, no text layer.

    The degradations are the ones seen in scanned reports: the sheet a little rotated (±1.5°),
    optics blur, sensor noise and JPEG compression at quality 50–70. `kind` is an image-only
    PDF, a multi-page TIFF, or (first page only) a PNG or JPEG. Needs pypdfium2, OpenCV and
    Pillow (the `ocr` and `test` extras).
    """
    import io

    import pypdfium2 as pdfium

    try:
        import cv2
        import numpy as np
        from PIL import Image
    except ImportError:
        raise RuntimeError("生成扫描件需要 OpenCV 与 Pillow：请安装 pip install 'gongkai[ocr]'") from None

    rng = random.Random(seed)
    source = pdfium.PdfDocument(pdf)
    pages: list[Image.Image] = []
    try:
        for page in source:
            pixels = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            gray = np.ascontiguousarray(pixels if pixels.ndim == 2 else pixels[..., 0])
            if degrade:
                gray = _degrade(gray, rng, cv2, np)
            pages.append(Image.fromarray(gray))
    finally:
        source.close()
    if kind in ("png", "jpg"):
        pages = pages[:1]
    out = io.BytesIO()
    resolution = {"dpi": (dpi, dpi)}
    if kind == "pdf":
        pages[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:], quality=90)
    elif kind == "tiff":
        pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate", **resolution)
    elif kind == "png":
        pages[0].save(out, "PNG", **resolution)
    elif kind == "jpg":
        pages[0].save(out, "JPEG", quality=rng.randint(75, 90), **resolution)
    else:
        raise ValueError(f"unknown scan kind {kind!r}")
    return out.getvalue()


def _degrade(gray, rng: random.Random, cv2, np):  # type: ignore[no-untyped-def]
    """One page as a cheap office scanner returns it."""
    h, w = gray.shape
    angle = rng.uniform(-1.5, 1.5)
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    gray = cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    sigma = rng.uniform(0.4, 0.9)
    gray = cv2.GaussianBlur(gray, (0, 0), sigma)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(3, 8), gray.shape)
    gray = np.clip(gray.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(50, 70)])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


# Sentences a report's overview states figures in, by the narrative figure they state (keys of
# forms/narrative.py). Each names what the figure counts; `{n}` is its number.
_STATEMENTS: dict[str, tuple[str, ...]] = {
    "requests_received": ("全年共收到政府信息公开申请{n}件", "本年度受理政府信息公开申请{n}件",
                          "共办理政府信息公开申请{n}件", "本机关全年接收信息公开申请{n}件"),
    "requests_granted": ("对其中的申请予以公开{n}件", "同意公开{n}件"),
    "requests_partial": ("部分公开{n}件",),
    "requests_granted_partial": ("予以公开及部分公开{n}件", "予以公开和部分公开的共{n}件"),
    "requests_unable": ("无法提供{n}件", "因信息不存在等原因无法提供的{n}件"),
    "requests_carried_in": ("上年结转{n}件",),
    "requests_carried_out": ("结转下年度继续办理{n}件",),
    "review_count": ("本年度发生政府信息公开行政复议{n}件",),
    "litigation_count": ("本年度发生政府信息公开行政诉讼{n}件",),
}


def narrative_case(seed: int, contradictions: float = 0.3) -> Synthetic:
    """A text report whose overview states several table quantities in words, a share of them
    wrong: the truth lists an X-3 finding (with the figure's cells) for each wrong one only.

    A right statement says one of the quantities its words can mean (`收到申请` the new requests,
    new + carried in, handled, or handled + carried on); a wrong one differs from all of them.
    Some reports print 表三's 总计 column blank, where the sum of the applicant columns stands
    for it. Used to measure X-3's precision and recall (`tools/x3_measure.py`)."""
    from .forms.narrative import FIGURES_BY_KEY

    rng = random.Random(seed)
    form = FORMS[rng.choice(["v2019", "v2021"])]
    year = rng.randint(form.first_year, form.last_year or 2025)
    place = rng.choice(PLACES)
    organization = place + rng.choice(DEPARTMENTS)
    tables = random_tables(form, rng)
    req = tables["requests"]
    for row in ("carried_in", "carried_out"):  # carried requests make the meanings differ
        if rng.random() < 0.6 and req[row]["total"] == 0:
            n = rng.randint(1, 9)
            req[row]["natural_person"] = n
            req[row]["total"] = n
            if row == "carried_in":  # new + carried in = results + carried out still holds
                req["results_total"]["natural_person"] += n
                req["results_total"]["total"] += n
                misc = "other_misc" if "other_misc" in req else "other"
                req[misc]["natural_person"] += n
                req[misc]["total"] += n
            else:
                req["new_received"]["natural_person"] += n
                req["new_received"]["total"] += n
    blank_totals = rng.random() < 0.3

    def total(row: str) -> int:
        return sum(v for c, v in req[row].items() if c != "total")

    def cells_sum(paths: tuple[str, ...]) -> int:
        out = 0
        for p in paths:
            t, r, c = p.split(".")
            out += tables[t][r][c] if t != "requests" else total(r)
        return out

    # `全县` is the body's own scope in a county government's report, a wider one in a department's
    region = ("全" + place[-1]) if organization == place + "人民政府" else "本机关"
    keys = rng.sample(sorted(_STATEMENTS), rng.randint(2, 5))
    sentences, expect = [], []
    for key in keys:
        figure = FIGURES_BY_KEY[key]
        meanings = [figure.cells, *figure.meanings]
        right = {cells_sum(m) for m in meanings}
        value = cells_sum(rng.choice(meanings))
        if rng.random() < contradictions:
            while value in right:
                value = max(0, value + rng.choice([-3, -2, -1, 1, 2, 3, 5, 10]))
            expect.append({"rule": "X-3", "cells": list(figure.cells)})
        number = _cn_small(value) if 0 < value < 100 and rng.random() < 0.2 else str(value)
        sentences.append(rng.choice(["", "", region, "全年"]) + rng.choice(_STATEMENTS[key]).format(n=number))
        if key == "requests_received" and rng.random() < 0.3:
            # a part of the body's requests, after 其中: not the body's own figure, never compared
            sentences.append(f"其中，县政府办公室收到政府信息公开申请{rng.randint(0, 50)}件")
    overall = f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。" + "。".join(sentences) + "。"
    truth_tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in tables.items()}
    if blank_totals:
        for row in req:
            truth_tables["requests"][row]["total"] = None

    def cell(t: str, r: str, c: str, v: Value) -> str:
        if blank_totals and t == "requests" and c == "total":
            return ""
        return plain_cell(t, r, c, v)

    doc = Document(form.key, organization, year, tables, narrative={"overall": overall})
    text = render_text(doc, rng.choice(["paragraph", "pipe", "tabs"]), cell)
    truth = {"report": {"organization": organization, "organization_core": organization, "year": year,
                        "template": form.key, "published": None},
             "tables": truth_tables, "expect_findings": expect,
             "case": {"layout": "narrative", "variant": form.key,
                      "noise": ["blank_totals"] if blank_totals else [], "sentences": sentences}}
    return Synthetic(text.encode("utf-8"), text, truth, truth["case"]["noise"])


def synthetic_store(con: Any, n: int, seed: int = 0, chunk: int = 500,
                    extra: list[tuple[str, bytes]] | None = None) -> int:
    """Parse `n` generated text reports (seeds seed … seed+n-1, a tenth with an injected error)
    and the `extra` (name, bytes) files in this process and store them in `con` with the ingest
    writer, then run the cross-year pass: a corpus for the web tests and the bench. Returns the
    number of reports stored."""
    from .api import parse_bytes
    from .store.crossyear import recheck_bodies
    from .store.records import to_record
    from .store.uploads import store_results

    stored = 0
    # the extra files first: they are the first-ingested report of their body and year
    files: list[tuple[str, bytes | None, int | None]] = [(name, data, None) for name, data in extra or []]
    files += [(f"synthetic-{s}.txt", None, s) for s in range(seed, seed + n)]
    for start in range(0, len(files), chunk):
        triples = []
        for name, data, s in files[start:start + chunk]:
            if data is None:
                data = synthesize(s, fmt="text", inject_error=s % 10 == 3).data  # type: ignore[arg-type]
            report = parse_bytes(data, name)
            triples.append((name, report.sha256, to_record(report, len(data), data)))
        stored += sum(1 for s in store_results(con, triples, crossyear=False) if s.status == "stored")
    recheck_bodies(con)
    return stored
