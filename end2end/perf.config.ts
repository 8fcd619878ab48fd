import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// S8 of `cargo xtask bench`: hydration timed in a real browser against the benchmark's server,
// one page at a time so the timings are the page's own.
export default defineConfig({
  ...base,
  testDir: "./perf",
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  use: { ...base.use, baseURL: process.env.PERF_BASE_URL, trace: "off" },
});
