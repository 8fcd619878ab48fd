import type { Page } from "@playwright/test";
import path from "node:path";
import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

// Screenshots of the pages a team lives in, for a reviewer to look at after the run:
// end2end/screenshots/<page>-<width>-<scheme>.png (kept out of git). Each one also checks
// that the page does not scroll sideways at that width, and that it is drawn in the scheme
// asked for (computed colours, not the screenshot's say-so).
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

/** How light a CSS colour is, 0 (black) to 1 (white), whichever notation the browser reports. */
function lightness(css: string): number {
  const numbers = (css.match(/-?[\d.]+/g) ?? []).map(Number);
  if (css.startsWith("oklch") || css.startsWith("oklab")) return numbers[0] > 1 ? numbers[0] / 100 : numbers[0];
  if (css.startsWith("lab") || css.startsWith("lch")) return numbers[0] / 100;
  const [r, g, b] = numbers;
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** The page is drawn in `scheme`: dark text on a light ground, or light text on a dark one. */
async function expectScheme(page: Page, scheme: "light" | "dark") {
  const { ground, text } = await page.evaluate(() => {
    const main = document.querySelector("main") ?? document.body;
    let element: Element | null = main;
    let ground = "";
    while (element && !ground) {
      const colour = getComputedStyle(element).backgroundColor;
      if (colour !== "transparent" && !/^rgba\(0, 0, 0, 0\)$/.test(colour)) ground = colour;
      element = element.parentElement;
    }
    return { ground: ground || getComputedStyle(document.documentElement).backgroundColor, text: getComputedStyle(main).color };
  });
  const [g, t] = [lightness(ground), lightness(text)];
  if (scheme === "dark") {
    expect(g, `${page.url()}: ground ${ground} is dark`).toBeLessThan(0.35);
    expect(t, `${page.url()}: text ${text} is light`).toBeGreaterThan(0.65);
  } else {
    expect(g, `${page.url()}: ground ${ground} is light`).toBeGreaterThan(0.85);
    expect(t, `${page.url()}: text ${text} is dark`).toBeLessThan(0.4);
  }
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
    test(`the list, an issue, the dashboard and the landing page at ${size.width} px in ${scheme} mode fit the screen`, async ({ browser, allowErrors, request }) => {
      // The query the list cannot read below is answered 422.
      allowErrors(/status of 422/);
      const context = await browser.newContext({ viewport: size, colorScheme: scheme });
      const page = await context.newPage();
      const shot = async (name: string) => {
        await expectNoSidewaysScroll(page);
        await expectScheme(page, scheme);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}-${scheme}.png`), fullPage: true });
      };

      await page.goto("/");
      await hydrated(page);
      await shot("landing");

      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      const issue = await firstIssuePath(page);
      await shot("list");

      await page.goto("/issues?q=crash+colour%3Ared");
      await hydrated(page);
      await expect(page.locator('[data-field-error="q"]')).toContainText("at column 7");
      await shot("list-query-error");

      // The suggestions under the box, and the menus following what is typed.
      await page.goto("/issues");
      await hydrated(page);
      await page.getByLabel("Search issues").fill("tag:ui -tag:docs status:");
      await page.getByLabel("Search issues").press("End");
      await expect(page.getByRole("listbox", { name: "Suggestions" })).toBeVisible();
      await shot("list-suggestions");

      // A selection, and the bar that changes it in bulk.
      await page.getByLabel("Search issues").press("Escape");
      await page.getByRole("checkbox", { name: /^Select #/ }).first().check();
      await expect(page.getByTestId("bulk-count")).toHaveText("1 selected");
      await shot("list-bulk");
      await page.getByRole("button", { name: "Clear selection" }).click();

      // The command palette, and the list of shortcuts.
      await page.keyboard.press("Control+k");
      await page.getByRole("combobox", { name: "Find an issue, a page or an action" }).pressSequentially("s");
      await expect(page.getByRole("dialog", { name: "Command palette" }).getByRole("option").first()).toBeVisible();
      await shot("palette");
      await page.keyboard.press("Escape");
      await page.locator("h1").click();
      await page.keyboard.press("?");
      await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
      await shot("shortcuts");
      await page.keyboard.press("Escape");

      await page.goto(issue);
      await hydrated(page);
      await expect(page.getByTestId("timeline")).toBeVisible();
      await shot("issue");

      await page.goto("/dashboard");
      await hydrated(page);
      await expect(page.locator("#chart-severity canvas")).toBeVisible();
      await shot("dashboard");

      await page.goto("/issues/new?template=blank");
      await hydrated(page);
      await shot("new-issue");
      await page.getByLabel("Title").fill("Dark mode chart labels unreadable");
      await expect(page.getByTestId("look-alike")).toBeVisible();
      await expectNoSidewaysScroll(page);
      await shot("new-issue-look-alike");

      // Templates: the page that keeps them, the picker filing starts with, and a form from one.
      const signedIn = await request.post("/api/v1/tokens", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      const auth = { Authorization: `Bearer ${(await signedIn.json()).token}` };
      const made = await request.post("/api/v1/templates", {
        headers: auth,
        data: { name: `Bug report ${size.width} ${scheme}`, about: "Something is broken: the steps, what you expected, what happened", severity: "HIGH", body: "## Steps to reproduce\n\n1. \n\n## Expected\n\n## Actual\n" },
      });
      expect(made.status()).toBe(201);
      const template = await made.json();
      await page.goto("/templates");
      await hydrated(page);
      await shot("templates");
      await page.goto("/issues/new");
      await hydrated(page);
      await expect(page.getByRole("link", { name: /Blank issue/ })).toBeVisible();
      await shot("new-issue-picker");
      await page.goto(`/issues/new?template=${template.slug}`);
      await hydrated(page);
      await expect(page.getByTestId("from-template")).toBeVisible();
      await shot("new-issue-from-template");
      expect((await request.delete(`/api/v1/templates/${template.id}`, { headers: auth })).status()).toBe(204);

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
  for (const url of ["/issues", "/issues?is=open", issue, "/issues/new", "/dashboard", "/tags", "/templates", "/admin/users", "/admin/audit", "/profile", "/notifications", "/settings/notifications"]) {
    await page.goto(url);
    await hydrated(page);
    await expectNoSidewaysScroll(page);
  }
  await context.close();
});
