#!/usr/bin/env node
/**
 * Throwaway stand-in for the fredpipe API so the dashboard and its e2e script can be
 * exercised without Python: serves dist/ and answers GraphQL by executing operations
 * against client/schema.graphql (so an operation the real schema would reject fails
 * here too) over deterministic synthetic series. Not the product's demo data.
 *
 *   node e2e/mock-server.mjs [port]      # default: a free port; prints the URL
 */
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, graphql, GraphQLError } from "graphql";

const here = fileURLToPath(new URL(".", import.meta.url));
const clientDir = resolve(here, "..");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

/** Small seeded PRNG so every run plots the same lines. */
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const iso = (d) => d.toISOString().slice(0, 10);

function monthlyDates(from, to) {
  const out = [];
  const d = new Date(`${from}T00:00:00Z`);
  while (iso(d) <= to) {
    out.push(iso(d));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

function businessDates(from, to) {
  const out = [];
  const d = new Date(`${from}T00:00:00Z`);
  while (iso(d) <= to) {
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) out.push(iso(d));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** Mean-reverting random walk with occasional missing values (FRED's "."). */
function walk(dates, { seed, start, level, step, floor, missingEvery = 0 }) {
  const next = rng(seed);
  let value = start;
  return dates.map((_, i) => {
    value += (next() - 0.5) * 2 * step + (level - value) * 0.002;
    value = Math.max(floor, value);
    if (missingEvery && i % missingEvery === missingEvery - 1) return null;
    return Math.round(value * 100) / 100;
  });
}

function addMonths(isoDate, n) {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return iso(d);
}

function makeForecast(series, steps, spread, label, seed) {
  const model = CANDIDATE_SPECS[label];
  const lastIndex = series.values.findLastIndex((v) => v !== null);
  const last = series.values[lastIndex];
  const lastDate = series.dates[lastIndex];
  const dates = Array.from({ length: steps }, (_, i) => addMonths(lastDate, i + 1));
  const mean = dates.map((_, i) => Math.round((last + 0.01 * (i + 1)) * 1000) / 1000);
  const width = (z) => dates.map((_, i) => z * spread * Math.sqrt(i + 1));
  const w80 = width(1.2816);
  const w95 = width(1.96);
  return {
    runId: "mock-run-1",
    model,
    createdAt: "2026-01-01T06:00:00Z",
    dates,
    mean,
    lower80: mean.map((m, i) => m - w80[i]),
    upper80: mean.map((m, i) => m + w80[i]),
    lower95: mean.map((m, i) => m - w95[i]),
    upper95: mean.map((m, i) => m + w95[i]),
    selection: makeSelection(series, label, steps, seed),
  };
}

const CANDIDATE_SPECS = {
  ets: "ETS(A,Ad,N)",
  arima: "ARIMA(1,1,0)",
  theta: "Theta",
  drift: "Drift",
  naive: "Naive",
};

/** A model selection as the API reports it: candidates by rank (unranked last), the chosen
 * one flagged, and the rolling-origin cutoffs (3 windows of `horizon` observations). */
function makeSelection(series, chosen, horizon, seed) {
  const next = rng(seed);
  const present = series.dates.filter((_, i) => series.values[i] !== null);
  const cutoffs = [3, 2, 1].map((k) => present[present.length - 1 - k * horizon]);
  const ranked = [chosen, ...Object.keys(CANDIDATE_SPECS).filter((l) => l !== chosen && l !== "theta")];
  let mase = 0.7 + next() * 0.2;
  const candidates = ranked.map((label, i) => {
    if (i > 0) mase += 0.05 + next() * 0.15;
    return {
      label,
      spec: CANDIDATE_SPECS[label],
      selected: i === 0,
      rank: i + 1,
      windows: 3,
      mae: mase * 0.1,
      rmse: mase * 0.13,
      smape: mase * 2.5,
      mase,
      coverage80: Math.round((0.7 + next() * 0.2) * 100) / 100,
      coverage95: Math.round((0.88 + next() * 0.1) * 100) / 100,
      note: label === "arima" && i > 0 ? "failed in 1 of 3 windows: the optimizer did not converge" : null,
      params: label === chosen ? { alpha: 0.42, beta: 0.05 } : null,
      backtest: [],
    };
  });
  candidates.push({
    label: "theta", spec: null, selected: false, rank: null, windows: 0, mae: null, rmse: null,
    smape: null, mase: null, coverage80: null, coverage95: null, params: null, backtest: [],
    note: "excluded: needs at least 2 full seasons",
  });
  for (const c of candidates) {
    if (c.rank === null) continue;
    c.backtest = cutoffs.map((cutoff, i) => ({
      label: c.label, cutoff, nTrain: present.length - (3 - i) * horizon, horizon,
      mae: c.mae, rmse: c.rmse, smape: c.smape, mase: c.mase, coverage80: c.coverage80, coverage95: c.coverage95,
    }));
  }
  return {
    chosen,
    spec: CANDIDATE_SPECS[chosen],
    horizon,
    windows: 3,
    cutoffs,
    candidates,
    backtest: cutoffs.flatMap((cutoff) => candidates.flatMap((c) => c.backtest.filter((w) => w.cutoff === cutoff))),
  };
}

function buildData() {
  const dgsDates = businessDates("1990-01-02", "2025-10-31");
  const dgs10 = { dates: dgsDates, values: walk(dgsDates, { seed: 10, start: 8, level: 4, step: 0.05, floor: 0.4, missingEvery: 260 }) };
  const unDates = monthlyDates("1948-01-01", "2025-09-01");
  const unrate = { dates: unDates, values: walk(unDates, { seed: 7, start: 4, level: 5.5, step: 0.25, floor: 2.5 }) };
  const cpiDates = monthlyDates("1960-01-01", "2025-09-01");
  let cpiLevel = 29.4;
  const cpiNext = rng(3);
  const cpi = {
    dates: cpiDates,
    values: cpiDates.map(() => {
      cpiLevel *= 1 + 0.003 + (cpiNext() - 0.5) * 0.004;
      return Math.round(cpiLevel * 1000) / 1000;
    }),
  };
  return [
    {
      id: "DGS10",
      title: "Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity, Quoted on an Investment Basis",
      units: "Percent",
      unitsShort: "%",
      frequency: "Daily",
      frequencyShort: "D",
      seasonalAdjustment: "Not Seasonally Adjusted",
      series: dgs10,
      forecast: makeForecast(dgs10, 12, 0.25, "arima", 11),
    },
    {
      id: "UNRATE",
      title: "Unemployment Rate",
      units: "Percent",
      unitsShort: "%",
      frequency: "Monthly",
      frequencyShort: "M",
      seasonalAdjustment: "Seasonally Adjusted",
      series: unrate,
      forecast: makeForecast(unrate, 12, 0.2, "ets", 12),
    },
    {
      id: "CPIAUCSL",
      title: "Consumer Price Index for All Urban Consumers: All Items in U.S. City Average",
      units: "Index 1982-1984=100",
      unitsShort: "Index 1982-1984=100",
      frequency: "Monthly",
      frequencyShort: "M",
      seasonalAdjustment: "Seasonally Adjusted",
      series: cpi,
      forecast: null,
    },
  ];
}

function windowed(series, start, end) {
  const dates = [];
  const values = [];
  series.dates.forEach((d, i) => {
    if ((start == null || d >= start) && (end == null || d <= end)) {
      dates.push(d);
      values.push(series.values[i]);
    }
  });
  return { dates, values };
}

function checkWindow(start, end) {
  if (start != null && end != null && start > end) {
    throw new GraphQLError(`start (${start}) is after end (${end})`, { extensions: { code: "BAD_USER_INPUT" } });
  }
}

function statsOf({ dates, values }) {
  const present = values.map((v, i) => [dates[i], v]).filter(([, v]) => v !== null);
  const xs = present.map(([, v]) => v);
  const n = xs.length;
  if (n === 0) return { count: 0, mean: null, variance: null, stddev: null, min: null, max: null, start: null, end: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : null;
  return {
    count: n,
    mean,
    variance,
    stddev: variance === null ? null : Math.sqrt(variance),
    min: Math.min(...xs),
    max: Math.max(...xs),
    start: present[0][0],
    end: present[n - 1][0],
  };
}

function indicatorObject(spec) {
  const present = spec.series.dates.filter((_, i) => spec.series.values[i] !== null);
  return {
    id: spec.id,
    title: spec.title,
    units: spec.units,
    unitsShort: spec.unitsShort,
    frequency: spec.frequency,
    frequencyShort: spec.frequencyShort,
    seasonalAdjustment: spec.seasonalAdjustment,
    firstDate: present[0] ?? null,
    lastDate: present.at(-1) ?? null,
    observationCount: present.length,
    observations: ({ start, end }) => {
      checkWindow(start, end);
      return windowed(spec.series, start, end);
    },
    stats: ({ start, end }) => {
      checkWindow(start, end);
      return statsOf(windowed(spec.series, start, end));
    },
    forecast: spec.forecast,
  };
}

export async function createMockApi(schemaPath = join(clientDir, "schema.graphql")) {
  const schema = buildSchema(await readFile(schemaPath, "utf8"));
  const specs = buildData();
  const rootValue = {
    indicators: () => specs.map(indicatorObject),
    indicator: ({ id }) => {
      const spec = specs.find((s) => s.id === id);
      if (!spec) throw new GraphQLError(`Indicator '${id}' not found`, { extensions: { code: "NOT_FOUND" } });
      return indicatorObject(spec);
    },
    dataVersion: () => 1,
  };
  return (body) =>
    graphql({ schema, source: body.query ?? "", variableValues: body.variables ?? {}, operationName: body.operationName, rootValue });
}

async function serveStatic(distDir, urlPath, res) {
  const safe = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, "");
  let file = join(distDir, safe);
  const info = await stat(file).catch(() => null);
  if (!info || info.isDirectory()) file = join(distDir, "index.html");
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`Not found (is ${distDir} built? run npm run build)`);
  }
}

export async function startMockServer({ port = 0, host = "127.0.0.1", distDir = join(clientDir, "dist"), delayMs = 150 } = {}) {
  const execute = await createMockApi();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/graphql" && req.method === "POST") {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "Body is not JSON", extensions: { code: "BAD_REQUEST" } }] }));
        return;
      }
      const result = await execute(body);
      // A little latency so loading states are actually rendered.
      await new Promise((r) => setTimeout(r, delayMs));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(result));
      return;
    }
    await serveStatic(distDir, url.pathname, res);
  });
  await new Promise((resolveListen) => server.listen(port, host, resolveListen));
  const address = server.address();
  return { server, url: `http://${host}:${address.port}/` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  const { url } = await startMockServer({ port });
  console.log(`mock fredpipe API + dashboard on ${url} (Ctrl-C to stop)`);
}
