import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn, signUp } from "./helpers";

// Runs after issue_list.spec.ts (files run in name order), whose counts assume the seed only.

test("a reporter files an issue with markdown and a tag, previews it, and sees it rendered", async ({ page }) => {
  await signUp(page, `filer-${Date.now()}@example.com`);

  await page.getByRole("link", { name: "New issue" }).click();
  await expect(page).toHaveURL(/\/issues\/new$/);
  await hydrated(page);
  // Another test may have a template in use for a moment: then the picker comes first.
  const blank = page.getByRole("link", { name: /Blank issue/ });
  await expect(page.getByLabel("Title").or(blank)).toBeVisible();
  if (await blank.isVisible()) {
    await blank.click();
  }
  await page.getByLabel("Title").fill("Search returns stale results");
  await page.getByLabel("Severity").selectOption("HIGH");
  await page.getByRole("checkbox", { name: "bug" }).check();
  await page.getByLabel("Description (markdown)").fill("Steps:\n\n1. Search **twice**\n2. See `old` rows\n\n<script>window.__xss = 1</script>");
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByTestId("preview").locator("strong")).toHaveText("twice");
  await page.getByRole("tab", { name: "Write" }).click();
  await page.getByRole("button", { name: "File issue" }).click();

  await expect(page).toHaveURL(/\/issues\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Search returns stale results");
  await expect(page.getByTestId("description").locator("strong")).toHaveText("twice");
  await expect(page.getByTestId("description").locator("code")).toHaveText("old");
  await expect(page.getByTestId("tags").getByRole("link", { name: "bug" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(page.getByTestId("triage")).toHaveCount(0);
});

test("a missing title is shown next to the field and the description is kept", async ({ page, allowErrors }) => {
  allowErrors(/status of 422/);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/issues/new?template=blank");
  await hydrated(page);
  await page.getByLabel("Description (markdown)").fill("kept text");
  // The browser's own check would stop an empty title; a title of spaces reaches the server.
  await page.getByLabel("Title").fill("   ");
  await page.getByRole("button", { name: "File issue" }).click();

  await expect(page.locator('[data-field-error="title"]')).toHaveText("a title is required");
  await expect(page.getByLabel("Description (markdown)")).toHaveValue("kept text");
});

test("a maintainer moves an issue through the workflow on its page", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("link", { name: "CSV export drops the last row" }).click();
  await hydrated(page);
  const triage = page.getByTestId("triage");

  const control = triage.getByTestId("status-control");
  // The current status is the control's state, and the main button goes forward, never back.
  await expect(control.locator(".pill")).toHaveText("Triaged");
  await control.getByRole("button", { name: "Start progress" }).click();
  await expect(control.locator(".pill")).toHaveText("In progress");

  await control.getByRole("button", { name: "Mark done" }).click();
  await expect(control.locator(".pill")).toHaveText("Done");
  await expect(control.getByRole("button", { name: "Reopen" })).toBeVisible();

  // Going back a stage is a deliberate choice in the secondary menu.
  await control.getByText("Move back").click();
  await control.getByRole("menuitem", { name: "Back to In progress" }).click();
  await expect(control.locator(".pill")).toHaveText("In progress");
});

test("a stale save shows the conflict, keeps the typed text, and saves after review", async ({ browser, allowErrors }) => {
  allowErrors(/status of 409/);
  const first = await (await browser.newContext()).newPage();
  const second = await (await browser.newContext()).newPage();
  for (const page of [first, second]) {
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("link", { name: "Chart labels are unreadable in dark mode" }).click();
    await hydrated(page);
    await page.getByRole("button", { name: "Edit" }).click();
  }

  await second.getByLabel("Description (markdown)").fill("Fixed by **the second editor**.");
  await second.getByRole("button", { name: "Save", exact: true }).click();
  await expect(second.getByTestId("description").locator("strong")).toHaveText("the second editor");

  await first.getByLabel("Description (markdown)").fill("My own careful notes.");
  await first.getByRole("button", { name: "Save", exact: true }).click();
  await expect(first.getByRole("alert")).toContainText("Someone else changed this issue");
  await expect(first.getByLabel("Description (markdown)")).toHaveValue("My own careful notes.");

  await first.getByRole("button", { name: "Show their version" }).click();
  await expect(first.getByTestId("description").locator("strong")).toHaveText("the second editor");
  await expect(first.getByLabel("Description (markdown)")).toHaveValue("My own careful notes.");
  // The user decides: their version is on screen, and saving over it takes a deliberate click.
  await expect(first.getByTestId("changed-underneath")).toBeVisible();
  await first.getByRole("button", { name: "Keep my text" }).click();
  await first.getByRole("button", { name: "Save", exact: true }).click();
  await expect(first.getByTestId("description")).toHaveText("My own careful notes.");
});

test("an admin deletes an issue after confirming, and restores it from the deleted list", async ({ page, allowErrors }) => {
  // The deleted issue's page may ask for it once more before it leaves.
  allowErrors(/Failed to load resource: the server responded with a status of 404/);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("link", { name: "Typo on the pricing page" }).click();
  await hydrated(page);

  await page.getByRole("button", { name: "Delete issue" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();

  await expect(page).toHaveURL(/\/issues$/);
  await expect(page.getByRole("link", { name: "Typo on the pricing page" })).toHaveCount(0);
  await page.getByTestId("filter-status").locator("summary").click();
  await page.getByTestId("filter-status").getByRole("menuitemradio", { name: "Deleted issues" }).click();
  await expect(page).toHaveURL(/deleted=1/);
  const row = page.getByRole("row").filter({ hasText: "Typo on the pricing page" });
  await row.getByRole("button", { name: "Restore" }).click();
  await expect(row).toHaveCount(0);
  await page.getByTestId("empty-state").getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByRole("link", { name: "Typo on the pricing page" })).toBeVisible();
});

test("a maintainer filters by severity, opens the issue and moves it with the keyboard", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await hydrated(page);
  await page.getByTestId("filter-severity").locator("summary").click();
  await page.getByTestId("filter-severity").getByRole("menuitemradio", { name: "Critical" }).click();
  await expect(page).toHaveURL(/q=severity%3Acritical/);
  await page.getByRole("link", { name: "Login fails for SSO users after a password reset" }).click();
  await hydrated(page);
  const control = page.getByTestId("status-control");
  await expect(control.locator(".pill")).toHaveText("In progress");

  await page.keyboard.press("]");
  await expect(control.locator(".pill")).toHaveText("Done");
  await expect(control.getByRole("button", { name: "Reopen" })).toBeVisible();

  await page.keyboard.press("[");
  await expect(control.locator(".pill")).toHaveText("In progress");
  await expect(control.getByRole("button", { name: "Mark done" })).toBeVisible();
});
