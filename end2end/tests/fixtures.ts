import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import fs from "node:fs";
import { OwnServer, seededServer } from "./helpers";

export { expect };

/** What a test may add to the errors it expects, e.g. `allowErrors(/status of 409/)`. */
export type AllowErrors = (...patterns: RegExp[]) => void;

/**
 * Every spec imports `test` from here. It watches every page of every browser context the
 * test opens (its own `page`, `browser.newContext()` and `browser.newPage()`) and fails the
 * test on any uncaught page error (a WASM panic ends in one) or console error, unless the
 * test named that error beforehand with `allowErrors`.
 */
export const test = base.extend<{ allowErrors: AllowErrors; site: OwnServer }>({
  // Each test runs against a server of its own on a fresh copy of the demo data.
  site: async ({}, use) => {
    const server = await seededServer();
    try {
      await use(server);
    } finally {
      await server.stop();
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  },
  baseURL: async ({ site }, use) => use(site.url),
  allowErrors: [
    async ({ browser, context }, use, testInfo) => {
      const seen: string[] = [];
      const allowed: RegExp[] = [];
      const watchPage = (page: Page) => {
        page.on("pageerror", (error) => seen.push(`page error on ${page.url()}: ${error.message}`));
        page.on("console", (message) => {
          if (message.type() === "error") seen.push(`console error on ${page.url()}: ${message.text()}`);
        });
      };
      const watchContext = (ctx: BrowserContext) => {
        ctx.pages().forEach(watchPage);
        ctx.on("page", watchPage);
      };
      watchContext(context);
      const newContext = browser.newContext.bind(browser);
      const newPage = browser.newPage.bind(browser);
      browser.newContext = async (options) => {
        const ctx = await newContext(options);
        watchContext(ctx);
        return ctx;
      };
      browser.newPage = async (options) => {
        const page = await newPage(options);
        watchPage(page);
        return page;
      };
      try {
        await use((...patterns) => allowed.push(...patterns));
      } finally {
        browser.newContext = newContext;
        browser.newPage = newPage;
      }
      const unexpected = seen.filter((line) => !allowed.some((pattern) => pattern.test(line)));
      if (unexpected.length > 0) {
        await testInfo.attach("browser errors", { body: unexpected.join("\n"), contentType: "text/plain" });
      }
      expect(unexpected, "the browser reported errors this test does not expect").toEqual([]);
    },
    { auto: true },
  ],
});
