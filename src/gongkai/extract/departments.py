"""Name stems of the usual departments of a local people's government (for telling which
department a report is from when the page only names the government that hosts it)."""

DEPARTMENT_STEMS: tuple[str, ...] = (
    "发展和改革", "教育", "科学技术", "工业和信息化", "民族宗教", "公安", "民政", "司法", "财政",
    "人力资源和社会保障", "自然资源", "生态环境", "住房和城乡建设", "交通运输", "水利", "农业农村",
    "商务", "文化和旅游", "文化体育广电和旅游", "卫生健康", "退役军人事务", "应急管理", "审计",
    "市场监督管理", "统计", "医疗保障", "林业", "城市管理", "体育", "信访", "行政审批", "数据",
    "粮食和物资储备", "国有资产监督管理", "乡村振兴", "人民防空", "档案", "地方志", "税务", "气象",
)
