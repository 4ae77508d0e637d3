"""Scans → blocks: the ruled grid found in the image, each cell read on its own; never a guessed number.

Optional (`pip install 'gongkai[ocr]'`): RapidOCR's PP-OCRv4 models, shipped inside the
rapidocr-onnxruntime wheel (nothing is downloaded), run here through their ONNX sessions directly,
one thread each, so that one page costs ~1 s on one core instead of the ~15 s of running
detection + classification + recognition over the whole page:

1. **Deskew**: the page's rotation (a scanned sheet is rarely straight) is the angle that makes
   the rows of ink sharpest in a horizontal projection; the page is turned back by it.
2. **Grid**: long horizontal and vertical strokes (morphology) become edges, and the same chain
   as vector PDFs (`ruling.find_cells` …) turns them into table grids.
3. **Cells**: every cell is cut out by the grid, its text lines found by projection, and all lines
   of the page are recognised in batches (recognition only: no detector, and no 180° classifier,
   which turns a lone `6` into a `9`). Labels and headers are read narrowed (`LABEL_SQUASH`), values
   as printed.
4. **Digit-aware values**: a cell whose reading is a number keeps it only when every character is
   read with high confidence. A doubtful one is re-read larger and through a digits-only decoding
   of the same network output; if the readings agree it is kept, else it is marked unreadable
   (`UNREADABLE_MARK` with its confidence): null + P-1, or a provisional value that the checks
   keep only when an identity confirms it (`check.settle_uncertain`).
5. **Text outside the tables** (title, date, narrative) is found by the detector on a reduced page
   with the tables blanked out, then recognised like the cells.

Recognised text goes through the same normalisation as any other text (`blocks_document`:
Traditional → Simplified, full-width digits).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, NamedTuple

from ..errors import InputError
from ..extract.values import parse_value
from .pdf import MARGIN, PAGE_NUMBER
from .document import UNREADABLE_MARK, Block
from .ruling import Box, Edge, EdgeIndex, close_open_ends, find_cells, group_tables, intersections, merge_edges, to_grid

DPI = 200
"""Scale PDF pages are rendered at for OCR: small digits in table cells need it."""
MIN_CONFIDENCE = 0.9
"""A value whose least sure character is read with less confidence than this is re-read."""
MIN_AGREEING = 0.5
MIN_MARGIN = 0.98
"""A doubtful value is still taken when the digits-only decoding gives the same text, each digit
beating every other digit by this margin, and the network gave it at least MIN_AGREEING."""
MAX_SKEW = 3.0
"""Degrees; a sheet turned further than this is not a slightly rotated scan."""
DET_WIDTH = 800
"""Pixels: the page width the text detector sees (body text stays ~13 px high; its cost ∝ area)."""
MAX_PAGES = 300
"""As for PDFs: no annual report has more pages."""
MAX_PIXELS = 60_000_000
"""A page image larger than this (e.g. a 600 dpi A0 poster) is refused rather than read for minutes."""
REC_HEIGHT = 48
"""Pixels: the height of the recogniser's input (fixed by the network); its cost grows with the width."""
LABEL_SQUASH = 0.65
"""Cell lines wider than SQUASH_FROM (labels, headers) are read narrowed to this share of their width:
CJK labels read the same (the network was trained on long lines squeezed into 320 px), at two
thirds of the cost. A narrowed line that reads as a number is read again unnarrowed, and only that
reading counts: digits squeezed together may merge (`11` → `1`), so no value is taken from one."""
SQUASH_FROM = 2.0
"""Width / height of a cell line's framed crop above which it is narrowed: a value of up to three
or so digits stays below it, and so is read once, as printed."""

_NUMBERISH = re.compile(r"^[\s\d,.，。+\-—/件条项个條項個万萬元oO]*$")
_VALUE_CHARS = "0123456789.,+-—/"
_DIGIT_GAP = re.compile(r"(?<=[\d.,])\s+(?=[\d.,])")
_progress: ContextVar[Callable[[int], None] | None] = ContextVar("ocr_progress", default=None)


def available() -> bool:
    """Whether an OCR engine is installed: `rapidocr` 3.x (preferred) or `rapidocr-onnxruntime`."""
    from importlib.util import find_spec

    return find_spec("rapidocr") is not None or find_spec("rapidocr_onnxruntime") is not None


def _require() -> None:
    if not available():
        raise InputError("这是扫描件或图片，需要 OCR 才能读取：请安装 pip install 'gongkai[ocr]'")


