// plotly.js types its main entry (lib/index.d.ts) but not the per-trace files under lib/ that a
// partial bundle imports. They are the same Plotly object and trace modules, typed from it.
declare module "plotly.js/lib/core" {
  import Plotly from "plotly.js";
  export default Plotly;
}

declare module "plotly.js/lib/*" {
  import type { RegisterTraceModule } from "plotly.js";
  const traceModule: RegisterTraceModule;
  export default traceModule;
}
