"""Numbers and sums as a reviewer reads them in a message."""

from __future__ import annotations


def fmt(v: float | int | None) -> str:
    """`12`, `3351.29`, or `空` for a blank cell."""
    if v is None:
        return "空"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.6f}".rstrip("0").rstrip(".")


def join_terms(terms: list[tuple[str, float | int | None]], total: float | int) -> str:
    """`本年新收 2 + 上年结转 0 = 2`; long sums show only their non-zero terms."""
    if len(terms) == 1:
        return fmt(terms[0][1])
    shown = terms if len(terms) <= 6 else [t for t in terms if t[1]]
    body = " + ".join(f"{name} {fmt(v)}" for name, v in shown) or "各项均为 0"
    suffix = "（其余为 0 或空）" if len(shown) < len(terms) else ""
    return f"{body} = {fmt(total)}{suffix}"
