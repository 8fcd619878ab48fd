import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

// Seeded by `server seed-demo` before the run.
const HIGH_ISSUE = "Checkout button does nothing on Safari 17";
const CRITICAL_ISSUE = "Login fails for SSO users after a password reset";

/** The count the list announces agrees with the rows it shows (other tests add issues, so the
 * number itself is not fixed; all of them fit on the first page). */
async function expectCountOfRows(page: Page) {
  const rows = await page.locator("tr[data-issue-id]").count();
  expect(rows).toBeGreaterThan(0);
  await expect(page.getByTestId("issue-count")).toHaveText(rows === 1 ? "1 issue" : `${rows} issues`);
}

test.describe("before the WASM loads", () => {
  test.use({ javaScriptEnabled: false });

  test.beforeEach(async ({ page }) => {
    // Without JavaScript the login form posts natively and the server redirects.
    await page.goto("/login?next=/issues");
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/issues$/);
  });

  test("the list arrives server-rendered with the seeded issues", async ({ page }) => {
    await page.goto("/issues");

    await expect(page.getByRole("heading", { name: "Issues" })).toBeVisible();
    await expect(page.getByRole("cell", { name: HIGH_ISSUE })).toBeVisible();
    await expectCountOfRows(page);
    await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
  });

  test("filters work as plain links", async ({ page }) => {
    await page.goto("/issues");

    await page.getByTestId("filter-severity").locator("summary").click();
    await page.getByTestId("filter-severity").getByRole("menuitemradio", { name: "Critical" }).click();

    await expect(page).toHaveURL(/\?q=severity%3Acritical$/);
    await expect(page.getByRole("cell", { name: CRITICAL_ISSUE })).toBeVisible();
    await expect(page.getByRole("cell", { name: HIGH_ISSUE })).toHaveCount(0);
    await expectCountOfRows(page);
  });
});

test.describe("signed in", () => {
test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

test("after hydration a filter changes the list without a reload, and back restores it", async ({ page }) => {
  await page.goto("/issues");
  await hydrated(page);
  // A full page load would wipe this marker.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await page.getByTestId("filter-severity").locator("summary").click();
  await page.getByTestId("filter-severity").getByRole("menuitemradio", { name: "Critical" }).click();

  await expect(page).toHaveURL(/\?q=severity%3Acritical$/);
  await expect(page.getByRole("cell", { name: CRITICAL_ISSUE })).toBeVisible();
  await expect(page.getByRole("cell", { name: HIGH_ISSUE })).toHaveCount(0);
  await expect(page.getByTestId("filter-severity").locator("summary")).toContainText("Severity: Critical");
  // The choice closed the menu.
  await expect(page.getByTestId("filter-severity")).not.toHaveAttribute("open", "");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  await page.goBack();

  await expect(page.getByRole("cell", { name: HIGH_ISSUE })).toBeVisible();
  await expectCountOfRows(page);
});

test("a filter that matches nothing says so and offers a way back", async ({ page }) => {
  await page.goto("/issues?severity=CRITICAL&q=zzqx-matches-nothing");
  await hydrated(page);

  await expect(page.getByText("No issues match these filters.")).toBeVisible();
  await page.getByTestId("empty-state").getByRole("link", { name: "Clear filters" }).click();

  await expect(page).toHaveURL(/\/issues$/);
  await expect(page.getByRole("cell", { name: HIGH_ISSUE })).toBeVisible();
  await expectCountOfRows(page);
});

});

test("an unknown address shows a not-found page", async ({ page, allowErrors }) => {
  allowErrors(/status of 404/);
  const response = await page.goto("/no/such/page");

  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
