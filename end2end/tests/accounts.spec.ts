import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn, signUp } from "./helpers";

test("an anonymous visitor is sent to sign in, and comes back after", async ({ page }) => {
  await page.goto("/issues?severity=HIGH");

  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/issues\?severity=HIGH$/);
  await expect(page.getByTestId("issue-count")).toHaveText("1 issue");
});

test("a wrong password shows an error and keeps what was typed", async ({ page, allowErrors }) => {
  allowErrors(/status of 401/);
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await expect(page.getByLabel("Email")).toHaveValue(ADMIN_EMAIL);
});

test("sign-up shows field errors next to the fields", async ({ page, allowErrors }) => {
  allowErrors(/status of 422/);
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Email").fill("someone@example.com");
  await page.getByLabel(/^Password/).fill("short");
  await page.getByRole("button", { name: "Sign up" }).click();

  await expect(page.locator('[data-field-error="password"]')).toHaveText("use at least 8 characters");
  await expect(page.getByLabel("Email")).toHaveValue("someone@example.com");
});

test("a new reporter signs up, sees only their own (empty) list; an admin promotes them to maintainer and triage controls appear", async ({ browser }) => {
  const email = `reporter-${Date.now()}@example.com`;
  const reporterContext = await browser.newContext();
  const reporter = await reporterContext.newPage();

  await signUp(reporter, email);

  await expect(reporter.getByTestId("user-role")).toHaveText("Reporter");
  await expect(reporter.getByText("You have not filed any issues yet.")).toBeVisible();
  await expect(reporter.getByRole("link", { name: "File your first issue" })).toBeVisible();
  await expect(reporter.getByRole("link", { name: "Users", exact: true })).toHaveCount(0);
  await expect(reporter.locator("td.cell-action")).toHaveCount(0);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.getByRole("link", { name: "Users", exact: true }).click();
  await expect(admin).toHaveURL(/\/admin\/users$/);
  await hydrated(admin);
  const userRow = admin.locator(`tr[data-user="${email}"]`);
  await userRow.getByLabel(`Role of ${email}`).selectOption("MAINTAINER");
  await userRow.getByRole("button", { name: "Save role" }).click();
  await expect(userRow.getByLabel(`Role of ${email}`)).toHaveValue("MAINTAINER");

  // The reporter's open page follows the new role by itself, over its live connection.
  await expect(reporter.getByTestId("user-role")).toHaveText("Maintainer");
  await expect(reporter.getByTestId("issue-count")).toHaveText("5 issues");
  // The maintainer's triage controls are there now, and they work.
  await hydrated(reporter);
  const row = reporter.getByRole("row").filter({ hasText: "Checkout button does nothing on Safari 17" });
  await expect(row.getByText("New", { exact: true })).toBeVisible();
  await row.getByLabel(/^Triage \(issue #\d+\)$/).click();
  await row.getByRole("menuitem", { name: "Triage" }).click();
  await expect(row.getByText("Triaged", { exact: true })).toBeVisible();

  await reporterContext.close();
  await adminContext.close();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);

  await page.getByRole("button", { name: "Sign out" }).click();

  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/issues");
  await expect(page).toHaveURL(/\/login\?next=/);
});
