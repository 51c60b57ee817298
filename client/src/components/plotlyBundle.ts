/**
 * The one Plotly the dashboard uses: plotly.js' core with just the trace types our views draw,
 * instead of the full bundle (4.8 MB minified). A view that needs another trace type adds its
 * module here, so every chart shares one registration and one lazily loaded chunk.
 *
 * - scatter: history, forecast bands, compare lines, technicals overlays, correlation scatter
 * - candlestick: technicals
 * - heatmap: the correlation matrix
 */
import type { PlotType } from "plotly.js";
import Plotly from "plotly.js/lib/core";
import candlestick from "plotly.js/lib/candlestick";
import heatmap from "plotly.js/lib/heatmap";
import scatter from "plotly.js/lib/scatter";

// core already holds scatter; plotly.js advises registering it explicitly anyway.
const TRACE_MODULES = [scatter, candlestick, heatmap];

/** The trace types this bundle draws; any other type is drawn as plotly's default, scatter. */
export const TRACE_TYPES: readonly PlotType[] = TRACE_MODULES.map((module) => module.name as PlotType);

Plotly.register(TRACE_MODULES);

export default Plotly;
