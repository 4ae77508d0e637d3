"""Write a report as a government web page: site chrome around the article, official tables."""

from __future__ import annotations

from html import escape

from .document import Document, outline, plain_cell
from .grid import CellFormatter, Grid


def _table(grid: Grid, spans: bool) -> str:
    rows = []
    for row in grid:
        cells = []
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            text = escape(c.text) if c.text else "&nbsp;"
            inner = f'<p style="text-align:center"><span style="font-size:14px">{text}</span></p>' if spans else text
            cells.append(f"<td{attrs}>{inner}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>' + "".join(rows) + "</tbody></table>"


def render_html(doc: Document, cell: CellFormatter = plain_cell, charset: str = "utf-8", spans: bool = True,
                layout_table: bool = False, site: str = "人民政府门户网站", published: str | None = None) -> str:
    """The report as a web page. `spans`: numbers inside `<p><span>`; `layout_table`: the article
    sits in a page-layout table, the way older CMS templates print it."""
    wrap = {"title": "<h1>{}</h1>", "dateline": '<div class="info">{}</div>', "heading": "<p><strong>{}</strong></p>",
            "text": "<p>&nbsp;&nbsp;{}</p>", "signature": '<p style="text-align:right">{}</p>'}
    body = [_table(item, spans) if kind == "table" else wrap[kind].format(escape(item))  # type: ignore[arg-type]
            for kind, item in outline(doc, cell)]
    article = "\n".join(body)
    if layout_table:
        article = f'<table width="100%"><tr><td class="content">{article}</td></tr></table>'
    metas = [f'<meta name="ArticleTitle" content="{escape(doc.title)}">',
             f'<meta name="ContentSource" content="{escape(doc.organization)}">']
    if published:
        metas.append(f'<meta name="PubDate" content="{published}">')
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{escape(doc.title)}_{escape(site)}</title>
{chr(10).join(metas)}
<script>var _hmt = _hmt || []; document.write("统计");</script>
<style>td {{ border: 1px solid #000; }}</style>
</head><body>
<div class="top-bar">无障碍浏览 | 长者模式 | 登录</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/xxgk">政府信息公开</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<div class="article">
{article}
</div>
<div class="share">分享到：微信 微博</div>
<div class="footer">主办单位：{escape(site)} 版权所有 网站标识码：4312250001 备案号：湘ICP备00000000号</div>
</body></html>
"""


_CSS = """body { font-family: "仿宋_GB2312", "FangSong", serif; max-width: 60em; margin: 2em auto; }
h1 { font-family: "宋体", "SimSun", serif; font-size: 22pt; text-align: center; }
h2 { font-family: "黑体", "SimHei", sans-serif; font-size: 16pt; font-weight: normal; }
table { border-collapse: collapse; width: 100%; font-family: "宋体", "SimSun", serif; font-size: 10.5pt; }
td { border: 1px solid #000; padding: 2px 4px; text-align: center; vertical-align: middle; }
td.note { text-align: left; font-size: 9pt; }"""


def render_tables_html(doc: Document, cell: CellFormatter = plain_cell) -> str:
    """A plain standalone page of the report's official tables (no site chrome): `gongkai render --format html`."""
    parts = []
    for kind, item in outline(doc, cell):
        if kind == "table":
            rows = []
            for row in item:  # type: ignore[union-attr]
                cells = []
                for c in row:
                    attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + \
                        (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + \
                        (' class="note"' if c.text.startswith("（本列") else "")
                    cells.append(f"<td{attrs}>{escape(c.text)}</td>")
                rows.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("<table>" + "".join(rows) + "</table>")
        else:
            tag = {"title": "h1", "heading": "h2"}.get(kind, "p")
            parts.append(f"<{tag}>{escape(item)}</{tag}>")  # type: ignore[arg-type]
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n<title>{escape(doc.title)}</title>\n'
            f"<style>\n{_CSS}\n</style></head><body>\n{body}\n</body></html>\n")
