import type { Data, Layout, PlotMouseEvent } from "plotly.js";
import { moduleSlot, useModule } from "../lib/modules";
import { ErrorNotice } from "./ErrorNotice";

/** Plotly is most of the code: its own chunk, loaded once, in parallel with the data. */
export const PLOTLY_CHART = moduleSlot(() => import("./PlotlyChart").then((m) => m.default));

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
  const { value: PlotlyChart, error } = useModule(PLOTLY_CHART);
  return (
    <div className="chart" data-testid="chart" role="figure" aria-label={props.label} style={{ minHeight: height }}>
      {PlotlyChart ? (
        <PlotlyChart {...props} height={height} />
      ) : error ? (
        <ErrorNotice error={error} context="Could not load the charting code" />
      ) : (
        <div className="chart-placeholder" role="status" style={{ height }}>
          Loading chart…
        </div>
      )}
    </div>
  );
}
