"""The figures a report's text states, as data: what words name them, in what units, and which
table cells state the same thing.

The extractor (extract/narrative.py) reads a figure where its words are followed, within a short
gap and in the same sentence, by a number and one of its units (`收到政府信息公开申请2件`), or
where a zero statement names it (`未收到政府信息公开申请`). The checker compares a figure with the
sum of its `cells` (X-3). Everything here is matched against normalised text (NFKC, Simplified):
full-width `，；：（）` are already `,;:()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class NarrativeFigure:
    """One kind of figure a report's text states.

    `triggers` are literal strings one of which a sentence must contain before any regex runs
    (the cheap prefilter). `words` is the regex naming what is counted; `units` the units its
    number may carry. `total` figures are never read after 其中 (there the text breaks a total
    down); `context` words must appear in the sentence or in the heading above it. `exclude`
    rejects a match whose words-and-gap mention something else (a combined count such as
    `予以公开（含部分公开）`, or `收到行政复议申请`); `zero_exclude` does the same for a zero
    statement. `cells` are the table cells (`table.row.col`)
    whose sum the figure states; empty when no table cell states it.
    """

    key: str
    name: str
    triggers: tuple[str, ...]
    words: str
    units: str = "件|条|个|份"
    zero: tuple[str, ...] = ()  # each its own regex: one that starts with a literal or a character class runs fast
    cells: tuple[str, ...] = ()
    total: bool = True
    context: tuple[str, ...] = ()
    exclude: str | None = None
    zero_exclude: str | None = None  # as `exclude`, for a zero statement (`未收到行政复议申请`)
    gap: int = 8
    money: bool = False
    large: bool = False  # 万 multipliers expected (visits); a count printed in 万 is otherwise approximate
    meanings: tuple[tuple[str, ...], ...] = ()
    """Other cell sums the same words may state: `收到申请 75 件` may count the requests carried in
    from last year with the new ones, or the requests handled (办理结果总计), with or without those
    carried on to next year. A figure equal to any of them is no contradiction."""

    @cached_property
    def regex(self) -> re.Pattern[str]:
        gap = rf"[^\d。!?;增减比较]{{0,{self.gap}}}?"  # a plain class: the fast single-character repeat
        number = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        return re.compile(rf"(?P<words>{self.words})(?P<gap>{gap})(?P<pre>约|近|逾|超过|达到|达|共计|共|为|总计|合计)?"
                          rf"\s*{number}\s*(?P<approx>余|多)?\s*(?P<mult>万|亿)?\s*(?:余|多)?\s*"
                          rf"(?P<unit>{self.units})")

    @cached_property
    def zero_regexes(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(z) for z in self.zero)

    @cached_property
    def exclude_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.exclude) if self.exclude else None

    @cached_property
    def zero_exclude_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.zero_exclude) if self.zero_exclude else None


_NEG = r"[未没无]有?"  # not 不: 不予受理…申请 is no zero statement
_CLAUSE = r"[^。!?;,\d]"  # within one clause, no number

NARRATIVE_FIGURES: tuple[NarrativeFigure, ...] = (
    NarrativeFigure(
        "proactive_count", "主动公开信息数", ("公开", "发布", "公布"),
        r"(?:公开|发布|公布)[^。!?;,\d]{0,10}?(?:信息|文件)", units="条", gap=4,
        context=("主动公开", "主动发布", "主动公布"), exclude=r"累计|截至|截止|历年|解读"),
    NarrativeFigure(
        "policy_interpretations", "政策解读数", ("解读",),
        r"解读(?:类|性)?(?:信息|文件|稿件|材料|文章)?", units="条|篇|件|个|期", total=False,
        exclude=r"累计|截至|截止"),
    NarrativeFigure(
        "requests_received", "收到申请数", ("申请", "要求"),
        r"(?:收到|受理|接收|接到|新收|共收|办理)[^。!?;\d]{0,16}?(?:申请(?!人)|要求)",
        zero=(rf"{_NEG}(?:收到|受理|接到|接收|发生|产生){_CLAUSE}{{0,16}}?申请(?!人|行政|复议|诉讼)",
              rf"(?:依申请公开|公开申请|申请数){_CLAUSE}{{0,12}}?为(?:零|0)",
              r"无(?:依申请公开|政府信息公开申请|信息公开申请)"),
        cells=("requests.new_received.total",),
        meanings=(("requests.new_received.total", "requests.carried_in.total"),
                  ("requests.results_total.total",),
                  ("requests.results_total.total", "requests.carried_out.total")),
        exclude=r"复议|诉讼|信访|投诉|举报|咨询|留言|来信|来电|结转|累计|办结|答复",
        zero_exclude=r"复议|诉讼|信访|投诉|举报|咨询"),
    NarrativeFigure(
        "requests_granted", "予以公开数", ("予以公开", "同意公开"),
        r"(?:予以|同意)公开(?<!不同意公开)", total=False, gap=6,
        cells=("requests.granted.total",), exclude=r"部分|不予|含|包括|及|和"),
    NarrativeFigure(
        "requests_partial", "部分公开数", ("部分公开",),
        r"部分公开", total=False, gap=6,
        cells=("requests.partial.total",), exclude=r"区分处理|含|包括|及|和"),
    NarrativeFigure(
        "requests_granted_partial", "予以公开及部分公开数", ("部分公开",),
        r"(?:予以|同意)?公开(?:及|和|与|、|或|以及)部分公开", total=False, gap=6,
        cells=("requests.granted.total", "requests.partial.total"), exclude=r"不予|其中"),
    NarrativeFigure(
        "requests_unable", "无法提供数", ("无法提供",),
        r"无法提供", total=False, gap=6,
        cells=("requests.unable_not_held.total", "requests.unable_needs_creation.total",
               "requests.unable_unclear.total"),
        exclude=r"不掌握|另行制作|不明确|补正|其中|含|包括"),
    NarrativeFigure(
        "requests_denied", "不予公开数", ("不予公开", "不同意公开", "不公开"),
        r"不(?:予|同意)?公开", total=False, gap=6, exclude=r"含|包括|及|和"),
    NarrativeFigure(
        "requests_carried_in", "上年结转申请数", ("结转",),
        r"上一?年度?结转", total=False, gap=12,
        cells=("requests.carried_in.total",)),
    NarrativeFigure(
        "requests_carried_out", "结转下年度申请数", ("结转",),
        r"结转(?:至|到|入)?(?:下一?年度?|(?:19|20)\d\d年度?)", total=False,
        cells=("requests.carried_out.total",)),
    NarrativeFigure(
        "review_count", "行政复议数", ("复议",),
        r"行政复议(?:申请|案件)?", units="件|起|宗|个|次", gap=10,
        zero=(rf"{_NEG}(?:发生|出现|收到|产生|涉及|被|因)?{_CLAUSE}{{0,30}}?行政复议(?!纠|撤|败|机关)",
              rf"行政复议{_CLAUSE}{{0,12}}?为(?:零|0)"),
        cells=("review_litigation.review.total",), exclude=r"诉讼|(?<![本我])机关|决定|纠|维持|撤销"),
    NarrativeFigure(
        "litigation_count", "行政诉讼数", ("诉讼",),
        r"行政诉讼(?:案件)?", units="件|起|宗|个|次", gap=10,
        zero=(rf"{_NEG}(?:发生|出现|收到|产生|涉及|被|因|提起)?{_CLAUSE}{{0,30}}?行政诉讼(?!纠|撤|败)",
              rf"行政诉讼{_CLAUSE}{{0,12}}?为(?:零|0)"),
        cells=("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
        exclude=r"复议|败诉|判决|维持|纠"),
    NarrativeFigure(
        "website_visits", "网站访问量", ("访问", "浏览", "点击"),
        r"(?:访问|浏览|点击)(?:量|人次)?", units="人次|次", gap=6, large=True, context=("网",)),
    NarrativeFigure(
        "fee_yuan", "信息公开收费（元）", ("费",),
        r"(?:收取|收费|信息处理费|费用)", units="元", gap=12, money=True,
        zero=(rf"[未没无不]有?(?:收取|收){_CLAUSE}{{0,20}}?费", rf"免收{_CLAUSE}{{0,10}}?费",
              rf"收费{_CLAUSE}{{0,4}}?为(?:零|0)"),
        context=("信息处理费", "信息公开", "依申请", "申请"), exclude=r"行政事业性|罚|税"),
    NarrativeFigure(
        "fee_notices", "收费通知数", ("收费通知",),
        r"收费通知(?:书)?", units="件|份|次|个", gap=6,
        zero=(rf"{_NEG}{_CLAUSE}{{0,6}}?(?:发出|出具|送达|发放|下发|开具)过?{_CLAUSE}{{0,6}}?收费通知",)),
)

FIGURES_BY_KEY: dict[str, NarrativeFigure] = {f.key: f for f in NARRATIVE_FIGURES}

# Sentences the 2019 and 2021 forms print in every report: text two reports share because the
# form says so, not because one copied the other (Q-DUP-1 does not count them).
FORM_SENTENCES: tuple[str, ...] = (
    "本报告根据《中华人民共和国政府信息公开条例》编制",
    "由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项六个部分组成",
    "本报告所列数据的统计期限自年月日起至年月日止",
    "本报告电子版可在门户网站查阅或下载",
    "如对本报告有任何疑问，请与联系",
    "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
    "区分处理的，只计这一情形，不计其他情形",
    "坚持以公开为常态、不公开为例外",
    "认真贯彻落实《中华人民共和国政府信息公开条例》",
)
