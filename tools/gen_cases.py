#!/usr/bin/env python3
"""Write a corpus of synthetic, never-seen text reports in the scorer's case format.

    tools/gen_cases.py OUT_DIR [--n 200] [--seed 0] [--errors 0.3] [--formats text,html,docx,pdf,pdf_unruled,pdf_partial,pdf_wrapped,xlsx,scan,tiff,pdftotext,markdown,opening,narrative] [--damaged]

Formats `pdftotext` and `markdown` are text converted from a generated PDF (ruled or not):
`pdftotext -layout` output (poppler-utils) and pymupdf4llm's Markdown, as researchers hold them.

Each case is OUT_DIR/<name>/{input.<ext>, truth.json}; score them with
    python3 ../shared/tools/score.py --cmd '.venv/bin/gongkai parse {input} --json' --cases OUT_DIR
A share of the cases (--errors) carries one injected arithmetic error in 表三 or 表四 whose cell
the truth lists as an expected finding; the rest are clean (expect_findings = []).
`scan` is an image-only PDF and `tiff` a multi-page TIFF of the rendered PDF, at 150 or 200 dpi,
slightly rotated, blurred, noisy and JPEG-compressed (`gongkai.synth.scan`; needs the ocr extra).

--damaged writes damaged reports instead (formats text, html, docx): one 表三 cell printed as a run of
20–5,000 digits (longer than any real count: the truth is null and a P-1 naming the cell is
expected), and for text a 1 MB junk line after the report. Every other cell must still be exact.

`opening` writes pages that are the annual report without its tables (`opening_case`): report
fields only in the truth (organization, year, published), scored as the real openings are.

`narrative` writes text reports whose overview states table quantities, a share (--errors) of
them wrong: each wrong statement is an expected X-3 finding (`gongkai.synth.narrative_case`; the
scorer gives recall, `tools/x3_measure.py` precision as well).

`pdf_unruled` writes PDFs whose tables have no ruling lines (Word with borders off: CJK labels,
Latin digits, cells aligned top or centre, tables running across pages) as input.pdf.
`pdf_partial` writes PDFs whose tables draw only part of their ruling, one style per case (三线表,
row rules only, the outer frame only, column rules only in the header, or a full grid missing a few
inner borders; the style is in the truth's case.noise as `rules:<style>`), as input.pdf.
`pdf_wrapped` writes unruled or partly ruled PDFs whose value columns are two digits wide, so
numbers of three digits or more wrap onto a second line in their cell (`16` over `6`), as input.pdf.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from gongkai.forms import FORMS
from gongkai.render.text import Document, plain_cell, render_text
from gongkai.synth import DEPARTMENTS, PLACES, Synthetic, narrative_case, random_tables, scan, synthesize


def scan_case(seed: int, inject_error: bool, fmt: str, dpi: int) -> tuple[Synthetic, str]:
    """A random report rendered as PDF, then scanned: every page an image (`scan`: PDF, `tiff`)."""
    s = synthesize(seed, inject_error=inject_error, fmt="pdf")
    s.data = scan(s.data, seed, dpi=dpi, kind="pdf" if fmt == "scan" else "tiff")
    s.truth["case"].update(layout=fmt, dpi=dpi)
    return s, "pdf" if fmt == "scan" else "tiff"



def damaged(seed: int, fmt: str) -> tuple[bytes, dict]:
    """A report with one over-long number in 表三 (and a junk line, for text): (bytes, truth)."""
    rng = random.Random(seed)
    form = FORMS[rng.choice(sorted(FORMS))]
    year = rng.randint(form.first_year, form.last_year or 2025)
    organization = rng.choice(PLACES) + rng.choice(DEPARTMENTS)
    tables = random_tables(form, rng)
    target = ("requests", rng.choice(sorted(tables["requests"])), rng.choice(sorted(tables["requests"]["new_received"])))
    long_number = "9" * rng.choice((20, 64, 500, 5000))

    def cell(t: str, r: str, c: str, value) -> str:  # type: ignore[no-untyped-def]
        return long_number if (t, r, c) == target else plain_cell(t, r, c, value)

    doc = Document(form.key, organization, year, tables)
    if fmt == "text":
        data = (render_text(doc, rng.choice(["paragraph", "pipe", "tabs", "spaces"]), cell)
                + "\n" + "政府信息公开 1 " * 60_000 + "\n").encode("utf-8")
    elif fmt == "html":
        from gongkai.render.html import render_html

        data = render_html(doc, cell).encode("utf-8")
    else:
        from gongkai.render.docx import render_docx

        data = render_docx(doc, cell)
    truth_tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in tables.items()}
    t, r, c = target
    if r in truth_tables[t] and c in truth_tables[t][r]:
        truth_tables[t][r][c] = None
    truth = {"report": {"organization": organization, "organization_core": organization, "year": year,
                        "template": form.key, "published": None},
             "tables": truth_tables, "expect_findings": [{"rule": "P-1", "cells": [".".join(target)]}],
             "case": {"layout": fmt, "variant": form.key, "noise": [f"long_number:{len(long_number)}"]}}
    return data, truth



TOWNS = ("西柳镇", "青山镇", "城关镇", "石桥乡", "新华街道", "东城街道", "经济开发区", "高新技术产业开发区")
"""Bodies below a county: their reports' titles often name only the township, street or zone."""


