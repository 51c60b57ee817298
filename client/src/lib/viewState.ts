/**
 * The dashboard's URL contract: every view is one URL that reproduces it, so a view can be
 * shared and bookmarked.
 *
 *   /?view=history|compare|correlation|technicals&ids=A,B,…&start=YYYY-MM-DD&end=YYYY-MM-DD
 *     &transform=pc1|…&frequency=m|…
 *
 * plus `window=1y|5y|10y|max` (a window counted back from the last observation, used when
 * neither start nor end is given), `aggregation=avg|sum|eop` (with `frequency`),
 * `basis=monthly|daily` and `pair=A,B` (correlation: the scatter's two indicators, among `ids`)
 * and `axis=dual` (compare two indicators on their own y axes). Codes are FRED's own where FRED has one:
 * `transform` takes FRED's `units` codes (lin, chg, ch1, pch, pc1, pca, cch, cca, log) and
 * ours (zscore, minmax, index100); `frequency` takes FRED's (w, m, q, a).
 *
 * The codes map onto the API's enums (Transform, Frequency, CorrelationBasis); the views pass
 * the mapped values as query variables, so codegen's types check them against the schema.
 *
 * Parsing never throws and never silently substitutes: whatever it cannot use is reported
 * in `problems` (shown to the user) and the parameter falls back to its default.
 */
import { isIsoDate, PRESETS, type DateWindow, type PresetId } from "./window";

export const VIEWS = ["history", "compare", "correlation", "technicals"] as const;
export type ViewId = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<ViewId, string> = {
  history: "History",
  compare: "Compare",
  correlation: "Correlation",
  technicals: "Technicals",
};

/** FRED `units` code (and ours) → the API's Transform, in the order the pickers list them. */
export const TRANSFORM_CODES = {
  lin: "LEVEL",
  chg: "CHG",
  ch1: "CH1",
  pch: "PCH",
  pc1: "PC1",
  pca: "PCA",
  cch: "CCH",
  cca: "CCA",
  log: "LOG",
  zscore: "ZSCORE",
  minmax: "MINMAX",
  index100: "INDEX100",
} as const;
export type TransformCode = keyof typeof TRANSFORM_CODES;

export const TRANSFORM_LABELS: Record<TransformCode, string> = {
  lin: "Level",
  chg: "Change",
  ch1: "Change from a year ago",
  pch: "Percent change",
  pc1: "Percent change from a year ago",
  pca: "Compounded annual rate of change",
  cch: "Continuously compounded rate of change",
  cca: "Continuously compounded annual rate of change",
  log: "Natural log",
  zscore: "Z-score",
  minmax: "Min–max scaled (0 to 1)",
  index100: "Index (2015 = 100)",
};

/** FRED frequency code → the API's Frequency. */
export const FREQUENCY_CODES = {
  w: "WEEKLY",
  m: "MONTHLY",
  q: "QUARTERLY",
  a: "ANNUAL",
} as const;
export type FrequencyCode = keyof typeof FREQUENCY_CODES;

export const FREQUENCY_LABELS: Record<FrequencyCode, string> = {
  w: "Weekly",
  m: "Monthly",
  q: "Quarterly",
  a: "Annual",
};

/** How a period's observations become one value (FRED's `aggregation_method`). */
export const AGGREGATION_CODES = { avg: "AVG", sum: "SUM", eop: "EOP" } as const;
export type AggregationCode = keyof typeof AGGREGATION_CODES;

export const AGGREGATION_LABELS: Record<AggregationCode, string> = {
  avg: "Average",
  sum: "Sum",
  eop: "End of period",
};

export const BASIS_CODES = { monthly: "MONTHLY", daily: "DAILY" } as const;
export type BasisCode = keyof typeof BASIS_CODES;

export type AxisMode = "shared" | "dual";

/** How many indicators each view takes (the API's correlation matrix takes 2 to 20). */
export const ID_LIMITS: Record<ViewId, { min: number; max: number }> = {
  history: { min: 1, max: 1 },
  compare: { min: 1, max: 8 },
  correlation: { min: 2, max: 10 },
  technicals: { min: 1, max: 1 },
};

export const DEFAULT_PRESET: PresetId = "10Y";

export interface ViewState {
  view: ViewId;
  /** As in the URL, upper-cased, without duplicates; may be empty (the view picks defaults). */
  ids: string[];
  /** Explicit bounds; when both are null, `preset` applies. */
  start: string | null;
  end: string | null;
  preset: PresetId;
  transform: TransformCode;
  /** null: the series' own frequency (technicals: monthly candles). */
  frequency: FrequencyCode | null;
  aggregation: AggregationCode;
  basis: BasisCode;
  /** Correlation: the two indicators of the scatter (both in `ids`); null: the first two. */
  pair: [string, string] | null;
  axis: AxisMode;
}

export const DEFAULT_STATE: ViewState = {
  view: "history",
  ids: [],
  start: null,
  end: null,
  preset: DEFAULT_PRESET,
  transform: "lin",
  frequency: null,
  aggregation: "avg",
  basis: "monthly",
  pair: null,
  axis: "shared",
};

export interface ParsedView {
  state: ViewState;
  /** Sentences for the user: what in the URL was not understood and what was used instead. */
  problems: string[];
}

const ID_PATTERN = /^[A-Z0-9_.]{1,40}$/;

function listOf<T extends string>(codes: readonly T[]): string {
  return codes.join(", ");
}

