import type { DailyUnits } from '../../api/types.ts';
import { formatDate, plural } from '../../format.ts';
import { layoutChart } from './chart.ts';

const WIDTH = 720;
const HEIGHT = 160;
const LEFT = 36;
const BOTTOM = 22;
const TOP = 8;

/** Serialized units shipped per day, as SVG bars; each bar has its date and count as a tooltip. */
export function DailyChart({ days }: { days: DailyUnits[] }) {
  const chart = layoutChart(days, { width: WIDTH - LEFT, height: HEIGHT, maxLabels: 6 });
  const summary =
    days.length === 0
      ? 'No days to show.'
      : `${plural(chart.total, 'serialized unit')} shipped over ${plural(days.length, 'day')}, from ${days[0].date} to ${days[days.length - 1].date}` +
        (chart.peak && chart.peak.units > 0 ? `; busiest day ${chart.peak.date} with ${chart.peak.units}.` : '.');
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + TOP + BOTTOM}`}
        role="img"
        aria-labelledby="chart-title chart-desc"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="chart-title">Serialized units shipped per day</title>
        <desc id="chart-desc">{summary}</desc>
        <g transform={`translate(${LEFT} ${TOP})`}>
          {chart.ticks.map((t) => (
            <g key={t.value}>
              <line className="grid" x1={0} x2={WIDTH - LEFT} y1={t.y} y2={t.y} />
              <text className="axis" x={-6} y={t.y + 4} textAnchor="end">
                {t.value}
              </text>
            </g>
          ))}
          {chart.bars.map((b) => (
            <rect key={b.date} className="bar" x={b.x} y={b.y} width={Math.max(b.width, 0.5)} height={b.height}>
              <title>
                {formatDate(`${b.date}T12:00:00Z`)}: {plural(b.units, 'unit')}
              </title>
            </rect>
          ))}
          {chart.labels.map((l) => (
            <text key={l.date} className="axis" x={l.x} y={HEIGHT + 16} textAnchor="middle">
              {l.date.slice(5)}
            </text>
          ))}
        </g>
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
