import { Table } from "./Table";

export interface Bar {
  /** Unique; shown under the first and last bars and in the table. */
  label: string;
  value: number;
}

/**
 * A small SVG bar chart (no chart library), with the same numbers as a
 * table behind "Show as a table" for screen readers and copying.
 */
export function BarChart({ title, valueLabel, bars }: { title: string; valueLabel: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = 600;
  const h = 160;
  const pad = 24;
  const bw = (w - pad) / Math.max(bars.length, 1);
  return (
    <figure className="stack" style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label={`${title}: ${bars.length} bar${bars.length === 1 ? "" : "s"}, at most ${max}`}>
        <line className="axis" x1={pad} y1={h} x2={w} y2={h} />
        <text x={0} y={10}>
          {max}
        </text>
        <text x={0} y={h}>
          0
        </text>
        {bars.map((b, i) => {
          const bh = (b.value / max) * (h - 10);
          return (
            <rect key={b.label} className="bar" x={pad + i * bw + 1} y={h - bh} width={Math.max(1, bw - 2)} height={bh}>
              <title>{`${b.label}: ${b.value}`}</title>
            </rect>
          );
        })}
        {bars.length > 0 && (
          <>
            <text x={pad} y={h + 14}>
              {bars[0]!.label}
            </text>
            <text x={w} y={h + 14} textAnchor="end">
              {bars[bars.length - 1]!.label}
            </text>
          </>
        )}
      </svg>
      <details>
        <summary>Show as a table</summary>
        <Table caption={title}>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">{valueLabel}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr key={b.label}>
                <td>{b.label}</td>
                <td>{b.value}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </details>
    </figure>
  );
}
