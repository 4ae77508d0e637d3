"""A PDF page as characters (boxes and baselines) and ruling edges, read with PDFium.

PDFium (via pypdfium2, Apache-2.0/BSD) gives each character its loose box (advance width by the
font's ascent and descent) and its origin on the baseline. Boxes tell columns apart; baselines
tell rows apart: a Latin digit font's glyph tops sit higher than a CJK label font's, so tops (or
box centres) put a value in the row above, while both sit on the same baseline.

Ruling lines come from the page's path objects (form XObjects included), each segment mapped
through its object's matrix to page space, then to the displayed page (rotation and crop box),
with the y axis pointing down as on screen.
"""

from __future__ import annotations

import ctypes
import re
import struct
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as C

from ..errors import InputError
from .ruling import MIN_EDGE, THIN, Edge

_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
MAX_PAGES = 300
"""A report has a handful of pages; past this the file is something else."""
MAX_CHARS = 200_000
"""Characters read from one page; a real page holds a few thousand."""
MAX_OBJECTS = 50_000
"""Page objects visited for ruling lines on one page (nested forms included)."""
MAX_FORM_DEPTH = 8
"""Form XObjects nested deeper than this draw no table."""


class Char(NamedTuple):
    """One printed character: loose box and baseline, in points, y growing downwards."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    base: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def mid(self) -> float:
        """A height inside the glyph measured from the baseline, the same for any font."""
        return self.base - 0.3 * (self.y1 - self.y0)


class Page(NamedTuple):
    number: int
    width: float
    height: float
    chars: list[Char]
    edges: list[Edge]
    has_images: bool


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, or InputError with a Chinese reason (cut short, broken, encrypted, empty, huge)."""
    if b"%%EOF" not in data[-4096:]:
        # a reader would "repair" a cut-off file and read what is left: half a report, silently
        raise InputError("PDF 文件不完整（缺少文件结尾，可能下载中断），无法可靠读取")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == C.FPDF_ERR_PASSWORD:
            raise InputError("PDF 文件已加密，需要密码才能读取") from None
        if not _PAGE_OBJECT.search(data):  # PDFium refuses a document without pages as malformed
            raise InputError("PDF 文件没有页面") from None
        raise InputError("PDF 文件已损坏或不完整，无法打开") from None
    except Exception:  # noqa: BLE001 - any other library failure is still a broken file
        raise InputError("PDF 文件已损坏或不完整，无法打开") from None
    count = len(doc)
    if count == 0:
        raise InputError("PDF 文件没有页面")
    if count > MAX_PAGES:
        raise InputError(f"PDF 有 {count} 页，超过 {MAX_PAGES} 页上限，不像是一份年度报告")
    return doc


class _View:
    """PDF user space → the displayed page: crop box origin, rotation, y downwards."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        left, bottom, right, top = page.get_bbox()
        self.l, self.b, self.r, self.t = left, bottom, right, top
        self.rot = page.get_rotation() % 360
        w, h = right - left, top - bottom
        self.width, self.height = (h, w) if self.rot in (90, 270) else (w, h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        rot = self.rot
        if rot == 0:
            return x - self.l, self.t - y
        if rot == 90:
            return y - self.b, x - self.l
        if rot == 180:
            return self.r - x, y - self.b
        return self.t - y, self.r - x

    def box(self, left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
        (ax, ay), (bx, by) = self.point(left, top), self.point(right, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


_SKIP = frozenset((0xA0, 0x3000, 0xFEFF, 0xFFFE, 0xFFFF, 0x200B))


def page_chars(textpage: pdfium.PdfTextPage, view: _View) -> list[Char]:
    """The page's visible characters (whitespace dropped: gaps between boxes say where spaces are)."""
    raw = textpage.raw
    n = min(C.FPDFText_CountChars(raw), MAX_CHARS)
    if n <= 0:
        return []
    units = (ctypes.c_ushort * (n + 1))()
    got = C.FPDFText_GetText(raw, 0, n, units)  # UTF-16 code units, one per character index
    codes = list(units[:n]) if got >= n else [C.FPDFText_GetUnicode(raw, i) for i in range(n)]
    rect = C.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    get_box, get_origin = C.FPDFText_GetLooseCharBox, C.FPDFText_GetCharOrigin
    rot0 = view.rot == 0
    left, top = view.l, view.t
    out: list[Char] = []
    index: list[int] = []
    append = out.append
    new = tuple.__new__
    pending_high = 0
    for i, u in enumerate(codes):
        if u <= 32 or u in _SKIP:
            pending_high = 0
            continue
        if 0xD800 <= u <= 0xDBFF:  # the first half of a character outside the BMP
            pending_high = u
            continue
        if 0xDC00 <= u <= 0xDFFF:
            if not pending_high:
                continue  # a lone half: no character at all
            u = 0x10000 + ((pending_high - 0xD800) << 10) + (u - 0xDC00)
        pending_high = 0
        if not get_box(raw, i, rect_ref) or not get_origin(raw, i, ox_ref, oy_ref):
            continue
        if rot0:
            x0, x1 = rect.left - left, rect.right - left
            y0, y1 = top - rect.top, top - rect.bottom
            base = top - oy.value
        else:
            x0, y0, x1, y1 = view.box(rect.left, rect.top, rect.right, rect.bottom)
            base = view.point(ox.value, oy.value)[1]
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 - y0 <= 0.01:
            continue
        append(new(Char, (x0, y0, x1, y1, chr(u), base)))
        index.append(i)
    return _fix_odd_boxes(raw, out, index, view)


