"""Report fields: the reporting body, the year reported on, and the publication date.

Each field is taken from the most specific place that prints it, in a fixed order of trust, and
the place is recorded (it shows in `provenance.report`):

- organization: the title line (`川汇区人民政府办公室 2019年政府信息公开工作年度报告`), the
  signature line above the closing date, then `发布机构` / `来源` page metadata. A bare place name
  (`江油市`, `会同县`) names its people's government.
- year: the title, the statistics period (`统计期限自2022年1月1日…`), then the first year the
  overview speaks of, then the publication year minus one.
- published: a labelled page date (`发布日期`, `时间:`, `生成日期`), a bare date-time at the top of
  the page, then the signature date at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_TITLE = re.compile(r"(?P<org>[^\s\d|:：]{2,40}?)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*"
                    r"(?P<org2>[^\s\d|]{0,40}?)\s*政府信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_TITLE_TAIL = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*政府信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_PERIOD = re.compile(r"(?:统计期限|统计时限|数据统计|统计时间|统计区间|统计范围)[^0-9]{0,12}((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_FIRST_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LABELLED_DATE = re.compile(
    r"(?:发布日期|发布时间|成文日期|生成日期|公开日期|发文日期|日期|时间)\s*[:：|]?\s*[|]?\s*"
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_BARE_DATETIME = re.compile(r"^\s*((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)")
# the same date-time run onto the title's line (a converter joined the page header into one line)
_TITLE_DATETIME = re.compile(r"政府信息公开[^。，,；;]{0,12}(?:年度报告|年报)\s+((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\s+\d{1,2}:\d{2}")
_SIGNATURE_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?\s*$")
_CN_DIGITS = {"〇": 0, "○": 0, "?": 0, "零": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"^\s*([〇○零O0?一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日\s*$")
_META_ORG = re.compile(r"(?:发布机构|发文机关|发布单位|来源|信息来源|文章来源|主办单位)\s*[:：|]?\s*[|(（]?\s*"
                       r"([\u4e00-\u9fff]{2,40}?)\s*[)）|]?\s*(?:\s|$|\||时间|发布|访问|浏览|阅读|日期|生成)")
_BODY_SUFFIX = re.compile(r"(人民政府|政府办公室|政府办公厅|办公室|办公厅|委员会|局|厅|委|办|院|署|中心|处|所|街道办事处|"
                          r"管委会|管理委员会|人民政府办公室|公司|站|队|馆|会)$")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,12}?(省|自治区|市|地区|自治州|州|盟|县|自治县|区|旗|自治旗|特区|林区|镇|乡|街道)$")
# Where a page gives no title line: the preamble (本年度报告由X根据《条例》…编制), a title quoted
# in the text (现公布/编制形成了《X2023年政府信息公开工作年度报告》), the overview's subject.
_PREAMBLE_ORG = re.compile(r"本(?:年度)?报告(?:是)?由\s*([\u4e00-\u9fff]{2,40}?)\s*(?:根据|依据|按照|依照|编制|汇总)")
_QUOTED_TITLE = re.compile(r"(?:公布|发布|印发|形成了?|编制了?|《)[^《》。，,]{0,20}?[:：]?\s*"
                           r"([\u4e00-\u9fff]{2,30}?)\s*((?:19|20)\d{2})\s*年度?\s*政府信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_OVERVIEW_ORG = re.compile(r"^\s*(?:19|20)\d{2}\s*年(?:度|以来)?\s*[,，]\s*([\u4e00-\u9fff]{2,30}?)"
                           r"(?:高度重视|认真|深入|坚持|严格|全面|紧紧围绕|紧扣|始终|继续|进一步|积极|按照|在)")
_CLEAN_PREFIX = re.compile(r"^(关于公布|关于印发|关于|公布|印发)")
# Self-references by which a department's report names itself, and what kind of body that is.
_SELF = re.compile(r"我(局|委|办|厅|院|署|中心)")


@dataclass
class Meta:
    organization: str | None = None
    year: int | None = None
    published: str | None = None
    sources: dict[str, str] = field(default_factory=dict)


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _date_line(text: str) -> str | None:
    """An ISO date from a line that is only a date: `2020年1月16日`, `2020-01-16`, `二〇二〇年一月十六日`."""
    m = _SIGNATURE_DATE.match(text)
    if m:
        return _iso(*m.groups())
    m = _CN_DATE.match(text)
    if m:
        year = "".join(str(_CN_DIGITS[ch]) for ch in m.group(1))
        return _iso(year, str(_cn_number(m.group(2))), str(_cn_number(m.group(3))))
    return None


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _body(name: str | None) -> str | None:
    """A reporting body's name from a printed name: bare places become their government."""
    if not name:
        return None
    name = _CLEAN_PREFIX.sub("", name.strip(" |:：()（）《》“”\"'"))
    if name.startswith(("我", "本")):
        return None  # 我局, 本机关: the body speaking of itself, not its name
    if len(name) < 2 or not (_BODY_SUFFIX.search(name) or _PLACE.match(name)):
        return None  # not the name of a body (a title's "关于公布…" and the like)
    if _PLACE.match(name) and not _BODY_SUFFIX.search(name):
        return name + ("办事处" if name.endswith("街道") else "人民政府")
    return name


