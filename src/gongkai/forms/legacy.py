"""The statistics table (附表) of reports before 2019: 指标名称 | 计量单位 | 本年 | 历年累计.

From 2008 to 2018 there was no national table form; many reports nevertheless printed the
statistics table the 2009 guidance suggested, one indicator per row with its unit, this year's
figure and the figure accumulated since 2008. It is read into the `legacy` table of the output
(keys in docs/output-legacy.md). A report prints the rows it keeps, in its own order and wording,
so only printed rows are output: a row it does not print is absent, not null.
"""

from __future__ import annotations

from .model import Column, Form, Row, Table

TABLE = Table(
    key="legacy", number="附", title="政府信息公开情况统计表",
    columns=(
        Column("this_year", "本年", short="本年", variants=("本年数", "本年度", "本年度数", "本年数量", "数量", "统计数")),
        Column("cumulative", "历年累计", short="历年累计", variants=("累计", "累计数", "历年累计数", "累计数量")),
    ),
    rows=(
        Row("proactive", "主动公开政府信息数", short="主动公开信息数",
            variants=("主动公开政府信息", "主动公开信息数", "主动公开信息", "主动公开政府信息条数")),
        Row("proactive_full_text", "主动公开全文电子化率", short="全文电子化率", variants=("全文电子化率",)),
        Row("proactive_normative", "主动公开规范性文件数", short="主动公开规范性文件数",
            variants=("其中:主动公开规范性文件数", "其中主动公开规范性文件数", "规范性文件数")),
        Row("requests", "收到申请数", short="收到申请数",
            variants=("依申请公开信息数", "收到政府信息公开申请数", "受理申请数", "申请总数", "收到申请总数")),
        Row("requests_in_person", "当面申请数", short="当面申请数", variants=("当面申请",)),
        Row("requests_fax", "传真申请数", short="传真申请数", variants=("传真申请",)),
        Row("requests_online", "网络申请数", short="网络申请数", variants=("网上申请数", "网络申请", "电子邮件申请数")),
        Row("requests_letter", "信函申请数", short="信函申请数", variants=("信函申请",)),
        Row("requests_closed", "申请办结数", short="申请办结数", variants=("已办结数", "办结数")),
        Row("replies", "申请答复数", short="申请答复数", variants=("答复数", "已答复数")),
        Row("replies_already_public", "属于已主动公开范围数", short="已主动公开",
            variants=("属于已主动公开范围", "属已主动公开范围数")),
        Row("replies_granted", "同意公开答复数", short="同意公开", variants=("同意公开数", "同意公开")),
        Row("replies_partial", "同意部分公开答复数", short="同意部分公开", variants=("同意部分公开数", "部分公开数")),
        Row("replies_denied", "不同意公开答复数", short="不同意公开", variants=("不同意公开数", "不予公开数")),
        Row("replies_not_ours", "不属于本行政机关公开数", short="非本机关公开",
            variants=("不属于本行政机关公开", "不属于本机关公开数")),
        Row("replies_not_exist", "申请信息不存在数", short="信息不存在", variants=("申请信息不存在", "信息不存在数")),
        Row("replies_redirect", "告知通过其他途径办理数", short="告知其他途径",
            variants=("告知通过其他途径办理", "告知其他途径办理数")),
        Row("replies_amend", "告知作出更改补充数", short="告知更改补充", variants=("告知作出更改补充", "告知更改补充数")),
        Row("review", "行政复议数量", short="行政复议数", variants=("行政复议数", "行政复议案件数", "申请行政复议数")),
        Row("litigation", "行政诉讼数量", short="行政诉讼数", variants=("行政诉讼数", "行政诉讼案件数", "提起行政诉讼数")),
        Row("complaints", "举报投诉数量", short="举报投诉数", variants=("举报投诉数", "申诉数量", "投诉数量")),
        Row("fees", "依申请公开信息收取的费用", short="收取费用",
            variants=("依申请公开信息收取的费用数", "收取费用", "收费金额")),
        Row("staff", "从事政府信息公开工作人员数", short="工作人员数", variants=("工作人员数",)),
        Row("meetings", "召开政府信息公开工作会议或专题会议数", short="会议数",
            variants=("召开政府信息公开工作会议数", "召开会议数")),
        Row("trainings", "举办各类培训班数", short="培训班数", variants=("举办培训班数", "培训班数")),
        Row("trainees", "接受培训人员数", short="培训人数", variants=("接受培训人数", "培训人次")),
    ),
)

FORM = Form(
    key="legacy",
    name="政府信息公开情况统计表（2019 年以前，各地自定）",
    instrument="国务院办公厅 2008 年以来的年度报告要求（无全国统一表格）",
    first_year=2008,
    last_year=2018,
    tables=(TABLE,),
    signatures=("指标名称", "计量单位", "历年累计"),
)
