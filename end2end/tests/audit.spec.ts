import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

test("an admin reads the audit log, filters it, and sees the chain verified", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await hydrated(page);

  await expect(page.getByTestId("chain-status")).toContainText("Chain intact");
  await page.getByLabel("Action").selectOption("login");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=login/);
  const rows = page.getByTestId("audit-log").locator("tbody tr");
  await expect(rows.first()).toHaveAttribute("data-action", "login");
  await expect(rows.first()).toContainText(ADMIN_EMAIL);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", "/admin/audit/export.csv?action=login");
});
