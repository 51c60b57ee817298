import type { Config, Layout } from "plotly.js";
import createPlotlyComponent from "react-plotly.js/factory";
import type { ChartProps } from "./Chart";
import Plotly from "./plotlyBundle";

// The factory binds react-plotly.js to our partial bundle (plotlyBundle.ts) instead of
// the whole of plotly.js.
const Plot = createPlotlyComponent(Plotly);

const FONT = { family: "system-ui, -apple-system, 'Segoe UI', sans-serif", size: 12, color: "#1f2937" };

/** The house layout every chart starts from. */
export const BASE_LAYOUT: Partial<Layout> = {
  autosize: true,
  margin: { l: 64, r: 16, t: 8, b: 48 },
  hovermode: "x unified",
  paper_bgcolor: "rgba(0,0,0,0)",
  plot_bgcolor: "#ffffff",
  font: FONT,
  legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
  xaxis: { type: "date", gridcolor: "#eef0f3", showline: true, linecolor: "#cbd5e1", automargin: true },
  yaxis: { gridcolor: "#eef0f3", zeroline: false, automargin: true },
};

export default function PlotlyChart({ data, layout, height = 440, filename, onClick }: ChartProps & { height: number }) {
  const config: Partial<Config> = {
    // Plotly's own window-resize handling; react-plotly.js' useResizeHandler is left off: its
    // handler could fire for a chart already unmounted (a page error on resizing mid-switch).
    responsive: true,
    displaylogo: false,
    showSendToCloud: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
    // Plotly's camera button: a PNG of the chart as shown, at twice the screen's pixels.
    toImageButtonOptions: { format: "png", filename, scale: 2 },
  };
  return (
    <Plot
      data={data}
      layout={{ ...BASE_LAYOUT, height, ...layout }}
      config={config}
      style={{ width: "100%", height: `${height}px` }}
      className="plotly-chart"
      onClick={onClick}
    />
  );
}