def _opening_body(rng: random.Random) -> tuple[str, str, str, str]:
    """(name the title prints, 发布机构, what a right answer must contain, the parent government)."""
    place = rng.choice(PLACES)
    kind = rng.choice(["county", "department", "town"])
    if kind == "county":
        org = place + "人民政府"
        return rng.choice([org, place]), org, place, org
    if kind == "department":
        org = place + rng.choice(DEPARTMENTS[2:])
        return org, org, org, place + "人民政府"
    town = rng.choice(TOWNS)
    if town.endswith("街道"):
        org = town + "办事处"
    elif town.endswith("区"):
        org = town + rng.choice(["管委会", "管理委员会"])
    else:
        org = town + "人民政府"
    title = rng.choice([town, org, place + org])
    return title, org, town, place + "人民政府"


def opening_case(seed: int) -> tuple[bytes, str, dict]:
    """A page that is the annual report without its tables: (bytes, extension, truth).

    The title (org and year, on one line or two), a 索引号/发布机构 box, the preamble, the first
    sections; the tables are "in the attachment" or the text stops. The publication date is
    printed in the box, under the signature (Arabic or Chinese numerals) or nowhere; footers carry
    an update time and the page's URL carries a date, neither of which is the publication date.
    Pages are HTML, Markdown (title in emphasis) or plain text, a share in Traditional script.
    """
    import html as _html

    from gongkai.synth import _cn_small, _cn_year

    rng = random.Random(seed)
    year = rng.randint(2009, 2025)
    title_org, org, core, parent = _opening_body(rng)
    government = org.endswith(("人民政府", "管委会", "管理委员会"))
    month, day = rng.randint(1, 3 if government or year < 2019 else 1), rng.randint(1, 28)
    iso = f"{year + 1}-{month:02d}-{day:02d}"
    style = rng.choice(["box", "signature", "cn_signature", "none"])
    title = rng.choice([f"{title_org}{year}年政府信息公开工作年度报告", f"{title_org}{year}年度政府信息公开工作年度报告",
                        f"{title_org}\n{year}年政府信息公开工作年度报告"])
    later = f"{year + 2}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    url = f"http://www.{rng.choice(['hx', 'xl', 'cg', 'qs'])}.gov.cn/art/{year + 1}/{rng.randint(4, 12)}/{rng.randint(1, 28)}/art_{rng.randint(1000, 9999)}.html"
    box = [f"索引号：{rng.randint(10**8, 10**9)}/{year + 1}-{rng.randint(1, 999):05d}", f"发布机构：{org}"]
    if style == "box":
        box.append(rng.choice([f"发布日期：{iso}", f"发布日期：{year + 1}年{month}月{day}日"]))
    if rng.random() < 0.4:
        box.append(f"来源：{parent}")
    other = rng.choice([year - 1, year - 2])
    paragraphs = [
        f"本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和相关规定要求编制。全文包括总体情况、"
        f"主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及"
        f"改进情况、其他需要报告的事项。" + (f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
                                          if rng.random() < 0.6 else ""),
        "一、总体情况",
        f"{year}年，{rng.choice([org, '我' + org[-1]])}认真贯彻落实政府信息公开工作要求，"
        f"对照{other}年度报告所列问题逐项整改，公开工作取得新进展。",
        "（一）主动公开",
        f"全年主动公开政府信息{rng.randint(20, 3000)}条，通过门户网站、政务新媒体等渠道及时发布。",
    ]
    if rng.random() < 0.5:  # the whole text without the tables
        paragraphs += ["二、主动公开政府信息情况", "（详见附件）", "三、收到和处理政府信息公开申请情况", "（详见附件）",
                       "五、存在的主要问题及改进情况", "公开内容的深度还需加强。", "六、其他需要报告的事项", "无。"]
        if style in ("signature", "cn_signature"):
            date = (f"{year + 1}年{month}月{day}日" if style == "signature"
                    else f"{_cn_year(year + 1)}年{_cn_small(month)}月{_cn_small(day)}日")
            paragraphs += [org, date]
    elif style in ("signature", "cn_signature"):
        style = "none"  # an opening stops before the signature
    footer = [f"更新时间：{later}", f"本页网址：{url}", f"主办单位：{parent}  网站标识码：{rng.randint(10**9, 10**10)}"]
    kind = rng.choice(["html", "html", "html", "markdown", "text"])
    traditional = rng.random() < 0.2
    if kind == "html":
        e = _html.escape
        head = "".join(f"<h1>{e(t)}</h1>" for t in title.split("\n"))
        cells = "".join(f"<td>{e(b)}</td>" for b in box)
        body = "".join(f"<p>{e(t)}</p>" for t in paragraphs)
        page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{e(title.replace(chr(10), ''))}</title></head>"
                f"<body><div class=\"nav\">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>{head}"
                f"<table class=\"meta\"><tr>{cells}</tr></table><div class=\"content\">{body}</div>"
                f"<div class=\"footer\">{'<br>'.join(e(f) for f in footer)}</div></body></html>")
        ext = "html"
    elif kind == "markdown":
        page = "\n\n".join([*(f"# **{t}**" for t in title.split("\n")), "  ".join(f"**{b.split('：')[0]}**：{b.split('：', 1)[1]}" for b in box),
                             *paragraphs, *footer]) + "\n"
        ext = "md"
    else:
        page = "\n".join(["首页 > 政务公开 > 年度报告", *title.split("\n"), "  ".join(box), *paragraphs, *footer]) + "\n"
        ext = "txt"
    if traditional:
        from gongkai.read.normalize import _s2t

        page = _s2t().convert(page)
    truth = {"report": {"organization": org, "organization_core": core, "year": year,
                        "published": iso if style != "none" else None},
             "case": {"layout": f"opening-{kind}", "variant": "traditional" if traditional else "simplified",
                      "noise": [f"date:{style}", f"title:{title_org}"]}}
    return page.encode("utf-8"), ext, truth