@contextmanager
def reporting(callback: Callable[[int], None]) -> Iterator[None]:
    """Call `callback(page_no)` after each page is recognised (the CLI's per-page progress)."""
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


class _Models(NamedTuple):
    det: Callable[[Any], Any]  # BGR image → text quadrilaterals (or None)
    rec: Any  # rapidocr's TextRecognizer: .session, .postprocess_op.character, .resize_norm_img
    chars: list[str]
    value_ids: Any  # numpy index array: blank + the characters a value cell may hold


@lru_cache(maxsize=1)
def _models() -> _Models:
    """The detector and recogniser, one thread each (ingest runs a process per core).

    rapidocr 3.x ships PP-OCRv6 small det/rec inside its wheel; its recogniser knows 18,708
    characters, Traditional ones included (PP-OCRv4's 6,623 lack e.g. 範 罰 繳, so a Traditional
    label lost characters and its row was not found). Only the shipped model files are used:
    a missing one is an error, never a download.
    """
    import numpy as np
    from importlib.util import find_spec

    if find_spec("rapidocr") is not None:
        from pathlib import Path

        import rapidocr
        from rapidocr import RapidOCR

        models = Path(rapidocr.__file__).parent / "models"
        det_path, rec_path = models / "PP-OCRv6_det_small.onnx", models / "PP-OCRv6_rec_small.onnx"
        if not det_path.is_file() or not rec_path.is_file():
            raise InputError("OCR 模型文件缺失：请重新安装 pip install 'gongkai[ocr]'")
        engine = RapidOCR(params={
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Det.model_path": str(det_path), "Rec.model_path": str(rec_path),
            # the detector sees bands of the page as they are (its default enlarges any band to 736 px)
            "Det.limit_type": "max", "Det.limit_side_len": 4000,
        })
        det, rec = engine._load_det_model(), engine._load_rec_model()

        def detect(image: Any) -> Any:
            return det(image).boxes

    else:
        from rapidocr_onnxruntime import RapidOCR as OldOCR

        engine = OldOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        det, rec = engine.text_det, engine.text_rec
        det.limit_type = "max"

        def detect(image: Any) -> Any:
            return det(image)[0]

    chars = list(rec.postprocess_op.character)
    index = {c: i for i, c in enumerate(chars)}
    value_ids = np.array([0] + [index[c] for c in _VALUE_CHARS if c in index])
    return _Models(detect, rec, chars, value_ids)


@lru_cache(maxsize=1)
def _cv2():  # type: ignore[no-untyped-def]
    """OpenCV with its own logging off: a damaged image is said once, in Chinese, by this reader
    (OpenCV would also print `[ERROR] … readHeader …` to stderr)."""
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    return cv2


# ------------------------------------------------------------------------------------ images

def decode_pages(data: bytes) -> Iterator[Any]:
    """Every page of an image file as a grayscale array, one at a time (TIFF may hold several:
    only one page is in memory at once)."""
    import io
    import warnings

    import numpy as np

    _check_size(data)
    count = 0
    try:
        # Pillow for every format: OpenCV's and libjpeg's own warnings about damaged files would
        # go straight to stderr beside this reader's one-line message
        from PIL import Image, ImageSequence

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data" and the like: judged below
            with Image.open(io.BytesIO(data)) as image:
                for frame in ImageSequence.Iterator(image):
                    count += 1
                    yield np.asarray(frame.convert("L"))
    except (InputError, GeneratorExit):
        raise
    except Exception:  # noqa: BLE001 - any decoder failure is a damaged file, said in one line
        if count:
            raise InputError(f"图片第 {count + 1} 页无法解码（文件不完整或已损坏）") from None
    if not count:
        raise InputError("图片无法解码（文件已损坏或不是图片）")


def _check_size(data: bytes) -> None:
    """Refuse an image whose pixels would not fit in memory, from its header (before decoding it:
    a 100 KB PNG can claim 50,000 × 50,000 pixels)."""
    import io
    import warnings

    try:
        from PIL import Image, ImageSequence
    except ImportError:  # Pillow comes with rapidocr; without it OpenCV's own cap (2^30 pixels) applies
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                for n, frame in enumerate(ImageSequence.Iterator(image)):
                    w, h = frame.size
                    if w * h > MAX_PIXELS:
                        raise InputError(f"图片过大（{w}×{h} 像素），超过 {MAX_PIXELS // 1_000_000} 百万像素上限")
                    if n >= MAX_PAGES:
                        raise InputError(f"图片页数过多（超过 {MAX_PAGES} 页）")
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(f"图片过大，超过 {MAX_PIXELS // 1_000_000} 百万像素上限") from None
    except Exception:  # noqa: BLE001 - Pillow cannot parse it: OpenCV decides below
        return