def _fix_odd_boxes(raw, chars: list[Char], index: list[int], view: _View) -> list[Char]:  # type: ignore[no-untyped-def]
    """Rotated glyphs (a stub label set vertically) get a loose box the size of the font's whole
    em square turned on its side: there the tight box stands, its centre as the character's middle."""
    if not chars:
        return chars
    heights = sorted(c.y1 - c.y0 for c in chars)
    usual = heights[len(heights) // 2]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for k, ch in enumerate(chars):
        if ch.y1 - ch.y0 > 3 * usual or ch.x1 - ch.x0 > 3 * usual:
            if not C.FPDFText_GetCharBox(raw, index[k], ctypes.byref(left), ctypes.byref(right),
                                         ctypes.byref(bottom), ctypes.byref(top)):
                continue
            x0, y0, x1, y1 = view.box(left.value, top.value, right.value, bottom.value)
            if y1 - y0 <= 0.01:
                y0, y1 = y0 - 0.5 * usual, y1 + 0.5 * usual
            chars[k] = Char(x0, y0, x1, y1, ch.text, y1 - 0.2 * (y1 - y0))
    return chars


_MOVETO, _LINETO = C.FPDF_SEGMENT_MOVETO, C.FPDF_SEGMENT_LINETO
_RECORD = struct.Struct("=ffBBxx")
"""PDFium's CFX_Path::Point: x, y (float), type (uint8: line 0, Bézier 1, move 2), close flag (bool)."""


def _is_white(get_color, obj) -> bool:  # type: ignore[no-untyped-def]
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not get_color(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return False
    return min(r.value, g.value, b.value) > 229 or a.value == 0


def _matrix(obj) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    m = C.FS_MATRIX()
    if not C.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = inner
    A, B, Cc, D, E, F = outer
    return (a * A + b * Cc, a * B + b * D, c * A + d * Cc, c * B + d * D, e * A + f * Cc + E, e * B + f * D + F)


class _Walk:
    """Path objects → edges, counting the objects visited (a bound on hostile pages)."""

    def __init__(self, view: _View) -> None:
        self.view = view
        self.edges: list[Edge] = []
        self.visited = 0
        self.images = False
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.px, self.py = ctypes.c_float(), ctypes.c_float()
        self.px_ref, self.py_ref = ctypes.byref(self.px), ctypes.byref(self.py)
        self.l, self.b, self.r, self.t = (ctypes.c_float() for _ in range(4))
        self.bl, self.bb, self.br, self.bt = (ctypes.byref(v) for v in (self.l, self.b, self.r, self.t))

    def objects(self, parent, count: int, outer: tuple[float, ...] | None, depth: int) -> None:  # type: ignore[no-untyped-def]
        """Visit `count` objects of a page (`outer` None) or of a form XObject (`outer` its matrix)."""
        count = min(count, MAX_OBJECTS - self.visited)
        if count <= 0:
            return
        self.visited += count
        get = C.FPDFPage_GetObject if outer is None else C.FPDFFormObj_GetObject
        get_type = C.FPDFPageObj_GetType
        path_kind, image_kind, form_kind = C.FPDF_PAGEOBJ_PATH, C.FPDF_PAGEOBJ_IMAGE, C.FPDF_PAGEOBJ_FORM
        for i in range(count):
            obj = get(parent, i)
            kind = get_type(obj)
            if kind == path_kind:
                self.path(obj, outer)
            elif kind == image_kind:
                self.images = True
            elif kind == form_kind and depth < MAX_FORM_DEPTH:
                m = _matrix(obj)
                self.objects(obj, C.FPDFFormObj_CountObjects(obj), m if outer is None else _compose(m, outer),
                             depth + 1)

    def segments(self, obj, n: int) -> list[tuple[float, float, int, int]]:  # type: ignore[no-untyped-def]
        """Each segment's (x, y, type, closes) in the object's own space (closes: true or false).

        A table's rules often come as one path of ~1,400 segments, and three ctypes calls per
        segment cost more than the rest of the page. PDFium keeps a path's segments in one array of
        12-byte records (CFX_Path::Point: two floats, a type byte, a close flag), and a segment
        handle points into it: when the handles of the first and last segment are that far apart
        and the records read there agree with the API at both ends and in the middle, the array is
        read in one go. Otherwise (another PDFium build laid out differently) segment by segment.
        """
        get_seg, get_point = C.FPDFPath_GetPathSegment, C.FPDFPathSegment_GetPoint
        get_type, get_close = C.FPDFPathSegment_GetType, C.FPDFPathSegment_GetClose
        px, py = self.px, self.py
        first = ctypes.cast(get_seg(obj, 0), ctypes.c_void_p).value
        if first and ctypes.cast(get_seg(obj, n - 1), ctypes.c_void_p).value == first + _RECORD.size * (n - 1):
            records = list(_RECORD.iter_unpack(ctypes.string_at(first, _RECORD.size * n)))
            for k in {0, n // 2, n - 1}:
                seg = get_seg(obj, k)
                x, y, kind, close = records[k]
                if not (get_point(seg, self.px_ref, self.py_ref)
                        and (x, y, kind, bool(close)) == (px.value, py.value, get_type(seg), bool(get_close(seg)))):
                    break
            else:
                return records
        out = []
        for i in range(n):
            seg = get_seg(obj, i)
            if get_point(seg, self.px_ref, self.py_ref):
                out.append((px.value, py.value, get_type(seg), bool(get_close(seg))))
        return out

    def path(self, obj, outer: tuple[float, ...] | None) -> None:  # type: ignore[no-untyped-def]
        if not C.FPDFPath_GetDrawMode(obj, ctypes.byref(self.fill), ctypes.byref(self.stroke)):
            return
        stroked = bool(self.stroke.value) and not _is_white(C.FPDFPageObj_GetStrokeColor, obj)
        filled = bool(self.fill.value) and not _is_white(C.FPDFPageObj_GetFillColor, obj)
        if not stroked and not filled:
            return  # a clipping path, or white on white
        m = _matrix(obj)
        if outer is not None:
            m = _compose(m, outer)
        if outer is None and C.FPDFPageObj_GetBounds(obj, self.bl, self.bb, self.br, self.bt):
            # one thin bar or line (how Word and WPS draw each border): its bounds say it all
            x0, y0, x1, y1 = self.view.box(self.l.value, self.t.value, self.r.value, self.b.value)
            if x1 - x0 <= THIN and y1 - y0 >= MIN_EDGE:
                self.edges.append(Edge("v", (x0 + x1) / 2, y0, y1))
                return
            if y1 - y0 <= THIN and x1 - x0 >= MIN_EDGE:
                self.edges.append(Edge("h", (y0 + y1) / 2, x0, x1))
                return
            if (x1 - x0 < MIN_EDGE and y1 - y0 < MIN_EDGE) or (filled and not stroked):
                return  # a dot, or a filled area: no ruling line
        n = C.FPDFPath_CountSegments(obj)
        if n <= 0 or n > 10_000:
            return
        a, b, c, d, e, f = m
        view = self.view
        records = self.segments(obj, n)
        if view.rot == 0:
            left, top = view.l, view.t
            segs = [(kind, (a * x + c * y + e - left, top - (b * x + d * y + f)), close)
                    for x, y, kind, close in records]
        else:
            point = view.point
            segs = [(kind, point(a * x + c * y + e, b * x + d * y + f), close) for x, y, kind, close in records]
        subpaths: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        last = len(segs) - 1
        for k, (kind, p, close) in enumerate(segs):
            if kind != _LINETO or not current:  # a move, or a curve (no ruling line): start afresh
                if len(current) > 1:
                    subpaths.append(current)
                current = [p]
            else:
                current.append(p)
            # only the segment ending a subpath can close it
            if close and (k == last or segs[k + 1][0] == _MOVETO) and len(current) > 1:
                current.append(current[0])
        if len(current) > 1:
            subpaths.append(current)
        append, new = self.edges.append, tuple.__new__
        for sub in subpaths:
            if filled and not stroked:
                xs, ys = [p[0] for p in sub], [p[1] for p in sub]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                # a filled bar drawn as a line (Word's cell borders); filled areas are not edges
                if w <= THIN and h >= MIN_EDGE:
                    append(Edge("v", (min(xs) + max(xs)) / 2, min(ys), max(ys)))
                elif h <= THIN and w >= MIN_EDGE:
                    append(Edge("h", (min(ys) + max(ys)) / 2, min(xs), max(xs)))
                continue
            # each side of the subpath; `x1 if x1 < x0 else x0` is min(x0, x1), inlined (hot loop)
            x0, y0 = sub[0]
            for x1, y1 in sub[1:]:
                if abs(y0 - y1) <= 0.5 and abs(x0 - x1) >= MIN_EDGE:
                    append(new(Edge, ("h", (y0 + y1) / 2, x1 if x1 < x0 else x0, x1 if x1 > x0 else x0)))
                elif abs(x0 - x1) <= 0.5 and abs(y0 - y1) >= MIN_EDGE:
                    append(new(Edge, ("v", (x0 + x1) / 2, y1 if y1 < y0 else y0, y1 if y1 > y0 else y0)))
                x0, y0 = x1, y1

def read_page(doc: pdfium.PdfDocument, index: int) -> Page:
    """Characters and ruling edges of page `index` (0-based)."""
    try:
        page = doc[index]
        view = _View(page)
        textpage = page.get_textpage()
        chars = page_chars(textpage, view)
        walk = _Walk(view)
        raw = page.raw
        if chars:
            walk.objects(raw, C.FPDFPage_CountObjects(raw), None, 0)
        else:  # no text: only whether it holds an image (a scan) matters
            walk.images = any(C.FPDFPageObj_GetType(C.FPDFPage_GetObject(raw, i)) == C.FPDF_PAGEOBJ_IMAGE
                              for i in range(min(C.FPDFPage_CountObjects(raw), MAX_OBJECTS)))
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a library failure on a broken page
        raise InputError(f"PDF 第 {index + 1} 页已损坏，无法读取") from None
    return Page(index + 1, view.width, view.height, chars, walk.edges if chars else [], walk.images)


def _render_array(doc: pdfium.PdfDocument, index: int, dpi: float) -> Any:
    """Page `index` as PDFium's pixel array; a page PDFium cannot draw is an InputError."""
    try:
        return doc[index].render(scale=dpi / 72).to_numpy()
    except Exception:  # noqa: BLE001
        raise InputError(f"PDF 第 {index + 1} 页无法渲染") from None


def render_page_gray(doc: pdfium.PdfDocument, index: int, dpi: float) -> tuple[Any, float]:
    """Page `index` rendered at `dpi` as a grayscale array, and the points-per-pixel scale.

    The OCR reader takes this array as it is: encoding it to PNG and decoding it again cost
    ~0.6 s of CPU a page at 200 dpi, a fifth of the whole OCR time, for the same pixels.
    """
    array = _render_array(doc, index, dpi)
    cv2 = _opencv()
    if array.ndim == 3:
        array = cv2.cvtColor(array, cv2.COLOR_BGRA2GRAY if array.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    return array, 72 / dpi


def render_page_png(doc: pdfium.PdfDocument, index: int, dpi: float) -> tuple[bytes, float]:
    """Page `index` rendered at `dpi` as PNG bytes, and the points-per-pixel scale of the image."""
    array = _render_array(doc, index, dpi)
    cv2 = _opencv()
    if array.ndim == 3 and array.shape[2] == 4:
        array = cv2.cvtColor(array, cv2.COLOR_BGRA2BGR)
    ok, png = cv2.imencode(".png", array)
    if not ok:
        raise InputError(f"PDF 第 {index + 1} 页无法渲染")
    return png.tobytes(), 72 / dpi


def _opencv():  # type: ignore[no-untyped-def]
    """OpenCV, which only the page images for OCR need (it comes with the `ocr` extra)."""
    try:
        import cv2
    except ImportError:
        raise InputError("渲染 PDF 页面图像需要 OpenCV：请安装 pip install 'gongkai[ocr]'") from None
    return cv2
