import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

/** The serious and critical violations axe-core finds on the page as it is now. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

for (const scheme of ["light", "dark"] as const) {
  test(`axe-core finds no serious or critical violation on the list, an issue and the palette (${scheme})`, async ({ browser }) => {
    const page = await (await browser.newContext({ colorScheme: scheme })).newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto("/issues");
    await hydrated(page);
    expect(await violations(page), "the list").toEqual([]);

    await page.getByLabel("Search issues").pressSequentially("sev");
    await expect(page.getByRole("listbox", { name: "Suggestions" })).toBeVisible();
    expect(await violations(page), "the search box's suggestions").toEqual([]);
    await page.getByLabel("Search issues").press("Escape");

    await page.getByRole("checkbox", { name: /^Select #/ }).first().check();
    await expect(page.getByTestId("bulk-bar")).toBeVisible();
    expect(await violations(page), "the list with a selection").toEqual([]);

    await page.locator("table.issue-table a.title-link").first().click();
    await expect(page).toHaveURL(/\/issues\/\d+$/);
    await expect(page.getByTestId("timeline")).toBeVisible();
    expect(await violations(page), "an issue").toEqual([]);

    await page.keyboard.press("Control+k");
    await page.getByRole("combobox", { name: "Find an issue, a page or an action" }).pressSequentially("move");
    expect(await violations(page), "the palette").toEqual([]);
  });
}
