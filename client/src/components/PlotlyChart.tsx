import type { Config, Data, Layout } from "plotly.js";
import createPlotlyComponent from "react-plotly.js/factory";
import Plotly from "./plotlyBundle";

// The factory binds react-plotly.js to our partial bundle (plotlyBundle.ts) instead of
// the whole of plotly.js.
const Plot = createPlotlyComponent(Plotly);

const CONFIG: Partial<Config> = {
  responsive: true,
  displaylogo: false,
  modeBarButtonsToRemove: ["lasso2d", "select2d"],
};

interface Props {
  traces: Data[];
  yTitle: string;
}

export default function PlotlyChart({ traces, yTitle }: Props) {
  const layout: Partial<Layout> = {
    autosize: true,
    height: 440,
    margin: { l: 64, r: 16, t: 8, b: 48 },
    hovermode: "x unified",
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#ffffff",
    font: { family: "system-ui, -apple-system, 'Segoe UI', sans-serif", size: 12, color: "#1f2937" },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    xaxis: { title: { text: "Date" }, type: "date", gridcolor: "#eef0f3", showline: true, linecolor: "#cbd5e1" },
    yaxis: { title: { text: yTitle }, gridcolor: "#eef0f3", zeroline: false, automargin: true },
  };
  return (
    <Plot
      data={traces}
      layout={layout}
      config={CONFIG}
      useResizeHandler
      style={{ width: "100%", height: "440px" }}
      className="plotly-chart"
    />
  );
}
