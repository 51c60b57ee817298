#!/usr/bin/env node
/**
 * Browser check of the self-hosted GraphiQL page against a running API: GET <url> (the
 * API's /graphql) must render GraphiQL using only same-origin requests, and running
 * `{ dataVersion }` from the editor must show a result with `dataVersion`.
 *
 *   node e2e/graphiql.mjs <http://host:port/graphql> [screenshot.png]
 *   CHROMIUM_PATH=/usr/bin/chromium E2E_TIMEOUT_MS=60000 node e2e/graphiql.mjs http://127.0.0.1:8000/graphql
 *
 * Exits 0 on success, 1 with a one-line reason on failure or timeout, 2 on bad usage.
 */
import { saveScreenshot, withPage } from "./browser.mjs";
import { isEntryPoint, runCheck } from "./cli.mjs";

const QUERY = "{ dataVersion }";
const QUERY_EDITOR = ".graphiql-query-editor .CodeMirror";
const RESULT_EDITOR = ".result-window .CodeMirror";

/** Text of a CodeMirror 5 editor (its instance hangs off the wrapper element). */
function editorValue(selector) {
  const el = document.querySelector(selector);
  if (!el) return null;
  return typeof el.CodeMirror?.getValue === "function" ? el.CodeMirror.getValue() : el.innerText;
}

export async function checkGraphiQL(url, { screenshot = null, timeoutMs = 60_000, log = console.log } = {}) {
  const started = Date.now();
  const remaining = () => Math.max(1_000, timeoutMs - (Date.now() - started));
  const origin = new URL(url).origin;
  const offsite = new Set();
  const viewport = { width: 1280, height: 800 };
  const fatalPrefixes = ["page error", "request failed"];
  await withPage(viewport, { log, fatalPrefixes }, async (page, problems) => {
    page.on("request", (req) => {
      const target = req.url();
      if (/^https?:/.test(target) && new URL(target).origin !== origin) offsite.add(target);
    });
    page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));

    const response = await page.goto(url, { waitUntil: "domcontentloaded", timeout: remaining() });
    if (!response || !response.ok()) throw new Error(`GET ${url} answered HTTP ${response?.status() ?? "nothing"}`);
    const type = response.headers()["content-type"] ?? "";
    if (!type.startsWith("text/html")) throw new Error(`GET ${url} answered ${type || "no content type"}, not a page`);

    const editor = page.locator(QUERY_EDITOR);
    await editor.waitFor({ state: "visible", timeout: remaining() });
    log(`GraphiQL rendered: "${await page.title()}"`);

    // Replace the editor's text as a paste would (typing would trigger bracket auto-closing).
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(QUERY);
    const typed = await page.evaluate(editorValue, QUERY_EDITOR);
    if (typed?.trim() !== QUERY) throw new Error(`query editor holds ${JSON.stringify(typed)}, not ${QUERY}`);

    await page.locator(".graphiql-execute-button").click({ timeout: remaining() });
    const deadline = Date.now() + remaining();
    let result = null;
    while (Date.now() < deadline) {
      result = await page.evaluate(editorValue, RESULT_EDITOR);
      if (result && result.includes('"dataVersion"')) break;
      await page.waitForTimeout(200);
    }
    if (!result || !result.includes('"dataVersion"')) {
      throw new Error(`no dataVersion in the result pane (last seen: ${JSON.stringify(result)})`);
    }
    const body = JSON.parse(result);
    if (body.errors?.length) throw new Error(`the query returned errors: ${JSON.stringify(body.errors)}`);
    log(`result: ${JSON.stringify(body)}`);

    if (screenshot) {
      await saveScreenshot(page, screenshot, log);
    }
    if (offsite.size) throw new Error(`the page requested other origins: ${[...offsite].join(", ")}`);
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCheck("node e2e/graphiql.mjs <http://host:port/graphql> [screenshot.png]", checkGraphiQL);
}