def image_blocks(data: bytes) -> list[Block]:
    """Blocks of an image file (PNG, JPEG, TIFF with one or more pages, BMP), page after page."""
    _require()
    blocks: list[Block] = []
    for page_no, gray in enumerate(decode_pages(data), start=1):
        blocks.extend(page_blocks(gray, page_no))
    return blocks


def ocr_blocks(png: bytes, page_no: int = 1, scale: float = 72 / DPI) -> list[Block]:
    """Blocks of one page image: table cells (grid order) and text lines (reading order).

    `scale` converts pixels to PDF points for provenance boxes.
    """
    _require()
    return page_blocks(next(iter(decode_pages(png))), page_no, scale)


def gray_blocks(gray: Any, page_no: int = 1, scale: float = 72 / DPI) -> list[Block]:
    """Blocks of one page already rendered as a grayscale array (a scanned PDF page): no image
    file is encoded and decoded in between."""
    _require()
    return page_blocks(gray, page_no, scale)


# ------------------------------------------------------------------------------------ a page

class _Line(NamedTuple):
    """One text line cut from the page, and what it belongs to (a cell, or free text)."""

    owner: int  # index into the page's items
    x0: int
    y0: int
    x1: int
    y1: int
    clip: tuple[int, int, int, int] | None = None  # a cell's inside: the crop never reaches past it


def page_blocks(gray: Any, page_no: int = 1, scale: float = 72 / DPI) -> list[Block]:
    """Blocks of one grayscale page (see the module docstring for the steps)."""
    import numpy as np

    gray = deskew(gray)
    threshold = _ink_threshold(gray)
    grids = find_grids(gray)
    lines: list[_Line] = []
    cells: list[tuple[int, Box, int, int]] = []  # (grid, box, first line, end line)
    for gi, grid in enumerate(grids):
        for cell in grid.cells:
            first = len(lines)
            lines.extend(_cell_lines(gray, cell.box, threshold, len(cells)))
            cells.append((gi, cell.box, first, len(lines)))
    free = _free_lines(gray, grids, threshold)
    readings = _recognise_cells(gray, lines) + _recognise(gray, free)
    items: list[tuple[float, float, list[Block]]] = []
    for gi, grid in enumerate(grids):
        items.append((grid.box.y0, grid.box.x0, []))
    # cells, in grid order, each from its lines' readings
    for gi, box, first, end in cells:
        where = (page_no, *(v * scale for v in box))
        reading = [readings[i] for i in range(first, end)]
        items[gi][2].append(Block(_cell_text(gray, [lines[i] for i in range(first, end)], reading), True, where))
    height = gray.shape[0]
    for line, (text, _conf, _probs) in zip(free, readings[len(lines):]):
        in_margin = line.y1 < height * MARGIN or line.y0 > height * (1 - MARGIN)
        if in_margin and PAGE_NUMBER.match(text.strip()):
            continue  # a page number (`- 1 -`) would otherwise read as one more value of the row above it
        if text.strip():
            where = (page_no, *(v * scale for v in (line.x0, line.y0, line.x1, line.y1)))
            items.append((line.y0, line.x0, [Block(text, False, where)]))
    items.sort(key=lambda it: (it[0], it[1]))
    _ = np  # numpy is imported for the helpers' sake; keeps the import error in one place
    callback = _progress.get()
    if callback is not None:
        callback(page_no)
    return [b for _, _, bs in items for b in bs]


def _ink_threshold(gray: Any) -> float:
    """Gray level below which a pixel is ink (Otsu, capped so that blur halos are paper)."""
    cv2 = _cv2()

    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return min(float(level), 170.0)


