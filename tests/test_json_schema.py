"""`gongkai schema --json-schema`: the parse document's JSON Schema, generated from the forms, holds
for every fixture's output and rejects documents that break the contract."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import gongkai
from gongkai.cli import app
from gongkai.forms import ALL_FORMS
from gongkai.forms.json_schema import parse_document_schema

ROOT = Path(__file__).resolve().parent.parent
READABLE = {".txt", ".pdf", ".html", ".htm", ".docx", ".xlsx"} | (
    {".doc", ".xls"} if shutil.which("soffice") or shutil.which("libreoffice") else set())
INPUTS = sorted(p for base in (ROOT / "tests" / "fixtures", ROOT / "examples") for p in base.rglob("*")
                if p.is_file() and p.suffix in READABLE)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    result = CliRunner().invoke(app, ["schema", "--json-schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == parse_document_schema() and schema["$schema"].endswith("/draft/2020-12/schema")
    return jsonschema.Draft202012Validator(schema)


def test_there_are_fixtures_of_every_kind():
    assert {p.suffix for p in INPUTS} >= {".txt", ".pdf"} and len(INPUTS) >= 25


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_output_is_valid(validator, path):
    doc = gongkai.parse_path(str(path)).to_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def test_table_keys_come_from_the_forms(validator):
    schema = validator.schema
    for form in ALL_FORMS.values():
        for table in form.tables:
            defined = schema["$defs"][f"{form.key}.{table.key}"]["properties"]
            assert list(defined) == [r.key for r in table.rows]
            for row in table.rows:
                assert list(defined[row.key]["properties"]) == list(table.row_columns(row))


@pytest.fixture(scope="module")
def good() -> dict:
    return gongkai.parse_path(str(ROOT / "examples" / "seed-huitong-2022.txt")).to_json()


def _errors(validator, doc) -> list[str]:
    return [e.message for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("break_it", [
    lambda d: d["tables"]["requests"]["granted"].update(unknown_column=1),  # a column no form has
    lambda d: d["tables"]["requests"].update(granted_total={"total": 1}),  # a row no form has
    lambda d: d["tables"].update(statistics={}),  # a table no form has
    lambda d: d["tables"]["proactive"]["licensing"].update(items_prev=3),  # a v2019 column in a v2021 report
    lambda d: d["tables"]["requests"]["granted"].update(total="2"),  # a number as text
    lambda d: d["report"].update(template="v2020"),
    lambda d: d["report"].update(year="2022"),
    lambda d: d["findings"].append({"rule": "T3-1", "severity": "fatal", "message": "…", "cells": []}),
    lambda d: d["findings"].append({"rule": "T3-1", "severity": "error", "message": "…", "cells": ["granted.total"]}),
    lambda d: d.pop("tables"),
    lambda d: d["narrative"].update(requests_recieved=2),
], ids=["column", "row", "table", "other-form", "text-value", "template", "year", "severity", "cell-path",
        "no-tables", "narrative-key"])
def test_contract_breaches_are_rejected(validator, good, break_it):
    doc = copy.deepcopy(good)
    assert _errors(validator, doc) == []
    break_it(doc)
    assert _errors(validator, doc)


def test_blank_cells_and_added_keys_are_allowed(validator, good):
    doc = copy.deepcopy(good)
    doc["tables"]["requests"]["granted"]["total"] = None  # a blank cell is null
    doc["review"] = {"corrections": {}}  # the web API adds keys at the top level
    doc["source"]["fetched"] = "2026-01-01"
    assert _errors(validator, doc) == []
