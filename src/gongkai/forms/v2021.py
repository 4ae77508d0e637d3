"""The 2021 form: 《中华人民共和国政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号.

Used from the reports on 2021 on. Table 二 keeps only counts of documents and decisions and the fee
amount in 万元; table 三 splits （六）其他处理 into three rows (some reports still print one row:
that row is kept as `other` and flagged T3-5).
"""

from __future__ import annotations

from .model import Column, Form, Row, Table
from .shared import REVIEW_TABLE, requests_table

_B1, _B5, _B6, _B8 = (f"第二十条第（{n}）项" for n in ("一", "五", "六", "八"))
_DOCS = ("issued", "repealed", "in_force")

PROACTIVE = Table(
    key="proactive", number="二", title="主动公开政府信息情况",
    columns=(
        Column("issued", "本年制发件数", short="本年制发", variants=("制发件数", "本年新制发件数")),
        Column("repealed", "本年废止件数", short="本年废止", variants=("废止件数",)),
        Column("in_force", "现行有效件数", short="现行有效", variants=("有效件数",)),
        Column("decisions", "本年处理决定数量", short="处理决定数", variants=("处理决定数量",)),
        Column("amount_wan", "本年收费金额（单位：万元）", short="收费金额（万元）", kind="money", unit="万元",
               variants=("本年收费金额", "收费金额(万元)", "本年收费金额(万元)")),
    ),
    rows=(
        Row("rules", "规章", block=_B1, columns=_DOCS),
        Row("normative_docs", "行政规范性文件", block=_B1, columns=_DOCS, variants=("规范性文件",)),
        Row("licensing", "行政许可", block=_B5, columns=("decisions",)),
        Row("penalty", "行政处罚", block=_B6, columns=("decisions",)),
        Row("coercion", "行政强制", block=_B6, columns=("decisions",)),
        Row("fees", "行政事业性收费", block=_B8, columns=("amount_wan",)),
    ),
)

FORM = Form(
    key="v2021",
    name="中华人民共和国政府信息公开工作年度报告格式",
    instrument="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=None,
    tables=(PROACTIVE, requests_table(other_as_three=True), REVIEW_TABLE),
    signatures=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
                "申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用"),
)
