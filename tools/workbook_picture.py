#!/usr/bin/env python3
"""Draw the README's pictures of the fill-in workbook: a v2021 template filled with a random valid
report, one cell typed wrong, evaluated and printed by LibreOffice (so the picture shows what a body
sees), then rasterised with pdftoppm.

    python tools/workbook_picture.py [OUT_DIR]   # default docs/img; needs soffice and pdftoppm
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from gongkai.forms import FORMS
from gongkai.render.document import Document
from gongkai.render.xlsx import CHECK_SHEET, empty_tables, input_cells, render_template
from gongkai.synth import random_tables


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    out.mkdir(parents=True, exist_ok=True)
    form = FORMS["v2021"]
    tables = random_tables(form, random.Random(4))
    tables["requests"]["granted"]["natural_person"] += 1  # the typing mistake the workbook catches
    book = openpyxl.load_workbook(io.BytesIO(render_template("v2021", 2025)))
    for path, (sheet, row, col) in input_cells(Document("v2021", "", 0, empty_tables(form))).items():
        t, r, c = path.split(".")
        book[sheet].cell(row + 1, col + 1).value = tables[t][r][c]
    book["表二"]["B1"] = "会同县人民政府"
    for name in [n for n in book.sheetnames if n not in (CHECK_SHEET, "表三")]:
        book[name].sheet_state = "hidden"  # print only 表三 and 核对
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "workbook.xlsx"
        book.save(src)
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "pdf", "--outdir", tmp, str(src)], check=True, capture_output=True)
        pdf, page = str(Path(tmp) / "workbook.pdf"), str(Path(tmp) / "page")
        # 表三 fits one landscape page; the 核对 sheet starts on the next one (its top: the verdicts)
        for number, name, height in ((1, "workbook-table3.png", 760), (2, "workbook-checks.png", 520)):
            subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", "-f", str(number), "-l", str(number),
                            "-x", "55", "-y", "55", "-W", "1210", "-H", str(height), pdf, page], check=True)
            Path(page + ".png").replace(out / name)
    print(f"wrote {out / 'workbook-table3.png'} and {out / 'workbook-checks.png'}")


if __name__ == "__main__":
    main()
