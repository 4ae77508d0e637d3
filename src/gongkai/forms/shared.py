"""Tables 三 and 四 and the six sections, which both national forms share (one difference in 三).

Labels are the official ones (国办公开办函〔2019〕60号 / 〔2021〕30号) in Simplified Chinese; variants
are spellings seen in published reports (typos included: a parser has to match what is printed).
"""

from __future__ import annotations

from .model import Column, Identity, Row, Section, Table

SECTIONS: tuple[Section, ...] = (
    Section("一", "overall", "一、总体情况", r"总体情况|概述|总体|基本情况|工作情况"),
    Section("二", "proactive", "二、主动公开政府信息情况", r"主动公开", table="proactive"),
    Section("三", "requests", "三、收到和处理政府信息公开申请情况",
            r"收到和处理|处理政府信息公开申请|依申请公开", table="requests"),
    Section("四", "review_litigation", "四、政府信息公开行政复议、行政诉讼情况",
            r"复议.*诉讼|行政复议|行政诉讼", table="review_litigation"),
    Section("五", "problems", "五、存在的主要问题及改进情况", r"问题|改进"),
    Section("六", "other", "六、其他需要报告的事项", r"其他|其它|事项"),
)

# ---------------------------------------------------------------- 表三 收到和处理政府信息公开申请情况

APPLICANT_GROUP = "法人或其他组织"

REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业", group=APPLICANT_GROUP),
    Column("research", "科研机构", group=APPLICANT_GROUP),
    Column("social_welfare", "社会公益组织", group=APPLICANT_GROUP),
    Column("legal_service", "法律服务机构", group=APPLICANT_GROUP),
    Column("other_org", "其他", short="其他（法人或其他组织）", group=APPLICANT_GROUP,
           variants=("其他组织",)),
    Column("total", "总计"),
)

_DENY = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOPROC = "（五）不予处理"
_OTHER = "（六）其他处理"
_RESULTS = "三、本年度办理结果"


def request_rows(other_as_three: bool) -> tuple[Row, ...]:
    """The rows of 表三; the 2021 form splits （六）其他处理 into three rows."""
    head = (
        Row("new_received", "一、本年新收政府信息公开申请数量", short="本年新收",
            variants=("本年新收政府信息公开申请数量", "本年新收申请数量", "本年新收")),
        Row("carried_in", "二、上年结转政府信息公开申请数量", short="上年结转",
            variants=("上年结转政府信息公开申请数量", "上年结转申请数量", "上年结转")),
        Row("granted", "（一）予以公开", short="予以公开", group=_RESULTS, variants=("予以公开",)),
        Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", short="部分公开",
            group=_RESULTS, variants=("部分公开", "部分公开（区分处理的，只计这一情形，不计其它情形）")),
        Row("deny_state_secret", "1.属于国家秘密", short="不予公开·国家秘密", group=_DENY,
            variants=("属于国家秘密",)),
        Row("deny_law_prohibited", "2.其他法律行政法规禁止公开", short="不予公开·法律法规禁止", group=_DENY,
            variants=("其他法律行政法规禁止公开", "其他法律行政止公开", "其他法律、行政法规禁止公开",
                      "法律行政法规禁止公开")),
        Row("deny_security_stability", "3.危及“三安全一稳定”", short="不予公开·三安全一稳定", group=_DENY,
            variants=("危及三安全一稳定",)),
        Row("deny_third_party", "4.保护第三方合法权益", short="不予公开·第三方权益", group=_DENY,
            variants=("保护第三方合法权益",)),
        Row("deny_internal_affairs", "5.属于三类内部事务信息", short="不予公开·内部事务", group=_DENY,
            variants=("属于三类内部事务信息", "三类内部事务信息")),
        Row("deny_process_info", "6.属于四类过程性信息", short="不予公开·过程性信息", group=_DENY,
            variants=("属于四类过程性信息", "四类过程性信息")),
        Row("deny_enforcement_file", "7.属于行政执法案卷", short="不予公开·执法案卷", group=_DENY,
            variants=("属于行政执法案卷",)),
        Row("deny_admin_query", "8.属于行政查询事项", short="不予公开·行政查询", group=_DENY,
            variants=("属于行政查询事项",)),
        Row("unable_not_held", "1.本机关不掌握相关政府信息", short="无法提供·不掌握", group=_UNABLE,
            variants=("本机关不掌握相关政府信息",)),
        Row("unable_needs_creation", "2.没有现成信息需要另行制作", short="无法提供·需另行制作", group=_UNABLE,
            variants=("没有现成信息需要另行制作",)),
        Row("unable_unclear", "3.补正后申请内容仍不明确", short="无法提供·内容不明确", group=_UNABLE,
            variants=("补正后申请内容仍不明确",)),
        Row("noproc_petition", "1.信访举报投诉类申请", short="不予处理·信访举报投诉", group=_NOPROC,
            variants=("信访举报投诉类申请",)),
        Row("noproc_repeat", "2.重复申请", short="不予处理·重复申请", group=_NOPROC, variants=("重复申请",)),
        Row("noproc_publication", "3.要求提供公开出版物", short="不予处理·公开出版物", group=_NOPROC,
            variants=("要求提供公开出版物",)),
        Row("noproc_mass_repeat", "4.无正当理由大量反复申请", short="不予处理·大量反复申请", group=_NOPROC,
            variants=("无正当理由大量反复申请",)),
        Row("noproc_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", short="不予处理·确认或重新出具",
            group=_NOPROC, variants=("要求行政机关确认或重新出具已获取信息",)),
    )
    three = (
        Row("other_no_fix", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            short="其他处理·逾期不补正", group=_OTHER,
            variants=("申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请", "申请人无正当理由逾期不补正")),
        Row("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            short="其他处理·逾期未缴费", group=_OTHER,
            variants=("申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
                      "申请人逾期未按收费通知要求缴纳费用", "申请人逾期未缴费")),
        Row("other_misc", "3.其他", short="其他处理·其他", group=_OTHER, variants=("3其它",)),
    )
    one = Row("other", "（六）其他处理", short="其他处理", group=_RESULTS,
              variants=("其他处理", "六其他处理"),
              instead_of=() if not other_as_three else tuple(r.key for r in three))
    tail = (
        Row("results_total", "（七）总计", short="办理结果总计", group=_RESULTS, variants=("七合计", "总计")),
        Row("carried_out", "四、结转下年度继续办理", short="结转下年度",
            variants=("结转下年度继续办理", "结转下年度继续办理申请数量")),
    )
    return head + (three + (one,) if other_as_three else (one,)) + tail