_PUBLISHER = re.compile(r"(?:发布机构|发文机关|发布单位)\s*[:：|]?\s*[|]?\s*([\u4e00-\u9fff]{2,40}?)(?=\s|$|\||时间|发布|日期|生成|索引|来源)")


def _publisher(head: list[str]) -> str | None:
    """The body a page's 发布机构 box names (not its 来源, which often names the parent site)."""
    for line in head:
        m = _PUBLISHER.search(line)
        if m and _BODY_SUFFIX.search(m.group(1)):
            return m.group(1)
    return None


_MARKUP = re.compile(r"^\s*#{1,6}\s*|\*\*|__")
"""Markdown heading marks and emphasis around a title (`# **…年度报告**`)."""


def _title(lines: list[str]) -> tuple[str | None, int | None, int | None]:
    """(organization, year, line) from the first title line, joining a title split over lines."""
    for i, line in enumerate(lines[:80]):
        text = _MARKUP.sub("", line).strip().strip("|").strip()
        if not text or len(text) > 80 or "年" not in text:
            continue
        m = _TITLE.search(text) if "公开" in text else None
        if m:
            org = (m.group("org") or "").strip() or (m.group("org2") or "").strip()
            if not org and i > 0:
                prev = next((lines[j].strip().strip("|").strip() for j in range(i - 1, max(-1, i - 3), -1)
                             if lines[j].strip()), "")
                if prev and len(prev) <= 40 and _BODY_SUFFIX.search(prev) or _PLACE.match(prev or ""):
                    org = prev
            return org or None, int(m.group("year")), i + 1
        # "会同县2022年政府信息公开" / "工作年度报告" split over two lines
        # (not when the next line is a whole title itself: `首页 > 政务公开 > 年度报告` above it is a
        # breadcrumb, not the title's first half)
        if i + 1 < len(lines) and ("公开" in text or "报告" in lines[i + 1]) and not _TITLE.search(lines[i + 1]):
            joined = text + lines[i + 1].strip().strip("|").strip()
            m = _TITLE.search(joined)
            if m and len(joined) <= 80:
                org = (m.group("org") or "").strip() or (m.group("org2") or "").strip()
                return org or None, int(m.group("year")), i + 1
    return None, None, None


