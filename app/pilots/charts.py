"""Server-side SVG charts for KPIs: baseline and target lines, actuals with points. No JS needed."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape
from ..templating import kpi_unit

W, H = 560, 220
PAD_L, PAD_R, PAD_T, PAD_B = 56, 16, 16, 34


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.2f}"


def kpi_chart(kpi, start: date | None, end: date | None, title: str, labels: dict, chart_id: str) -> Markup:
    """An accessible <svg> (role=img, <title>, <desc>) for one KPI."""
    points = [(m.measured_on, m.value) for m in kpi.measurements]
    values = [kpi.baseline] + ([kpi.target] if kpi.target is not None else []) + [v for _, v in points]
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    margin = (hi - lo) * 0.08
    lo, hi = lo - margin, hi + margin
    days = [d for d, _ in points] + [d for d in (start, end) if d]
    d0 = min(days) if days else date.today()
    d1 = max(days) if days else d0
    span = max((d1 - d0).days, 1)
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x(d: date) -> float:
        return PAD_L + (d - d0).days / span * plot_w

    def y(v: float) -> float:
        return PAD_T + (hi - v) / (hi - lo) * plot_h

    unit = kpi_unit(kpi.unit)
    desc_parts = [f"{labels['baseline']}: {_fmt(kpi.baseline)} {unit}"]
    if kpi.target is not None:
        desc_parts.append(f"{labels['target']}: {_fmt(kpi.target)} {unit}")
    desc_parts += [f"{d.isoformat()}: {_fmt(v)} {unit}" for d, v in points]
    out = [
        f'<svg class="kpi-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape("; ".join(desc_parts))}</desc>',
        f'<rect class="plot" x="{PAD_L}" y="{PAD_T}" width="{plot_w}" height="{plot_h}"/>',
    ]
    for v in (lo + margin, hi - margin):
        out.append(f'<text class="axis" x="{PAD_L - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{escape(_fmt(v))}</text>')
    out.append(f'<text class="axis" x="{PAD_L}" y="{H - 10}">{d0.isoformat()}</text>')
    out.append(f'<text class="axis" x="{W - PAD_R}" y="{H - 10}" text-anchor="end">{d1.isoformat()}</text>')
    yb = y(kpi.baseline)
    out.append(f'<line class="baseline" x1="{PAD_L}" y1="{yb:.1f}" x2="{W - PAD_R}" y2="{yb:.1f}"/>')
    out.append(
        f'<text class="line-label baseline-label" x="{W - PAD_R - 4}" y="{yb - 4:.1f}" '
        f'text-anchor="end">{escape(labels["baseline"])}</text>'
    )
    if kpi.target is not None:
        yt = y(kpi.target)
        out.append(f'<line class="target" x1="{PAD_L}" y1="{yt:.1f}" x2="{W - PAD_R}" y2="{yt:.1f}"/>')
        out.append(
            f'<text class="line-label target-label" x="{W - PAD_R - 4}" y="{yt - 4:.1f}" '
            f'text-anchor="end">{escape(labels["target"])}</text>'
        )
    if points:
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        out.append(f'<polyline class="actual" points="{coords}"/>')
        for d, v in points:
            out.append(
                f'<circle class="point" cx="{x(d):.1f}" cy="{y(v):.1f}" r="4">'
                f"<title>{d.isoformat()}: {escape(_fmt(v))} {escape(unit)}</title></circle>"
            )
    out.append("</svg>")
    return Markup("".join(out))


def lineage_svg(tree: dict, title: str, status_labels: dict) -> Markup:
    """A left-to-right tree: one box per pilot (municipality + outcome), edges origin → replication."""
    rows: list[tuple[int, dict]] = []

    def walk(node, depth):
        rows.append((depth, node))
        for child in node["children"]:
            walk(child, depth + 1)

    walk(tree, 0)
    box_w, box_h, gap_x, gap_y = 200, 44, 40, 14
    width = 20 + (max(d for d, _ in rows) + 1) * (box_w + gap_x)
    height = 20 + len(rows) * (box_h + gap_y)
    pos = {}
    out = [
        f'<svg class="lineage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="lineage-t"><title id="lineage-t">{escape(title)}</title>'
    ]
    for i, (depth, node) in enumerate(rows):
        pos[node["id"]] = (10 + depth * (box_w + gap_x), 10 + i * (box_h + gap_y))
    for depth, node in rows:
        x0, y0 = pos[node["id"]]
        for child in node["children"]:
            x1, y1 = pos[child["id"]]
            out.append(f'<path class="edge" d="M{x0 + 16},{y0 + box_h} V{y1 + box_h / 2} H{x1}"/>')
    for depth, node in rows:
        x0, y0 = pos[node["id"]]
        status = node["status"]
        out.append(
            f'<g class="node status-{escape(status)}"><rect x="{x0}" y="{y0}" width="{box_w}" '
            f'height="{box_h}" rx="6"/>'
            f'<text x="{x0 + 8}" y="{y0 + 18}" class="node-title">{escape(node["municipality"][:16])}</text>'
            f'<text x="{x0 + 8}" y="{y0 + 36}" class="node-meta">'
            f"{escape(str(status_labels.get(status, status)))}</text></g>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def change_chart(title: str, bars: list[tuple[str, float]], chart_id: str) -> Markup:
    """Horizontal bars of the % change per town (positive = improvement, to the right of zero).
    The value is written beside each bar, so colour is never the only signal; <desc> lists them all."""
    if not bars:
        return Markup("")
    label_w, value_w, row_h = 200, 64, 28
    plot_w = W - label_w - value_w
    span = max(abs(v) for _, v in bars) or 1.0
    lo = -span if any(v < 0 for _, v in bars) else 0.0
    zero = label_w + (0 - lo) / (span - lo) * plot_w
    height = PAD_T + row_h * len(bars) + 8
    desc = "; ".join(f"{name}: {value:+.1f}%" for name, value in bars)
    out = [
        f'<svg class="change-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for i, (name, value) in enumerate(bars):
        y = PAD_T + i * row_h
        end = label_w + (value - lo) / (span - lo) * plot_w
        x, width = min(zero, end), max(abs(end - zero), 1)
        kind = "up" if value > 0 else ("down" if value < 0 else "flat")
        out.append(
            f'<text class="bar-name" x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(name[:24])}</text>'
            f'<rect class="bar bar-{kind}" x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="{row_h - 10}"/>'
            f'<text class="bar-value" x="{W - value_w + 6}" y="{y + 17}">{value:+.1f}%</text>'
        )
    out.append(f'<line class="zero" x1="{zero:.1f}" x2="{zero:.1f}" y1="{PAD_T}" y2="{height - 8}"/></svg>')
    return Markup("".join(out))
