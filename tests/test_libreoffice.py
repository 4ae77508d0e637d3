"""Files LibreOffice made (checked in, so no LibreOffice is needed to run this): PDFs whose table
rows break across pages, and old binary .doc files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gongkai import parse_bytes

HERE = Path(__file__).parent / "fixtures" / "libreoffice"


@pytest.mark.parametrize("form", ["v2019", "v2021"])
def test_pdf_with_rows_split_across_pages(form):
    truth = json.loads((HERE / f"{form}.json").read_text(encoding="utf-8"))
    report = parse_bytes((HERE / f"{form}.pdf").read_bytes())
    out = report.to_json()
    assert out["tables"] == truth["tables"]
    assert {k: out["report"][k] for k in truth["report"]} == truth["report"]
    assert [f for f in report.findings if f.severity != "info"] == []
    # a label cut by the page break is whole again, and placed on the page it starts on
    labels = {p["row_label"] for p in out["provenance"]["cells"].values()}
    assert "2.没有现成信息需要另行制作" in labels


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("form", ["v2019", "v2021"])
def test_old_binary_doc_through_libreoffice(form):
    truth = json.loads((HERE / f"{form}.json").read_text(encoding="utf-8"))
    assert parse_bytes((HERE / f"{form}.doc").read_bytes()).to_json()["tables"] == truth["tables"]
