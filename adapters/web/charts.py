"""Charts drawn on the server as SVG: grouped bars per week, with the same figures as a table
for screen readers and for anyone who would rather read numbers."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from bot.desks import Week

# Okabe-Ito colours, dark enough against white (3:1 or more for graphics) and told apart by
# most kinds of colour blindness; each series also has its own label in the legend and table.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
WIDTH, HEIGHT = 640, 260
LEFT, BOTTOM, TOP, RIGHT = 40, 40, 16, 8


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    series: tuple[Series, ...]
    weeks: tuple[Week, ...]

    @property
    def total(self) -> int:
        return sum(w.counts.get(s.key, 0) for w in self.weeks for s in self.series)

    def svg(self) -> Markup:
        peak = max([w.counts.get(s.key, 0) for w in self.weeks for s in self.series] + [1])
        plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        slot = plot_w / max(1, len(self.weeks))
        bar = max(1.0, (slot - 6) / max(1, len(self.series)))
        parts = [
            f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{self.id}-t" data-bars="{self.total}">',
            f'<title id="{self.id}-t">{escape(self.title)} (the table below has the figures)</title>',
            *self._axis(peak, plot_h),
        ]
        for i, week in enumerate(self.weeks):
            x0 = LEFT + i * slot + 3
            for j, series in enumerate(self.series):
                value = week.counts.get(series.key, 0)
                if not value:
                    continue
                h = plot_h * value / peak
                parts.append(
                    f'<rect class="bar" x="{x0 + j * bar:.1f}" y="{TOP + plot_h - h:.1f}" '
                    f'width="{bar:.1f}" height="{h:.1f}" fill="{COLOURS[j % len(COLOURS)]}">'
                    f"<title>{escape(series.label)}, week of {week.start:%d %b}: {value}</title>"
                    "</rect>"
                )
            if i % max(1, len(self.weeks) // 6) == 0:
                parts.append(
                    f'<text x="{x0:.1f}" y="{HEIGHT - BOTTOM + 16}" class="tick">'
                    f"{week.start:%d %b}</text>"
                )
        parts.append("</svg>")
        return Markup("".join(parts))

    @staticmethod
    def _axis(peak: int, plot_h: float) -> list[str]:
        lines = []
        for step in (0, 0.5, 1) if peak >= 4 else (0, 1):
            y = TOP + plot_h - plot_h * step
            lines.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                f'<text x="{LEFT - 4}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
                f"{round(peak * step)}</text>"
            )
        return lines

    def colour(self, index: int) -> str:
        return COLOURS[index % len(COLOURS)]