_DATE_AT_END = re.compile(r"(?:^|[。.;；\s])\s*([\u4e00-\u9fff]{2,40}?)\s+"
                         r"((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                         r"[〇○零O0一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日)\s*$")


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(organization, ISO date) from the closing signature: a body name above a date line, or
    both at the end of the last paragraph (a converter runs the signature into it: `…信息处理费。
    南关区交通运输局 二〇二〇年一月三日`). A date inside a line, a footer's time or a URL's date
    never counts."""
    org, iso = _signature_lines(lines)
    if iso:
        return org, iso
    for i in range(len(lines) - 1, max(-1, len(lines) - 25), -1):
        m = _DATE_AT_END.search(lines[i].strip().strip("|").strip())
        if m and _BODY_SUFFIX.search(m.group(1)) and (iso := _date_line(m.group(2))):
            return m.group(1), iso
    return None, None


def _signature_lines(lines: list[str]) -> tuple[str | None, str | None]:
    start = max(0, len(lines) - 25)
    tail = [(i, lines[i].strip().strip("|").strip()) for i in range(start, len(lines))]
    for k in range(len(tail) - 1, -1, -1):
        i, text = tail[k]
        iso = _date_line(text)
        if not iso:
            continue
        org = None
        for j in range(k - 1, max(-1, k - 4), -1):
            cand = tail[j][1]
            if not cand:
                continue
            if 2 <= len(cand) <= 40 and _BODY_SUFFIX.search(cand) and not re.search(r"[,，。;；:：]", cand):
                org = cand
            break
        return org, iso
    return None, None


def _department(text: str, government: str) -> str | None:
    """`东湖区统计局` for a report published on 东湖区人民政府's site that calls itself 我局 and
    is about 统计: the page names the site, the text names the body."""
    selfs = _SELF.findall(text)
    if len(selfs) < 2:
        return None
    kind = max(set(selfs), key=selfs.count)
    place = government.removesuffix("人民政府")
    if not _PLACE.match(place):
        return None
    from .departments import DEPARTMENT_STEMS

    counts = {stem: text.count(stem) for stem in DEPARTMENT_STEMS}
    stem, hits = max(counts.items(), key=lambda kv: kv[1])
    if hits < 3:
        return None
    return f"{place}{stem}{kind}"


def read_meta(lines: list[str]) -> Meta:
    # Markdown marks (`# **…年度报告**`, `**发布机构**：`) are not part of any field; a page
    # without pipe tables is not read as Markdown, so they are still here.
    lines = [_MARKUP.sub("", line) if ("*" in line or "#" in line or "__" in line) else line for line in lines]
    meta = Meta()
    text = "\n".join(lines)
    head = lines[:30]

    org, year, title_line = _title(lines)
    if year:
        meta.year, meta.sources["year"] = year, f"标题（第 {title_line} 行）"
    body = _body(org)
    if body:
        meta.organization, meta.sources["organization"] = body, f"标题（第 {title_line} 行）"
        bare = org.strip() if org and not _BODY_SUFFIX.search(org.strip()) else None
        publisher = _publisher(head) if bare else None
        if bare and publisher and publisher.startswith(bare) and publisher != body:
            # the title names only the place (西柳镇, 经济开发区); the box names the body itself
            meta.organization, meta.sources["organization"] = publisher, f"标题（第 {title_line} 行）与发布机构"

    if meta.year is None or not meta.organization:
        for i, line in enumerate(lines[:40]):
            m = _QUOTED_TITLE.search(line)
            if m:
                if meta.year is None:
                    meta.year, meta.sources["year"] = int(m.group(2)), f"正文所述标题（第 {i + 1} 行）"
                if not meta.organization and _body(m.group(1)):
                    meta.organization = _body(m.group(1))
                    meta.sources["organization"] = f"正文所述标题（第 {i + 1} 行）"
                break
    if not meta.organization:
        m = _PREAMBLE_ORG.search("\n".join(lines[:40]))
        if m and _body(m.group(1)):
            meta.organization, meta.sources["organization"] = _body(m.group(1)), "前言"

    sig_org, sig_date = _signature(lines)
    if not meta.organization and sig_org:
        meta.organization, meta.sources["organization"] = _body(sig_org), "落款"
    if not meta.organization:
        for line in head:
            m = _META_ORG.search(line + " ")
            if m and _body(m.group(1)):
                gov = _body(m.group(1))
                dept = _department(text, gov) if gov and gov.endswith("人民政府") else None
                meta.organization = dept or gov
                meta.sources["organization"] = "正文自称与发布机构" if dept else "页面发布机构/来源"
                break

    if not meta.organization:
        for line in lines[:60]:
            m = _OVERVIEW_ORG.match(line)
            if m and _body(m.group(1)):
                meta.organization, meta.sources["organization"] = _body(m.group(1)), "总体情况首句"
                break

    if meta.year is None and "统计" in text:
        m = _PERIOD.search(text, text.index("统计"))
        if m:
            meta.year, meta.sources["year"] = int(m.group(1)), "统计期限"

    for line in head:
        m = _LABELLED_DATE.search(line)
        if m and re.search(r"打印|下载|访问|浏览|更新|修改|维护", line[max(0, m.start() - 4):m.start() + 2]):
            continue  # a page footer's print, visit or update time is not the publication date
        if m and (iso := _iso(*m.groups())):
            meta.published, meta.sources["published"] = iso, "页面发布日期"
            break
    if meta.published is None:
        for line in head[:12]:
            m = _BARE_DATETIME.match(line) or _TITLE_DATETIME.search(line)
            if m and (iso := _iso(*m.groups())):
                meta.published, meta.sources["published"] = iso, "页面时间"
                break
    if meta.published is None and sig_date:
        meta.published, meta.sources["published"] = sig_date, "落款日期"

    if meta.year is None:
        for line in lines:
            if "总体情况" in line or "概述" in line:
                continue
            m = _FIRST_YEAR.search(line)
            if m and len(line) > 20:
                meta.year, meta.sources["year"] = int(m.group(1)), "正文首个年份"
                break
    if meta.year is None and meta.published:
        meta.year, meta.sources["year"] = int(meta.published[:4]) - 1, "发布年份减一"
    return meta
