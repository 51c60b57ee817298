/**
 * CSV export of what a chart shows (RFC 4180: comma separated, CRLF line ends, fields with a
 * comma, quote or line break quoted, quotes doubled). Missing values are empty fields.
 */
export type Cell = string | number | null | undefined;

function field(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

/**
 * Rows of a date-indexed table from several columns sharing or not sharing dates: one row per
 * distinct date (sorted), each column's value on that date or empty.
 */
export function joinOnDates(
  columns: readonly { dates: readonly string[]; values: readonly (number | null)[] }[],
): Cell[][] {
  const byDate = new Map<string, Cell[]>();
  columns.forEach((column, index) => {
    const n = Math.min(column.dates.length, column.values.length);
    for (let i = 0; i < n; i += 1) {
      const date = column.dates[i] as string;
      let row = byDate.get(date);
      if (!row) {
        row = new Array<Cell>(columns.length).fill(null);
        byDate.set(date, row);
      }
      row[index] = column.values[i];
    }
  });
  return [...byDate.keys()].sort().map((date) => [date, ...(byDate.get(date) as Cell[])]);
}

/** Save `text` as a file through a temporary object URL. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadCsv(filename: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  downloadBlob(filename, new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" }));
}
