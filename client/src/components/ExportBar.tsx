import { useState } from "react";
import { session } from "../auth/session";
import { downloadBlob, downloadCsv, type Cell } from "../lib/csv";

export interface CsvExport {
  filename: string;
  header: readonly string[];
  rows: () => readonly (readonly Cell[])[];
}

interface Props {
  csv: CsvExport;
  /**
   * The API's Matplotlib chart (`/api/v1/charts/…png?…`): a print-quality static image.
   * Views without one rely on the chart's own camera button (Plotly's PNG of the chart).
   */
  pngUrl?: string;
  pngFilename?: string;
  /** Otherwise: the element holding the Plotly chart, saved as PNG at twice its pixels. */
  chart?: { current: HTMLElement | null };
}

/** "CSV" and "PNG" buttons under a chart; a failed image download says why. */
export function ExportBar({ csv, pngUrl, pngFilename, chart }: Props) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const chartPng = async () => {
    const graph = chart?.current?.querySelector<HTMLElement>(".js-plotly-plot");
    if (!graph) {
      setProblem("The chart is not drawn yet.");
      return;
    }
    const { default: Plotly } = await import("./plotlyBundle");
    const filename = (pngFilename ?? "chart.png").replace(/\.png$/, "");
    await Plotly.downloadImage(graph, { format: "png", scale: 2, filename, width: graph.clientWidth, height: graph.clientHeight });
  };

  const png = async () => {
    if (!pngUrl) {
      if (chart) await chartPng();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const response = await session.fetch(pngUrl);
      if (!response.ok) {
        const retry = response.headers.get("retry-after");
        setProblem(
          response.status === 429
            ? `Too many requests; try again${retry ? ` in ${retry} s` : " shortly"}.`
            : `The image could not be made (HTTP ${response.status}).`,
        );
        return;
      }
      downloadBlob(pngFilename ?? "chart.png", await response.blob());
    } catch (error) {
      setProblem(`The image could not be downloaded (${error instanceof Error ? error.message : String(error)}).`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export-bar">
      <span className="field-label">Export</span>
      <button type="button" onClick={() => downloadCsv(csv.filename, csv.header, csv.rows())}>
        Data (CSV)
      </button>
      {pngUrl || chart ? (
        <button type="button" onClick={() => void png()} disabled={busy} aria-busy={busy}>
          {busy ? "Drawing…" : "Image (PNG)"}
        </button>
      ) : null}
      {problem ? (
        <span className="export-problem" role="alert">
          {problem}
        </span>
      ) : null}
    </div>
  );
}
