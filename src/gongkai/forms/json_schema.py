"""JSON Schema (draft 2020-12) of the parse document (docs/output.md), generated from the forms.

Programs that consume `gongkai parse --json` (and the web API's report documents, which add keys)
validate against this instead of a hand-kept description: every table, row and column key, and
the label it stands for, comes from the form definitions here, the narrative keys from
forms/narrative.py, the quality dimensions from quality.py. The contract allows added keys at the
top level and in `source`, `report` and provenance entries, never unknown table, row or column keys.
"""

from __future__ import annotations

from typing import Any, get_args

from ..model import Severity
from . import ALL_FORMS, Form, Table
from .narrative import NARRATIVE_FIGURES

SCHEMA_ID = "https://gongkai.invalid/schema/parse-document.json"  # a name, not a place: nothing is fetched

_NUMBER_OR_NULL = {"type": ["number", "null"]}


def _value(table: Table, column_key: str) -> dict[str, Any]:
    column = table.column(column_key)
    kind = {"count": "件数（不小于 0 的整数；印错的负数或小数照印出输出，由 T3-4 指出）",
            "signed": "增减数（可为负）", "money": f"金额（{column.unit}）"}[column.kind]
    return {**_NUMBER_OR_NULL, "description": f"{column.label}：{kind}；印为空白、/、-、—、无 为 null"}


def _table(table: Table) -> dict[str, Any]:
    """One table of one form: its rows, each with the columns it has; nothing else."""
    rows = {}
    for row in table.rows:
        rows[row.key] = {
            "type": "object", "description": row.label + (f"（代替 {'、'.join(row.instead_of)} 印为一行）"
                                                         if row.instead_of else ""),
            "properties": {c: _value(table, c) for c in table.row_columns(row)},
            "additionalProperties": False,
        }
    return {"type": "object", "title": f"表{table.number} {table.title}", "properties": rows,
            "additionalProperties": False}


def _form_key(form: Form, table: Table) -> str:
    return f"{form.key}.{table.key}"


def _cell_path_pattern() -> str:
    tables = sorted({t.key for f in ALL_FORMS.values() for t in f.tables})
    return rf"^({'|'.join(tables)})\.[a-z0-9_]+\.[a-z0-9_]+$"


def _tables(defs: dict[str, Any]) -> dict[str, Any]:
    """`tables`: each table key any form has, matching that table of some form. Which form's is
    tied to `report.template` in the top-level `allOf`."""
    by_table: dict[str, list[str]] = {}
    for form in ALL_FORMS.values():
        for table in form.tables:
            defs[_form_key(form, table)] = _table(table)
            by_table.setdefault(table.key, []).append(_form_key(form, table))
    return {
        "type": "object",
        "description": "三张法定统计表（2019 年以前的报告可有附表 legacy）；报告没有表格时为 {}",
        "properties": {t: {"anyOf": [{"$ref": f"#/$defs/{k}"} for k in keys]} for t, keys in by_table.items()},
        "additionalProperties": False,
    }


def _template_rules() -> list[dict[str, Any]]:
    """A report on a form has that form's tables (and no table of another)."""
    rules = []
    for form in ALL_FORMS.values():
        rules.append({
            "if": {"properties": {"report": {"properties": {"template": {"const": form.key}}, "required": ["template"]}},
                   "required": ["report"]},
            "then": {"properties": {"tables": {
                "properties": {t.key: {"$ref": f"#/$defs/{_form_key(form, t)}"} for t in form.tables},
                "additionalProperties": False}}},
        })
    return rules


