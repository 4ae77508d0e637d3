"""Derived metrics per report and per body-year, as SQL views over `cells`.

The row sets are taken from the form definitions by the key prefixes the output contract gives the
groups of 表三 (`deny_*` 不予公开, `unable_*` 无法提供, `noproc_*` 不予处理) and 表四
(`litigation_*` 行政诉讼), so a form change reaches the metrics without a second row list.
Only the 总计 column of 表三 and the 总计/纠正/尚未审结 columns of 表四 are used.

| metric | formula |
|---|---|
| substantive_rate 实质公开率 | (granted + partial) / results_total |
| denied_rate 不予公开率 | Σ deny_* / results_total |
| unable_rate 无法提供率 | Σ unable_* / results_total |
| not_processed_rate 不予处理率 | Σ noproc_* / results_total |
| review_correction_rate 复议纠错率 | review.corrected / (review.total − review.pending) |
| litigation_correction_rate 诉讼纠错率 | Σ litigation_*.corrected / (Σ litigation_*.total − Σ litigation_*.pending) |

A blank part counts as 0; a blank or zero denominator gives NULL (no rate, rather than 0).
"""

from __future__ import annotations

from ..forms import FORMS

# (column name, Chinese name, SQL over the sums below)
RATES: tuple[tuple[str, str, str], ...] = (
    ("substantive_rate", "实质公开率", "(coalesce(granted, 0) + coalesce(partial, 0)) / nullif(results_total, 0)"),
    ("denied_rate", "不予公开率", "coalesce(denied, 0) / nullif(results_total, 0)"),
    ("unable_rate", "无法提供率", "coalesce(unable, 0) / nullif(results_total, 0)"),
    ("not_processed_rate", "不予处理率", "coalesce(not_processed, 0) / nullif(results_total, 0)"),
    ("review_correction_rate", "复议纠错率",
     "coalesce(review_corrected, 0) / nullif(coalesce(review_total, 0) - coalesce(review_pending, 0), 0)"),
    ("litigation_correction_rate", "诉讼纠错率",
     "coalesce(litigation_corrected, 0) / nullif(coalesce(litigation_total, 0) - coalesce(litigation_pending, 0), 0)"),
)


def _rows(table: str, prefix: str) -> list[str]:
    keys = {row.key for form in FORMS.values() for row in form.table(table).rows if row.key.startswith(prefix)}
    return sorted(keys)


def _in(keys: list[str]) -> str:
    return "(" + ", ".join(f"'{k}'" for k in keys) + ")"


def _sum(table: str, rows: list[str], col: str) -> str:
    return f"sum(value) FILTER (WHERE tbl = '{table}' AND row IN {_in(rows)} AND col = '{col}')"


def views() -> list[str]:
    """CREATE VIEW statements: report_metrics (one row per current report) and body_year_metrics
    (one row per body and year, with the change from the year before)."""
    litigation = _rows("review_litigation", "litigation")
    sums = {
        "new_received": _sum("requests", ["new_received"], "total"),
        "results_total": _sum("requests", ["results_total"], "total"),
        "granted": _sum("requests", ["granted"], "total"),
        "partial": _sum("requests", ["partial"], "total"),
        "denied": _sum("requests", _rows("requests", "deny_"), "total"),
        "unable": _sum("requests", _rows("requests", "unable_"), "total"),
        "not_processed": _sum("requests", _rows("requests", "noproc_"), "total"),
        "review_corrected": _sum("review_litigation", ["review"], "corrected"),
        "review_total": _sum("review_litigation", ["review"], "total"),
        "review_pending": _sum("review_litigation", ["review"], "pending"),
        "litigation_corrected": _sum("review_litigation", litigation, "corrected"),
        "litigation_total": _sum("review_litigation", litigation, "total"),
        "litigation_pending": _sum("review_litigation", litigation, "pending"),
    }
    aggregates = ",\n  ".join(f"{expr} AS {name}" for name, expr in sums.items())
    rates = ",\n  ".join(f"{expr} AS {name}" for name, _, expr in RATES)
    report_metrics = f"""CREATE VIEW report_metrics AS
WITH s AS (SELECT sha256,
  {aggregates}
  FROM cells GROUP BY sha256)
SELECT r.sha256, r.body_id, r.year, r.template, s.new_received, s.results_total,
  {rates}
FROM current_reports r LEFT JOIN s USING (sha256)"""
    # one report stands for a body-year: the first ingested (later ones are flagged X-4 if they differ)
    rate_changes = ",\n  ".join(
        f"m.{name} - p.{name} AS {name}_change" for name, _, _ in RATES)
    body_year = f"""CREATE VIEW body_year_metrics AS
WITH ranked AS (
  SELECT m.*, row_number() OVER (PARTITION BY m.body_id, m.year ORDER BY s.seq) AS n
  FROM report_metrics m JOIN sources s USING (sha256) WHERE m.body_id IS NOT NULL AND m.year IS NOT NULL),
 ref AS (SELECT * EXCLUDE (n) FROM ranked WHERE n = 1)
SELECT m.*,
  (m.new_received - p.new_received) / nullif(p.new_received, 0) AS new_received_change,
  {rate_changes}
FROM ref m LEFT JOIN ref p ON p.body_id = m.body_id AND p.year = m.year - 1"""
    return [report_metrics, body_year]