def deskew(gray: Any) -> Any:
    """The page turned straight (see `skew`)."""
    cv2 = _cv2()

    angle = skew(gray)
    if abs(angle) < 0.04:  # under ~1 px over a table's width: leave the pixels as scanned
        return gray
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def skew(gray: Any) -> float:
    """Degrees to turn the page by: the angle that makes the row profile of the ink sharpest.

    The profile at each trial angle is a histogram of the ink pixels' rotated y (no image is
    turned until the angle is known): ~1 ms an angle.
    """
    import numpy as np

    ys, xs = np.nonzero(gray < 200)
    if ys.size < 50:
        return 0.0
    step = max(1, ys.size // 400_000)
    ys, xs = ys[::step], xs[::step]
    # weighted by darkness: a blurred rule's grey edge pixels place it between pixel rows, so a
    # slightly turned thin rule is not mistaken for a straight one by its staircase of pixels
    weight = 255.0 - gray[ys, xs]
    # a fixed sub-pixel jitter per column: at exactly 0° every pixel would fall whole into one bin,
    # a spike that outscores the true small angle
    jitter = (xs * 0.6180339887) % 1.0
    ys, xs = ys.astype(np.float64) + jitter, xs.astype(np.float64)
    span = int(np.hypot(*gray.shape)) + 2

    def sharpness(angle: float, bin_px: float, every: int) -> float:
        a = np.radians(angle)
        y, x, wt = ys[::every], xs[::every], weight[::every]
        pos = (np.cos(a) * y - np.sin(a) * x + span) / bin_px
        low = pos.astype(np.int64)
        frac = pos - low
        # each pixel shared between its two nearest bins: the profile changes smoothly with the
        # angle (whole-pixel binning is flat for small angles, and ties favour no angle)
        size = int(low.max()) + 2
        rows = np.bincount(low, wt * (1 - frac), size) + np.bincount(low + 1, wt * frac, size)
        return float((rows ** 2).sum())

    # coarse to fine; at each step the bins are as wide as a line drifts across the page within
    # half a step, or a rule's sharp peak falls between the trial angles and is missed. The coarse
    # step (25 of the 47 trials, bins several pixels wide) needs only every 4th ink pixel: a rule
    # still holds hundreds of them, and the finer steps see them all again
    best = 0.0
    for lo, hi, step, every in ((-MAX_SKEW, MAX_SKEW, 0.25, 4), (-0.25, 0.25, 0.05, 1), (-0.05, 0.05, 0.01, 1)):
        bin_px = max(1.0, np.tan(np.radians(step / 2)) * gray.shape[1])
        best = max(np.arange(best + lo, best + hi + 1e-9, step),
                   key=lambda t: (sharpness(t, bin_px, every), -abs(t)))
    return float(best)


def image_edges(gray: Any) -> list[Edge]:
    """Ruling lines drawn in an image, as edges in pixels."""
    cv2 = _cv2()

    h, w = gray.shape
    ink = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    edges: list[Edge] = []
    for orient, kernel in (("h", (max(20, w // 20), 1)), ("v", (1, max(20, h // 60)))):
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, cw, ch = cv2.boundingRect(contour)
            if orient == "h":
                edges.append(Edge("h", y + ch / 2, float(x), float(x + cw)))
            else:
                edges.append(Edge("v", x + cw / 2, float(y), float(y + ch)))
    return edges


def find_grids(gray: Any) -> list[Any]:
    """The ruled tables of a (straight) page, as `ruling.Grid`s in pixels."""
    snap = max(4.0, gray.shape[1] / 275)  # ~6 px at 200 dpi: the vector tolerance, scaled
    edges = close_open_ends(merge_edges(image_edges(gray), snap=snap, join=snap * 1.4), snap=snap)
    if len(edges) < 4:
        return []
    cells = find_cells(intersections(edges, tol=snap), EdgeIndex.of(edges))
    # one row of "cells" is the strokes of a large title's glyphs, not a table
    return [g for g in (to_grid(t) for t in group_tables(cells)) if len(g.ys) >= 3 and len(g.xs) >= 3]


def _cell_lines(gray: Any, box: Box, threshold: float, owner: int) -> list[_Line]:
    """The text lines inside one cell (rows of ink between blank rows), its rules trimmed off."""
    import numpy as np

    x0, y0, x1, y1 = (int(round(v)) for v in box)
    crop = gray[max(0, y0):y1, max(0, x0):x1] < threshold
    if crop.size == 0:
        return []
    # cut off the cell's own ruling lines: a nearly all-ink row or column near a side (the grid's
    # line positions can be a few pixels off the drawn rules), then their blurred halo
    h, w = crop.shape
    rows, cols = crop.mean(axis=1), crop.mean(axis=0)
    band_y, band_x = max(8, h // 5), max(8, min(w // 5, 24))
    top = max((i + 1 for i in range(min(band_y, h)) if rows[i] > 0.7), default=0)
    bottom = min((i for i in range(max(0, h - band_y), h) if rows[i] > 0.7), default=h)
    left = max((i + 1 for i in range(min(band_x, w)) if cols[i] > 0.7), default=0)
    right = min((i for i in range(max(0, w - band_x), w) if cols[i] > 0.7), default=w)
    limit = 4
    start = top
    while top < min(start + limit, bottom) and crop[top, left:right].mean() > 0.35 or top < start + 2:
        top += 1
    end = bottom
    while bottom > max(top, end - limit) and crop[bottom - 1, left:right].mean() > 0.35 or bottom > end - 2:
        bottom -= 1
    start = left
    while left < min(start + limit, right) and crop[top:bottom, left].mean() > 0.35 or left < start + 2:
        left += 1
    end = right
    while right > max(left, end - limit) and crop[top:bottom, right - 1].mean() > 0.35 or right > end - 2:
        right -= 1
    if bottom - top < 4 or right - left < 4:
        return []
    inside = crop[top:bottom, left:right].copy()
    # what is left of a rule: a thin run of ink touching the cell's side (a centred `1` does not)
    for axis in (0, 1):
        profile = inside.any(axis=axis)
        edge = max(3, profile.size // 40)
        for side in (slice(0, edge + 3), slice(max(0, profile.size - edge - 3), profile.size)):
            run = np.flatnonzero(profile[side])
            if run.size and run.size <= edge and (side.start == 0 and run[0] == 0
                                                 or side.start > 0 and run[-1] == profile[side].size - 1):
                if axis == 0:
                    inside[:, side] = False
                else:
                    inside[side, :] = False
    if inside.sum() < 6:
        return []
    rows = inside.sum(axis=1)
    out: list[_Line] = []
    ys = np.flatnonzero(rows > 0)
    runs: list[list[int]] = []
    for y in ys:
        if runs and y - runs[-1][1] <= 2:
            runs[-1][1] = int(y)
        else:
            runs.append([int(y), int(y)])
    for a, b in runs:
        if b - a < 3:  # a speck or a stray dot above/below text, not a line of text
            continue
        cols = np.flatnonzero(inside[a:b + 1].any(axis=0))
        if cols.size == 0:
            continue
        oy, ox = max(0, y0) + top, max(0, x0) + left
        out.append(_Line(owner, ox + int(cols[0]), oy + a, ox + int(cols[-1]) + 1, oy + b + 1,
                         (ox, oy, ox + inside.shape[1], oy + inside.shape[0])))
    return out


def _free_lines(gray: Any, grids: list[Any], threshold: float) -> list[_Line]:
    """Text outside the tables, found by the detector on a reduced copy with the tables blanked out."""
    cv2 = _cv2()
    import numpy as np

    page = gray.copy()
    for grid in grids:
        x0, y0, x1, y1 = (int(round(v)) for v in grid.box)
        page[max(0, y0 - 3):y1 + 4, max(0, x0 - 3):x1 + 4] = 255
    ink_rows = np.flatnonzero((page < threshold).sum(axis=1) >= 2)
    if ink_rows.size < 3:
        return []
    h, w = page.shape
    f = min(1.0, DET_WIDTH / w)
    gap = max(30, h // 25)  # blank rows that end a band (well over a line spacing)
    bands: list[list[int]] = []
    for y in ink_rows:
        if bands and y - bands[-1][1] <= gap:
            bands[-1][1] = int(y)
        else:
            bands.append([int(y), int(y)])
    out: list[_Line] = []
    for a, b in bands:
        # the detector's cost grows with the area it sees: only the bands that hold ink
        top, bottom = max(0, a - 12), min(h, b + 13)
        if bottom - top < 8:
            continue
        band = page[top:bottom]
        small = cv2.resize(band, (max(1, int(w * f)), max(1, int((bottom - top) * f))), interpolation=cv2.INTER_AREA) \
            if f < 1 else band
        small = cv2.copyMakeBorder(small, 16, 16, 0, 0, cv2.BORDER_CONSTANT, value=255)
        boxes = _models().det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
        for quad in boxes if boxes is not None else []:
            q = np.asarray(quad, dtype=np.float64)
            q[:, 1] -= 16
            q /= f
            x0, y0 = max(0, int(q[:, 0].min())), max(0, top + int(q[:, 1].min()))
            x1, y1 = min(w, int(np.ceil(q[:, 0].max()))), min(h, top + int(np.ceil(q[:, 1].max())))
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                out.append(_Line(-1, x0, y0, x1, y1))
    out.sort(key=lambda ln: (ln.y0, ln.x0))
    return out


# ------------------------------------------------------------------------------ recognition

def _crop(gray: Any, line: _Line, wide: bool = False) -> Any:
    """A line's image (grayscale) with a margin of paper around it, as the recogniser was trained on.

    `wide`: the second look at a doubtful value: more paper around it, contrast stretched, so
    that the network sees the digits at another scale and position.
    """
    cv2 = _cv2()

    h = line.y1 - line.y0
    pad_y, pad_x = max(2, int(h * 0.25)), max(3, int(h * 0.4))
    x0, y0, x1, y1 = line.x0 - pad_x, line.y0 - pad_y, line.x1 + pad_x, line.y1 + pad_y
    cx0, cy0, cx1, cy1 = line.clip or (0, 0, gray.shape[1], gray.shape[0])
    crop = gray[max(y0, cy0, 0):min(y1, cy1), max(x0, cx0, 0):min(x1, cx1)]
    # paper where the margin would cross the cell's rules: a neighbour's digit is never read
    crop = cv2.copyMakeBorder(crop, max(0, max(cy0, 0) - y0), max(0, y1 - cy1), max(0, max(cx0, 0) - x0),
                              max(0, x1 - cx1), cv2.BORDER_CONSTANT, value=255)
    if wide:
        crop = cv2.normalize(crop, None, 0, 255, cv2.NORM_MINMAX)
        return cv2.copyMakeBorder(crop, h // 4, h // 4, h // 2, h // 2, cv2.BORDER_CONSTANT, value=255)
    return cv2.copyMakeBorder(crop, 0, 0, 4, 4, cv2.BORDER_CONSTANT, value=255)


def _recognise(gray: Any, lines: list[_Line], wide: bool = False) -> list[tuple[str, float, Any]]:
    """(text, least character confidence, network output) for every line, in batches."""
    if not lines:
        return []
    crops = [_crop(gray, line, wide) for line in lines]
    return _read_crops(crops, [c.shape[1] / c.shape[0] for c in crops])


def _recognise_cells(gray: Any, lines: list[_Line]) -> list[tuple[str, float, Any]]:
    """`_recognise` for the lines of table cells, at about two thirds of the cost.

    The recogniser's cost grows with the width of what it reads. A cell line whose crop is wider
    than SQUASH_FROM (a label, a header) is read narrowed (`LABEL_SQUASH`); one that then reads as
    a number, or as nothing, is read again as printed, and only that reading counts.
    """
    import numpy as np

    if not lines:
        return []
    crops = [_crop(gray, line) for line in lines]
    ratios = np.array([c.shape[1] / c.shape[0] for c in crops])
    wide = ratios > SQUASH_FROM
    out = _read_crops(crops, np.where(wide, ratios * LABEL_SQUASH, ratios))
    again = [i for i in np.flatnonzero(wide) if _NUMBERISH.match(out[i][0])]
    if again:
        for i, reading in zip(again, _read_crops([crops[i] for i in again], ratios[again])):
            out[i] = reading
    return out


def _read_crops(crops: list[Any], ratios: list[float]) -> list[tuple[str, float, Any]]:
    """Recognise grayscale crops, each resized to REC_HEIGHT × its entry in `ratios`, in batches."""
    import numpy as np

    models = _models()
    ratios = np.asarray(ratios, dtype=np.float64)
    order = np.argsort(ratios, kind="stable")
    out: list[tuple[str, float, Any]] = [("", 0.0, None)] * len(crops)
    start = 0
    while start < len(order):
        # batches of similar widths: padding to the widest one is what costs
        end = start + 1
        while end < len(order) and end - start < 16 and ratios[order[end]] <= ratios[order[start]] * 1.15 + 0.3:
            end += 1
        batch = order[start:end]
        widest = float(max(ratios[i] for i in batch))  # no padding to 320 px: short values cost little
        tensor = _batch_tensor([crops[i] for i in batch], [float(ratios[i]) for i in batch], widest)
        preds = models.rec.session(tensor)
        preds = preds[0] if isinstance(preds, (list, tuple)) else preds
        for k, i in enumerate(batch):
            steps = max(1, int(round(preds.shape[1] * ratios[i] / widest)) + 1)
            probs = preds[k, :steps]
            text, conf = _greedy(probs, models.chars)
            out[i] = (text, conf, probs)
        start = end
    return out


def _batch_tensor(crops: list[Any], ratios: list[float], widest: float) -> Any:
    """The recogniser's input for grayscale crops: each resized to REC_HEIGHT × its ratio, scaled
    to [-1, 1] and padded with zeros to the widest one (as rapidocr's `resize_norm_img` does, but
    one channel is resized instead of three, and a crop may be narrowed)."""
    import math

    import numpy as np

    cv2 = _cv2()
    width = int(REC_HEIGHT * widest)
    tensor = np.zeros((len(crops), 3, REC_HEIGHT, width), dtype=np.float32)
    for k, (crop, ratio) in enumerate(zip(crops, ratios)):
        w = max(1, min(width, int(math.ceil(REC_HEIGHT * ratio))))
        resized = cv2.resize(crop, (w, REC_HEIGHT)).astype(np.float32)
        tensor[k, :, :, :w] = resized * np.float32(2 / 255) - np.float32(1)
    return tensor


def _greedy(probs: Any, chars: list[str], allowed: Any = None) -> tuple[str, float]:
    """CTC greedy decoding: (text, its least sure character's score; 1.0 if none).

    Unrestricted, the score is the character's probability. Restricted to `allowed` (the digits
    pass), it is how clearly the best allowed character beats the next allowed one,
    p1 / (p1 + p2): a `0` the network half-takes for a letter `O` is still clearly no `8`.
    """
    import numpy as np

    if allowed is not None:
        sub = probs[:, allowed]
        top2 = np.sort(sub[:, 1:], axis=1)[:, -2:]  # best two non-blank allowed characters
        best = allowed[sub.argmax(axis=1)]
        conf = top2[:, 1] / np.maximum(top2[:, 0] + top2[:, 1], 1e-9)
    else:
        best = probs.argmax(axis=1)
        conf = probs.max(axis=1)
    text: list[str] = []
    least = 1.0
    previous = -1
    for t, idx in enumerate(best):
        idx = int(idx)
        if idx != previous and idx != 0 and idx < len(chars):
            text.append(chars[idx])
            least = min(least, float(conf[t]))
        previous = idx
    return "".join(text).strip(), least


def _cell_text(gray: Any, lines: list[_Line], readings: list[tuple[str, float, Any]]) -> str:
    """A cell's text; a value read unsurely becomes `UNREADABLE_MARK` + `confidence:reading`."""
    if not lines:
        return ""
    text = "".join(t for t, _, _ in readings)
    if not _NUMBERISH.match(text) or len(lines) > 1 and any(_NUMBERISH.match(t) is None for t, _, _ in readings):
        return text  # a label or header: the extractor matches it against the form's labels
    # one cell holds one number: a gap the network saw between its digits is no separator
    text = _DIGIT_GAP.sub("", text)
    conf = min(c for _, c, _ in readings)
    if conf >= MIN_CONFIDENCE and _is_value(text):
        return text
    # doubtful: the digits-only decoding of the same output must agree and be clear-cut
    models = _models()
    digit_reads = [_greedy(p, models.chars, models.value_ids) for _, _, p in readings]
    digits = "".join(t for t, _ in digit_reads)
    margin = min(m for _, m in digit_reads)
    if digits == text and _is_value(digits) and conf >= MIN_AGREEING and margin >= MIN_MARGIN:
        return digits
    # else read again from a differently framed crop; both readings must agree
    again = _recognise(gray, lines, wide=True)
    text2 = _DIGIT_GAP.sub("", "".join(t for t, _, _ in again))
    conf2 = min(c for _, c, _ in again)
    if text2 == digits and _is_value(text2) and max(conf, conf2) >= MIN_CONFIDENCE:
        return text2
    options = [(c, t) for c, t in ((conf2, text2), (conf, text), (min(conf, conf2), digits)) if _is_value(t)]
    best_conf, best = max(options) if options else (min(conf, conf2), digits or text)
    return f"{UNREADABLE_MARK}{best_conf:.2f}:{best}"


def _is_value(text: str) -> bool:
    """A reading that is a number (or a printed blank mark), not letters that look like digits."""
    if not text or re.search(r"[oO。，]", text):
        return False
    return parse_value(text.replace(" ", "")) is not None

