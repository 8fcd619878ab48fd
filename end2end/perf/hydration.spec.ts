import { test } from "@playwright/test";
import fs from "node:fs";

// Each page named in PERF_PAGES ("list=/issues?…,issue=/issues/1") is opened PERF_RUNS times,
// each time in a new browser context (an empty cache), signed in through PERF_LOGIN. Written to
// PERF_OUT: per page, milliseconds from navigation start to the first byte of the main WASM and to
// hydrated (the frontend marks <body data-hydrated> once hydration succeeded).
test("hydration timings", async ({ browser }) => {
  const pages = (process.env.PERF_PAGES ?? "").split(",").filter(Boolean).map((pair) => pair.split("=", 2) as [string, string]);
  const runs = Number(process.env.PERF_RUNS ?? "10");
  const out: Record<string, { hydrated: number[]; first_wasm_byte: number[] }> = {};
  for (const [name, path] of pages) {
    out[name] = { hydrated: [], first_wasm_byte: [] };
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      const signIn = await context.request.post(process.env.PERF_LOGIN!, {
        form: { email: process.env.PERF_EMAIL!, password: process.env.PERF_PASSWORD! },
        maxRedirects: 0,
      });
      if (signIn.status() >= 400) throw new Error(`sign-in: ${signIn.status()}`);
      await context.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.body?.getAttribute("data-hydrated") === "true") {
            (window as unknown as { hydratedAt: number }).hydratedAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(path);
      await page.waitForFunction(() => (window as unknown as { hydratedAt?: number }).hydratedAt !== undefined, undefined, { timeout: 30_000 });
      const [hydrated, wasm] = await page.evaluate(() => {
        const entry = performance.getEntriesByType("resource").find((r) => /\/pkg\/tracker[^/]*\.wasm$/.test(r.name)) as PerformanceResourceTiming | undefined;
        return [(window as unknown as { hydratedAt: number }).hydratedAt, entry ? entry.responseStart : -1];
      });
      if (errors.length) throw new Error(`${name}: ${errors.join("; ")}`);
      out[name].hydrated.push(hydrated);
      out[name].first_wasm_byte.push(wasm);
      await context.close();
    }
  }
  fs.writeFileSync(process.env.PERF_OUT!, JSON.stringify(out));
});
