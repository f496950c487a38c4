/**
 * A bar chart as server-rendered SVG: no script, readable in any in-app browser,
 * with a title and a table of the same figures for screen readers and for copying.
 */
export function BarChart(props: { title: string; bars: [string, number][]; unit: string }) {
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
                {label.slice(8, 10)}/{label.slice(5, 7)}
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