function pick<T extends string>(
  raw: string | null,
  allowed: readonly T[],
  name: string,
  fallback: T,
  problems: string[],
): T {
  if (raw === null || raw === "") return fallback;
  const value = raw.toLowerCase() as T;
  if (allowed.includes(value)) return value;
  problems.push(`Unknown ${name} "${raw}" (expected one of ${listOf(allowed)}); showing ${fallback}.`);
  return fallback;
}

function presetOf(raw: string | null, problems: string[]): PresetId {
  if (raw === null || raw === "") return DEFAULT_PRESET;
  const found = PRESETS.find((p) => p.id.toLowerCase() === raw.toLowerCase());
  if (found) return found.id;
  const codes = PRESETS.map((p) => p.id.toLowerCase());
  problems.push(`Unknown window "${raw}" (expected one of ${listOf(codes)}); showing ${DEFAULT_PRESET.toLowerCase()}.`);
  return DEFAULT_PRESET;
}

function dateOf(raw: string | null, name: string, problems: string[]): string | null {
  if (raw === null || raw === "") return null;
  if (isIsoDate(raw)) return raw;
  problems.push(`The ${name} date "${raw}" is not a date written YYYY-MM-DD; it is ignored.`);
  return null;
}

export function parseViewState(search: string): ParsedView {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const view = pick(params.get("view"), VIEWS, "view", DEFAULT_STATE.view, problems);

  // `indicator=` is the first dashboard's parameter: old bookmarks keep working.
  const rawIds = params.get("ids") ?? params.get("indicator") ?? "";
  const ids: string[] = [];
  for (const part of rawIds.split(",")) {
    const id = part.trim().toUpperCase();
    if (id === "") continue;
    if (!ID_PATTERN.test(id)) {
      problems.push(`"${part.trim()}" is not a FRED series id; it is ignored.`);
      continue;
    }
    if (!ids.includes(id)) ids.push(id);
  }
  const limit = ID_LIMITS[view];
  if (ids.length > limit.max) {
    problems.push(
      `The ${VIEW_LABELS[view].toLowerCase()} view shows at most ${limit.max} indicator${limit.max === 1 ? "" : "s"}; ` +
        `showing ${ids.slice(0, limit.max).join(", ")}.`,
    );
    ids.splice(limit.max);
  }

  let start = dateOf(params.get("start"), "start", problems);
  let end = dateOf(params.get("end"), "end", problems);
  if (start !== null && end !== null && start > end) {
    problems.push(`The start date ${start} is after the end date ${end}; both are ignored.`);
    start = null;
    end = null;
  }
  const frequencyRaw = params.get("frequency");
  const frequency =
    frequencyRaw === null || frequencyRaw === ""
      ? null
      : pick<FrequencyCode | "native">(
          frequencyRaw,
          [...(Object.keys(FREQUENCY_CODES) as FrequencyCode[]), "native"],
          "frequency",
          "native",
          problems,
        );

  let pair: [string, string] | null = null;
  const rawPair = params.get("pair");
  if (rawPair !== null && rawPair !== "") {
    const [a, b, ...rest] = rawPair.split(",").map((p) => p.trim().toUpperCase());
    if (a && b && rest.length === 0 && a !== b && ids.includes(a) && ids.includes(b)) pair = [a, b];
    else problems.push(`The pair "${rawPair}" is not two different indicators of ids; showing the first two.`);
  }

  return {
    state: {
      view,
      pair,
      ids,
      start,
      end,
      preset: presetOf(params.get("window"), problems),
      transform: pick(
        params.get("transform"),
        Object.keys(TRANSFORM_CODES) as TransformCode[],
        "transform",
        DEFAULT_STATE.transform,
        problems,
      ),
      frequency: frequency === "native" ? null : frequency,
      aggregation: pick(
        params.get("aggregation"),
        Object.keys(AGGREGATION_CODES) as AggregationCode[],
        "aggregation",
        DEFAULT_STATE.aggregation,
        problems,
      ),
      basis: pick(params.get("basis"), Object.keys(BASIS_CODES) as BasisCode[], "basis", DEFAULT_STATE.basis, problems),
      axis: pick<AxisMode>(params.get("axis"), ["shared", "dual"], "axis", DEFAULT_STATE.axis, problems),
    },
    problems,
  };
}

/** The query string of a state: defaults are left out, so URLs stay short and stable. */
export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  params.set("view", state.view);
  if (state.ids.length > 0) params.set("ids", state.ids.join(","));
  if (state.start !== null) params.set("start", state.start);
  if (state.end !== null) params.set("end", state.end);
  if (state.start === null && state.end === null && state.preset !== DEFAULT_PRESET) {
    params.set("window", state.preset.toLowerCase());
  }
  if (state.transform !== DEFAULT_STATE.transform) params.set("transform", state.transform);
  if (state.frequency !== null) params.set("frequency", state.frequency);
  if (state.aggregation !== DEFAULT_STATE.aggregation) params.set("aggregation", state.aggregation);
  if (state.basis !== DEFAULT_STATE.basis) params.set("basis", state.basis);
  if (state.pair !== null) params.set("pair", state.pair.join(","));
  if (state.axis !== DEFAULT_STATE.axis) params.set("axis", state.axis);
  // URLSearchParams escapes the commas of `ids`; they are safe in a query and easier to read.
  return `?${params.toString().replace(/%2C/g, ",")}`;
}

/** The window a state asks for: explicit dates, else the preset counted back from `anchor`. */
export function explicitWindow(state: ViewState): DateWindow | null {
  return state.start === null && state.end === null ? null : { start: state.start, end: state.end };
}
