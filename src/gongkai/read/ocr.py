"""Scans → blocks: OCR text boxes placed into the ruled table grid drawn in the image.

Optional (`pip install 'gongkai[ocr]'`): RapidOCR (PP-OCR models shipped inside the
rapidocr-onnxruntime wheel; nothing is downloaded) reads text boxes with a confidence. The
table's ruling lines are found in the image itself (OpenCV morphology keeps long horizontal and
vertical strokes), turned into edges and run through the same chain as vector PDFs
(`ruling.find_cells` …). Each box goes to the cell under its centre. A number read with low
confidence is not guessed: its cell is marked unreadable, which leaves it null with a P-1.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import InputError
from .document import UNREADABLE_MARK, Block
from ..extract.values import parse_value
from .ruling import Edge, EdgeIndex, close_open_ends, find_cells, group_tables, intersections, merge_edges, to_grid

DPI = 200
"""Scale PDF pages are rendered at for OCR: small digits in table cells need it."""
MIN_CONFIDENCE = 0.85
"""A cell value read with less confidence than this is reported, not used."""
_NUMBERISH = re.compile(r"^[\s\d,.，。+\-—/件条项个oO]*$")


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine():  # type: ignore[no-untyped-def]
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _require() -> None:
    if not available():
        raise InputError("这是扫描件或图片，需要 OCR 才能读取：请安装 pip install 'gongkai[ocr]'")


def image_edges(png: bytes) -> tuple[list[Edge], int, int]:
    """Ruling lines drawn in an image, as edges in pixels (and the image's width and height)."""
    import cv2
    import numpy as np

    gray = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise InputError("图片无法解码（文件已损坏或不是图片）")
    h, w = gray.shape
    ink = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    edges: list[Edge] = []
    for orient, kernel in (("h", (max(20, w // 30), 1)), ("v", (1, max(20, h // 60)))):
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, cw, ch = cv2.boundingRect(contour)
            if orient == "h":
                edges.append(Edge("h", y + ch / 2, float(x), float(x + cw)))
            else:
                edges.append(Edge("v", x + cw / 2, float(y), float(y + ch)))
    return edges, w, h


def ocr_blocks(png: bytes, page_no: int = 1, scale: float = 72 / DPI) -> list[Block]:
    """Blocks of one page image: table cells (grid order) and text lines (reading order).

    `scale` converts pixels to PDF points for provenance boxes.
    """
    _require()
    result, _ = _engine()(png)
    boxes = [(min(p[0] for p in quad), min(p[1] for p in quad), max(p[0] for p in quad), max(p[1] for p in quad),
              text, float(conf)) for quad, text, conf in (result or [])]
    if not boxes:
        return []
    edges, _, _ = image_edges(png)
    snap = 6.0  # pixels at DPI: the vector tolerance, scaled
    edges = close_open_ends(merge_edges(edges, snap=snap, join=8.0), snap=snap)
    grids = []
    if len(edges) >= 4:
        cells = find_cells(intersections(edges, tol=snap), EdgeIndex.of(edges))
        grids = [to_grid(t) for t in group_tables(cells)]
    image = None
    placed: dict[tuple[int, int], list[tuple]] = {}
    free: list[tuple] = []
    for box in boxes:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        for gi, g in enumerate(grids):
            cell = g.locate(cx, cy) if g.box.x0 <= cx <= g.box.x1 and g.box.y0 <= cy <= g.box.y1 else None
            if cell is not None:
                placed.setdefault((gi, id(cell)), []).append(box)
                break
        else:
            free.append(box)
    items: list[tuple[float, list[Block]]] = []
    for gi, g in enumerate(grids):
        blocks = []
        for cell in g.cells:
            inside = sorted(placed.get((gi, id(cell)), []), key=lambda b: (round(b[1] / 12), b[0]))
            text = "".join(b[4] for b in inside)
            conf = min((b[5] for b in inside), default=0.0)
            if (not inside or conf < MIN_CONFIDENCE) and _NUMBERISH.match(text):
                # the detector misses lone digits and reads them poorly in context: read the cell alone
                if image is None:
                    image = _decode(png)
                text, conf = _read_cell(image, cell.box)
            where = (page_no, *(v * scale for v in cell.box))
            numberish = bool(_NUMBERISH.match(text or "0"))
            if numberish and (conf < MIN_CONFIDENCE or (text and parse_value(text.replace(" ", "")) is None)):
                # a value cell read unsurely, or read as something that is no number ("。" for 0)
                blocks.append(Block(f"{UNREADABLE_MARK}{conf:.2f}:{text}", True, where))
            else:
                blocks.append(Block(text, True, where))
        items.append((g.box.y0, blocks))
    for box in free:
        items.append((box[1], [Block(box[4], False, (page_no, *(v * scale for v in box[:4])))]))
    items.sort(key=lambda it: it[0])
    return [b for _, bs in items for b in bs]


def _decode(png: bytes):  # type: ignore[no-untyped-def]
    import cv2
    import numpy as np

    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)


def _read_cell(image, box) -> tuple[str, float]:  # type: ignore[no-untyped-def]
    """Recognition alone on one cell's inside (its ruling lines cut off)."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    inset = 4
    crop = image[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    if crop.size == 0 or crop.min() > 200:  # nothing printed in it
        return "", 1.0
    result, _ = _engine()(crop, use_det=False, use_cls=False, use_rec=True)
    if not result:
        return "", 0.0
    text, conf = result[0]
    return text.strip(), float(conf)


def pdf_page_png(page) -> bytes:  # type: ignore[no-untyped-def]
    """A PDF page rendered for OCR."""
    return page.get_pixmap(dpi=DPI).tobytes("png")
