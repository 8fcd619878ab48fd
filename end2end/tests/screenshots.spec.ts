import type { Page } from "@playwright/test";
import path from "node:path";
import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

// Screenshots of the pages a team lives in, for a reviewer to look at after the run:
// end2end/screenshots/<page>-<width>-<scheme>.png (kept out of git). Each one also checks
// that the page does not scroll sideways at that width.
const SHOTS = path.join(__dirname, "..", "screenshots");
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];
const SCHEMES = ["light", "dark"] as const;

/** The document is no wider than the viewport. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${page.url()} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
}

async function firstIssuePath(page: Page): Promise<string> {
  await page.goto("/issues");
  await hydrated(page);
  const href = await page.locator("table.issue-table tbody a[href^='/issues/']").first().getAttribute("href");
  expect(href).toBeTruthy();
  return href as string;
}

for (const size of WIDTHS) {
  for (const scheme of SCHEMES) {
    test(`the list, an issue, the dashboard and the landing page at ${size.width} px in ${scheme} mode fit the screen`, async ({ browser }) => {
      const context = await browser.newContext({ viewport: size, colorScheme: scheme });
      const page = await context.newPage();
      const shot = async (name: string) => {
        await expectNoSidewaysScroll(page);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}-${scheme}.png`), fullPage: true });
      };

      await page.goto("/");
      await hydrated(page);
      await shot("landing");

      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      const issue = await firstIssuePath(page);
      await shot("list");

      await page.goto(issue);
      await hydrated(page);
      await expect(page.getByTestId("timeline")).toBeVisible();
      await shot("issue");

      await page.goto("/dashboard");
      await hydrated(page);
      await expect(page.locator("#chart-severity canvas")).toBeVisible();
      await shot("dashboard");

      await page.goto("/issues/new");
      await hydrated(page);
      await shot("new-issue");

      await page.goto("/notifications");
      await hydrated(page);
      await shot("inbox");

      await page.goto("/settings/notifications");
      await hydrated(page);
      await shot("notification-settings");
      await context.close();
    });
  }
}

test("no page scrolls sideways on a 360 px phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  for (const url of ["/", "/login", "/signup"]) {
    await page.goto(url);
    await hydrated(page);
    await expectNoSidewaysScroll(page);
  }
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const issue = await firstIssuePath(page);
  for (const url of ["/issues", "/issues?is=open", issue, "/issues/new", "/dashboard", "/tags", "/admin/users", "/admin/audit", "/profile", "/notifications", "/settings/notifications"]) {
    await page.goto(url);
    await hydrated(page);
    await expectNoSidewaysScroll(page);
  }
  await context.close();
});