CONVERTED = ("pdftotext", "markdown")
"""Formats made by converting a generated PDF to text."""


def pdf_to_layout_text(pdf: bytes) -> bytes:
    """`pdftotext -layout` of a PDF (columns kept as runs of spaces; pages split by form feeds)."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", f.name, "-"], check=True,
                              capture_output=True, timeout=60).stdout


def pdf_to_markdown(pdf: bytes) -> bytes:
    """pymupdf4llm's Markdown of a PDF (pipe tables, `<br>` inside cells)."""
    import pymupdf
    import pymupdf4llm

    pymupdf.set_messages(pylogging=True)  # not to a stdout captured (and closed) by a test runner
    return pymupdf4llm.to_markdown(pymupdf.open(stream=pdf, filetype="pdf")).encode("utf-8")


def converted_case(seed: int, fmt: str, inject_error: bool) -> tuple[Synthetic, bytes]:
    """A synthetic report printed to PDF (ruled or unruled at random), then converted to text."""
    import random as _random

    ruled = _random.Random(seed ^ 0x5EED).random() < 0.5
    s = synthesize(seed, inject_error=inject_error, fmt="pdf", ruled=ruled)
    data = pdf_to_layout_text(s.data) if fmt == "pdftotext" else pdf_to_markdown(s.data)
    s.truth["case"]["layout"] = f"{fmt}-{'ruled' if ruled else 'unruled'}"
    return s, data


