/**
 * A bar chart as server-rendered SVG: no script, readable in any in-app browser,
 * with a title and a table of the same figures for screen readers and for copying.
 */
export function BarChart(props: {
  title: string;
  bars: [string, number][];
  unit: string;
  /** The label under a bar, when the full one is too long. */
  short?: (label: string) => string;
}) {
  const { bars } = props;
  const max = Math.max(1, ...bars.map(([, n]) => n));
  const width = Math.max(240, bars.length * 36);
  const height = 140;
  return (
    <figure>
      <svg
        class="bars"
        role="img"
        aria-label={props.title}
        viewBox={`0 0 ${width} ${height + 30}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <title>{props.title}</title>
        {bars.map(([label, n], i) => {
          const h = Math.round((n / max) * height);
          const x = i * 36 + 6;
          return (
            <g>
              <rect x={x} y={height - h} width="26" height={h} />
              <text x={x + 13} y={height - h - 3} text-anchor="middle">
                {n}
              </text>
              <text x={x + 13} y={height + 14} text-anchor="middle">
                {props.short ? props.short(label) : label}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{props.title}</summary>
        <table>
          <tbody>
            {bars.map(([label, n]) => (
              <tr>
                <th scope="row">{label}</th>
                <td>
                  {n} {props.unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/**
 * Horizontal bars for ranked units (names are long): each unit's name on its own line,
 * then a bar as wide as its value out of `max`, and the value in words. Drawn 360 units
 * wide, so that a phone shows it at its natural size.
 */
export function RankBars(props: {
  title: string;
  rows: { label: string; value: number; text: string }[];
  max: number;
}) {
  const rowHeight = 36;
  const width = 360;
  const barWidth = 280;
  const height = props.rows.length * rowHeight + 4;
  return (
    <svg
      class="rank-bars"
      role="img"
      aria-label={props.title}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      <title>{props.title}</title>
      {props.rows.map((row, i) => {
        const y = i * rowHeight + 2;
        const w = Math.round((Math.max(0, row.value) / Math.max(1, props.max)) * barWidth);
        return (
          <g>
            <text x={0} y={y + 13}>
              {row.label.length > 48 ? `${row.label.slice(0, 47)}…` : row.label}
            </text>
            <rect x={0} y={y + 18} width={w} height={12} />
            <text x={w + 6} y={y + 29}>
              {row.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
