import type { Data, Layout, PlotMouseEvent } from "plotly.js";
import { lazy, Suspense } from "react";

// Plotly is most of the bundle: load it in its own chunk, in parallel with the data.
const PlotlyChart = lazy(() => import("./PlotlyChart"));

export interface ChartProps {
  data: Data[];
  /** Merged over the house layout (PlotlyChart.tsx); axes given here replace the defaults. */
  layout?: Partial<Layout>;
  /** Pixel height; the width follows the container. */
  height?: number;
  /** File name (without extension) of Plotly's own "download as PNG" button. */
  filename: string;
  /** Called with the clicked point (correlation heatmap → pair). */
  onClick?: (event: PlotMouseEvent) => void;
  /** What the chart shows, for screen readers; the tables next to it hold the numbers. */
  label: string;
}

export function Chart(props: ChartProps) {
  const height = props.height ?? 440;
  return (
    <div className="chart" data-testid="chart" role="figure" aria-label={props.label} style={{ minHeight: height }}>
      <Suspense
        fallback={
          <div className="chart-placeholder" role="status" style={{ height }}>
            Loading chart…
          </div>
        }
      >
        <PlotlyChart {...props} height={height} />
      </Suspense>
    </div>
  );
}