WEB_SUFFIXES = ("jsp", "shtml", "asp", "do", "aspx", "bin")


def web_name(ext: str, rng: random.Random) -> str:
    """The input's file name as a CMS serves it (`--web-names`): a script's extension (.jsp, .shtml,
    .do …) or the real one in capitals, so that only reading by content finds the format."""
    choice = rng.choice((*WEB_SUFFIXES, "UPPER"))
    return f"input.{ext.upper() if choice == 'UPPER' else choice}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--errors", type=float, default=0.3)
    ap.add_argument("--formats", default="text", help="comma-separated: text,html,docx,pdf,pdf_unruled,pdf_partial,pdf_wrapped,xlsx,scan,tiff,pdftotext,markdown,opening,narrative")
    ap.add_argument("--damaged", action="store_true", help="damaged reports (see above) instead of clean ones")
    ap.add_argument("--web-names", action="store_true",
                    help="name inputs as web servers do (input.jsp, input.shtml, input.PDF …): tests reading by content")
    args = ap.parse_args()
    names = random.Random(args.seed + 1)
    formats = args.formats.split(",")
    rng = random.Random(args.seed)
    for i in range(args.n):
        seed = rng.randrange(2**31)
        fmt = formats[i % len(formats)]
        if args.damaged:
            data, truth = damaged(seed, fmt)
            case = args.out / f"damaged-{i:04d}"
            case.mkdir(parents=True, exist_ok=True)
            (case / f"input.{'txt' if fmt == 'text' else fmt}").write_bytes(data)
            truth["case"]["seed"] = seed
            (case / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
            continue
        if fmt == "opening":
            data, ext, truth = opening_case(seed)
            case = args.out / f"opening-{i:04d}"
            case.mkdir(parents=True, exist_ok=True)
            (case / f"input.{ext}").write_bytes(data)
            truth["case"]["seed"] = seed
            (case / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
            continue
        if fmt == "narrative":
            s = narrative_case(seed, contradictions=args.errors)
            case = args.out / f"narrative-{i:04d}"
            case.mkdir(parents=True, exist_ok=True)
            (case / "input.txt").write_bytes(s.data)
            s.truth["case"]["seed"] = seed
            (case / "truth.json").write_text(json.dumps(s.truth, ensure_ascii=False, indent=1), encoding="utf-8")
            continue
        inject = rng.random() < args.errors
        if fmt in ("scan", "tiff"):
            s, ext = scan_case(seed, inject, fmt, dpi=rng.choice([150, 200]))
        elif fmt in CONVERTED:
            s, data = converted_case(seed, fmt, inject)
            s.data, ext = data, "txt" if fmt == "pdftotext" else "md"
        else:
            s, ext = synthesize(seed, inject_error=inject, fmt=fmt), {"text": "txt", "pdf_unruled": "pdf", "pdf_partial": "pdf", "pdf_wrapped": "pdf"}.get(fmt, fmt)
        case = args.out / f"synth-{i:04d}"
        case.mkdir(parents=True, exist_ok=True)
        (case / (web_name(ext, names) if args.web_names else f"input.{ext}")).write_bytes(s.data)
        s.truth["case"]["seed"] = seed
        (case / "truth.json").write_text(json.dumps(s.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.n} cases to {args.out}")


if __name__ == "__main__":
    main()
