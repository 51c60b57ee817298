/**
 * Observation windows: presets are counted back from the indicator's last observation,
 * not from today, so a series that stopped updating still shows a full "1Y".
 */

export type PresetId = "1Y" | "5Y" | "10Y" | "MAX";

export interface Preset {
  id: PresetId;
  label: string;
  years: number | null;
}

export const PRESETS: readonly Preset[] = [
  { id: "1Y", label: "1Y", years: 1 },
  { id: "5Y", label: "5Y", years: 5 },
  { id: "10Y", label: "10Y", years: 10 },
  { id: "MAX", label: "Max", years: null },
];

/** Bounds sent to the API; `null` leaves that side open. ISO yyyy-mm-dd. */
export interface DateWindow {
  start: string | null;
  end: string | null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function toIsoDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Same calendar day `years` earlier; 29 February falls back to the 28th. */
export function shiftYears(isoDate: string, years: number): string {
  if (!isIsoDate(isoDate)) throw new Error(`Not an ISO date: ${isoDate}`);
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const targetYear = y + years;
  const lastDayOfMonth = new Date(Date.UTC(targetYear, m, 0)).getUTCDate();
  return toIsoDate(new Date(Date.UTC(targetYear, m - 1, Math.min(d, lastDayOfMonth))));
}

/** The date presets count back from: the last observation, else today (UTC). */
export function anchorDate(lastDate: string | null | undefined, today: Date = new Date()): string {
  return lastDate && isIsoDate(lastDate) ? lastDate : toIsoDate(today);
}

export function presetWindow(preset: PresetId, anchor: string): DateWindow {
  const found = PRESETS.find((p) => p.id === preset);
  if (!found) throw new Error(`Unknown window preset: ${preset}`);
  if (found.years === null) return { start: null, end: null };
  return { start: shiftYears(anchor, -found.years), end: null };
}

/** A readable reason the window cannot be queried, or null when it can. */
export function validateWindow(window: DateWindow): string | null {
  if (window.start !== null && !isIsoDate(window.start)) return "Start date is not a valid date.";
  if (window.end !== null && !isIsoDate(window.end)) return "End date is not a valid date.";
  if (window.start !== null && window.end !== null && window.start > window.end) {
    return "Start date must be on or before the end date.";
  }
  return null;
}

/**
 * Forecasts start after the last observation, so they only belong on a chart whose
 * window reaches that far; otherwise the x-axis would stretch over an empty gap.
 */
export function windowReachesLatest(window: DateWindow, lastDate: string | null | undefined): boolean {
  if (window.end === null) return true;
  if (!lastDate) return false;
  return window.end >= lastDate;
}

/**
 * The window a view state asks for: its explicit dates, else its preset counted back from
 * `anchor` (the last observation). `state` is the URL's (lib/viewState.ts).
 */
export function resolveWindow(
  state: { start: string | null; end: string | null; preset: PresetId },
  anchor: string,
): DateWindow {
  if (state.start !== null || state.end !== null) return { start: state.start, end: state.end };
  return presetWindow(state.preset, anchor);
}
