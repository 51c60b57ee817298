import type { Data } from "plotly.js";
import { lazy, Suspense } from "react";

// Plotly is most of the bundle: load it in its own chunk, in parallel with the data.
const PlotlyChart = lazy(() => import("./PlotlyChart"));

interface Props {
  traces: Data[];
  yTitle: string;
}

export function TimeSeriesChart({ traces, yTitle }: Props) {
  return (
    <div className="chart" data-testid="chart">
      <Suspense fallback={<div className="chart-placeholder" role="status">Loading chart…</div>}>
        <PlotlyChart traces={traces} yTitle={yTitle} />
      </Suspense>
    </div>
  );
}