def request_identities(other_as_three: bool) -> tuple[Identity, ...]:
    """T3-1 … T3-3 for 表三 (T3-1 is printed on the form; T3-2/T3-3 follow from its 总计 labels)."""
    rows = request_rows(other_as_three)
    outcomes = tuple(r.key for r in rows
                     if r.key not in ("new_received", "carried_in", "results_total", "carried_out")
                     and not r.instead_of)
    parts = tuple(c.key for c in REQUEST_COLUMNS if c.key != "total")
    return (
        Identity("T3-1", "requests", "rows", ("new_received", "carried_in"), ("results_total", "carried_out"),
                 printed=True),
        Identity("T3-2", "requests", "rows", ("results_total",), outcomes),
        Identity("T3-3", "requests", "columns", ("total",), parts),
    )


def requests_table(other_as_three: bool) -> Table:
    return Table(
        key="requests", number="三", title="收到和处理政府信息公开申请情况",
        rows=request_rows(other_as_three), columns=REQUEST_COLUMNS,
        identities=request_identities(other_as_three),
        groups=((APPLICANT_GROUP, APPLICANT_GROUP),),
    )


# ---------------------------------------------------------------- 表四 行政复议、行政诉讼情况

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", short="维持", variants=("维持",)),
    Column("corrected", "结果纠正", short="纠正", variants=("纠正",)),
    Column("other", "其他结果", short="其他结果", variants=("其他",)),
    Column("pending", "尚未审结", short="尚未审结", variants=("未审结",)),
    Column("total", "总计", short="总计", variants=("合计",)),
)

REVIEW_ROWS: tuple[Row, ...] = (
    Row("review", "行政复议", short="行政复议"),
    Row("litigation_direct", "未经复议直接起诉", short="行政诉讼·未经复议直接起诉", group="行政诉讼",
        variants=("直接起诉",)),
    Row("litigation_after_review", "复议后起诉", short="行政诉讼·复议后起诉", group="行政诉讼",
        variants=("经复议后起诉",)),
)

_REVIEW_PARTS = ("upheld", "corrected", "other", "pending")

REVIEW_TABLE = Table(
    key="review_litigation", number="四", title="政府信息公开行政复议、行政诉讼情况",
    rows=REVIEW_ROWS, columns=REVIEW_COLUMNS, layout="one_row",
    identities=tuple(
        Identity(f"T4-{i}", "review_litigation", "columns", ("total",), _REVIEW_PARTS, over=(row.key,))
        for i, row in enumerate(REVIEW_ROWS, start=1)
    ),
    groups=(("行政诉讼", "行政诉讼"),),
)