def _quality() -> dict[str, Any]:
    from ..quality import DIMENSIONS

    dimension = {"type": "object", "required": ["score", "findings"], "properties": {
        "score": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
        "note": {"type": "string", "description": "score 为 null 时说明为何无法判断"},
        "findings": {"type": "array", "items": {
            "type": "object", "required": ["rule", "severity", "deduction"], "properties": {
                "rule": {"type": "string"}, "severity": {"enum": list(get_args(Severity))},
                "deduction": {"type": "number", "minimum": 0}}}}}}
    props: dict[str, Any] = {k: {**dimension, "description": name} for k, name in DIMENSIONS.items()}
    props["overall"] = {"type": ["integer", "null"], "minimum": 0, "maximum": 100, "description": "综合"}
    return {"type": "object", "properties": props, "additionalProperties": False}


def _narrative() -> dict[str, Any]:
    props: dict[str, Any] = {f.key: {"type": "number", "description": f.name} for f in NARRATIVE_FIGURES}
    props["proactive_breakdown"] = {"type": "object", "additionalProperties": {"type": "number"},
                                    "description": "主动公开信息「其中……」的分类：印刷名 → 条数"}
    return {"type": "object", "description": "正文说出的本单位数字", "properties": props,
            "additionalProperties": False}


def _provenance() -> dict[str, Any]:
    line = {"type": ["integer", "null"], "minimum": 1}
    cell = {"type": "object", "properties": {
        "printed": {"type": "string"}, "line": line, "row_label": {"type": "string"}, "row_line": line,
        "column_label": {"type": "string"}, "ocr_confidence": {"type": "number"},
        "page": {"type": "integer"}, "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        "table": {"type": "integer"}, "row": {"type": "integer"}, "col": {"type": "integer"}, "sheet": {"type": "string"}}}
    statement = {"type": "object", "required": ["value", "line", "text", "scope"], "properties": {
        "value": {"type": "number"}, "line": line, "text": {"type": "string"},
        "scope": {"enum": ["own", "unmarked", "region", "part", "uncertain"]}, "approximate": {"type": "boolean"}}}
    return {"type": "object", "properties": {
        "report": {"type": "object", "additionalProperties": {"type": "string"}},
        "cells": {"type": "object", "propertyNames": {"pattern": _cell_path_pattern()}, "additionalProperties": cell},
        "narrative": {"type": "object", "propertyNames": {"enum": [f.key for f in NARRATIVE_FIGURES]},
                      "additionalProperties": statement},
        "narrative_other": {"type": "array", "items": {**statement, "required": [*statement["required"], "key"],
                                                        "properties": {**statement["properties"],
                                                                       "key": {"type": "string"}}}},
        "sections": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"heading": {"type": "string"}, "line": line}}},
    }}


def parse_document_schema() -> dict[str, Any]:
    """The JSON Schema of one `gongkai parse --json` document."""
    defs: dict[str, Any] = {}
    tables = _tables(defs)
    templates = [*ALL_FORMS, "unknown"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "gongkai 读取结果（gongkai parse --json）",
        "description": "由表格定义生成（gongkai schema --json-schema）；约定见 docs/output.md",
        "type": "object",
        "required": ["source", "report", "tables", "findings"],
        "properties": {
            "source": {"type": "object", "required": ["path", "sha256", "format"], "properties": {
                "path": {"type": "string"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "format": {"type": "string"}, "encoding": {"type": "string"}, "url": {"type": "string"}}},
            "report": {"type": "object", "required": ["organization", "year", "template", "published"], "properties": {
                "organization": {"type": ["string", "null"]},
                "year": {"type": ["integer", "null"], "description": "报告年度（不是发布年份）"},
                "template": {"enum": templates},
                "published": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}}},
            "tables": tables,
            "narrative": _narrative(),
            "findings": {"type": "array", "items": {
                "type": "object", "required": ["rule", "severity", "message", "cells"], "properties": {
                    "rule": {"type": "string", "minLength": 1},
                    "severity": {"enum": list(get_args(Severity))},
                    "message": {"type": "string", "minLength": 1},
                    "cells": {"type": "array", "items": {"type": "string", "pattern": _cell_path_pattern()}}}}},
            "quality": _quality(),
            "provenance": _provenance(),
        },
        "allOf": _template_rules(),
        "$defs": defs,
    }
