"""The 2019 form: 《中华人民共和国政府信息公开工作年度报告格式（试行）》, 国办公开办函〔2019〕60号.

Used for the reports on 2019 and 2020. Table 二 is printed as stacked blocks, one per article item
of 条例 第二十条; table 三 prints （六）其他处理 as a single row.
"""

from __future__ import annotations

from .model import Column, Form, Row, Table
from .shared import REVIEW_TABLE, requests_table

_B1, _B5, _B6, _B8, _B9 = (f"第二十条第（{n}）项" for n in ("一", "五", "六", "八", "九"))
_MADE = ("new_made", "new_published", "total_published")
_ITEMS = ("items_prev", "items_delta", "decisions")

PROACTIVE = Table(
    key="proactive", number="二", title="主动公开政府信息情况",
    columns=(
        Column("new_made", "本年新制作数量", short="本年新制作", variants=("制作数量", "本年制作数量", "本年新")),
        Column("new_published", "本年新公开数量", short="本年新公开", variants=("公开数量", "本年公开数量", "本年新")),
        Column("total_published", "对外公开总数量", short="对外公开总数", variants=("公开总数量",)),
        Column("items_prev", "上一年项目数量", short="上一年项目数", variants=("上年项目数量",)),
        Column("items_delta", "本年增/减", short="本年增减", kind="signed", variants=("本年增减数量", "增/减")),
        Column("decisions", "处理决定数量", short="处理决定数", variants=("本年处理决定数量",)),
        Column("items", "采购项目数量", short="采购项目数", unit="项"),
        Column("amount_yuan", "采购总金额", short="采购总金额", kind="money", unit="元",
               variants=("采购总金额(元)", "采购总金额(万元)")),
    ),
    rows=(
        Row("rules", "规章", block=_B1, columns=_MADE),
        Row("normative_docs", "规范性文件", block=_B1, columns=_MADE, variants=("行政规范性文件",)),
        Row("licensing", "行政许可", block=_B5, columns=_ITEMS),
        Row("other_services", "其他对外管理服务事项", block=_B5, columns=_ITEMS),
        Row("penalty", "行政处罚", block=_B6, columns=_ITEMS),
        Row("coercion", "行政强制", block=_B6, columns=_ITEMS),
        Row("fees", "行政事业性收费", block=_B8, columns=("items_prev", "items_delta")),
        Row("procurement", "政府集中采购", block=_B9, columns=("items", "amount_yuan")),
    ),
)

FORM = Form(
    key="v2019",
    name="政府信息公开工作年度报告格式（试行）",
    instrument="国办公开办函〔2019〕60号",
    first_year=2019,
    last_year=2020,
    tables=(PROACTIVE, requests_table(other_as_three=False), REVIEW_TABLE),
    signatures=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                "第二十条第（九）项", "政府集中采购", "采购项目数量", "采购总金额", "制作数量"),
)
