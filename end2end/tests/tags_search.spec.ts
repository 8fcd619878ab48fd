import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn, signUp } from "./helpers";

// Runs after issue_list.spec.ts and before workflow.spec.ts; it changes only the issue below.
const TAGGED_ISSUE = "Chart labels are unreadable in dark mode";

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

test("a maintainer adds a tag, puts it on an issue, and follows it to the filtered list", async ({ page, allowErrors }) => {
  // Adding a name that exists is refused on purpose.
  allowErrors(/status of 409/);
  await page.getByRole("link", { name: "Tags" }).click();
  await expect(page).toHaveURL(/\/tags$/);
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("regression");
  await page.getByLabel("Colour").selectOption("PINK");
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.locator('[data-tag-row="regression"]')).toBeVisible();

  // The same name in other letters is refused, next to the form.
  await page.getByLabel("Name", { exact: true }).fill("Regression");
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "already exists" })).toBeVisible();

  await page.goto("/issues");
  await page.getByRole("link", { name: TAGGED_ISSUE }).click();
  await hydrated(page);
  // The tag menu filters as you type and applies each tick at once, without a Save button.
  const menu = page.getByTestId("tag-menu");
  await menu.locator("summary").click();
  await menu.getByLabel("Filter tags").fill("regr");
  await expect(menu.getByRole("checkbox")).toHaveCount(1);
  await menu.getByRole("checkbox", { name: "regression" }).check();
  await expect(menu.locator("summary")).toContainText("Tags (2)");
  // The typed filter is still there after the change came back.
  await expect(menu.getByLabel("Filter tags")).toHaveValue("regr");
  await page.keyboard.press("Escape");
  const tags = menu;
  await expect(tags.getByRole("link", { name: "regression" })).toBeVisible();
  await expect(tags.getByRole("link", { name: "ui" })).toBeVisible();

  await tags.getByRole("link", { name: "regression" }).click();
  await expect(page).toHaveURL(/\/issues\?tag=regression$/);
  await expect(page.getByTestId("issue-count")).toHaveText("1 issue");
  await expect(page.getByRole("link", { name: TAGGED_ISSUE })).toBeVisible();
});

test("the search box narrows the list through the URL, reads filter keys, and says where a query it cannot read went wrong", async ({ page, allowErrors }) => {
  // The queries it cannot read are answered 422, which the browser logs.
  allowErrors(/status of 422/);
  await page.goto("/issues");
  await hydrated(page);

  await page.getByLabel("Search issues").fill("safari");
  await page.getByLabel("Search issues").press("Enter");

  await expect(page).toHaveURL(/[?&]q=safari/);
  await expect(page.getByTestId("issue-count")).toHaveText("1 issue");
  await expect(page.getByRole("link", { name: "Checkout button does nothing on Safari 17" })).toBeVisible();

  // Keys narrow the list like the controls do; the query stays in the URL.
  await page.getByLabel("Search issues").fill("safari severity:>=high");
  await page.getByLabel("Search issues").press("Enter");
  await expect(page).toHaveURL(/[?&]q=safari\+severity%3A%3E%3Dhigh/);
  await expect(page.getByTestId("issue-count")).toHaveText("1 issue");
  await page.getByLabel("Search issues").fill("safari severity:low");
  await page.getByLabel("Search issues").press("Enter");
  await expect(page.getByText("No issues match these filters.")).toBeVisible();

  // A query the box cannot read says where, and what it expected there.
  await page.getByLabel("Search issues").fill("crash colour:red");
  await page.getByLabel("Search issues").press("Enter");
  await expect(page.locator('[data-field-error="q"]')).toContainText('at column 7: "colour:" is not a key');
  await page.getByLabel("Search issues").fill('"unbalanced %_ -');
  await page.getByLabel("Search issues").press("Enter");
  await expect(page.locator('[data-field-error="q"]')).toContainText("at column 1: a closing quote");

  await page.getByRole("link", { name: "Clear filters" }).first().click();
  await expect(page).not.toHaveURL(/q=/);
  await expect(page.getByLabel("Search issues")).toHaveValue("");
  // Every issue again (other tests may have filed more than the seed's five).
  await expect(page.getByRole("link", { name: "Typo on the pricing page" })).toBeVisible();
});

test("the controls follow a typed query, a control rewrites it, and the box suggests keys and values from the keyboard", async ({ page }) => {
  await page.goto("/issues");
  await hydrated(page);
  const search = page.getByLabel("Search issues");
  const severity = page.getByTestId("filter-severity");
  const suggestions = page.getByRole("listbox", { name: "Suggestions" });

  // Typing moves the controls before anything is searched.
  await search.fill("safari severity:critical");
  await expect(severity.locator("summary")).toContainText("Severity: Critical");
  await expect(page).toHaveURL(/\/issues$/);
  await search.fill("safari severity:>=high");
  await expect(severity.locator("summary")).toContainText("Severity: >=high");

  // Choosing in a control rewrites the query: the range it replaces is gone, the words stay.
  await severity.locator("summary").click();
  await severity.getByRole("menuitemradio", { name: "High", exact: true }).click();
  await expect(page).toHaveURL(/\?q=severity%3Ahigh\+safari$/);
  await expect(search).toHaveValue("severity:high safari");
  await expect(page.getByTestId("issue-count")).toHaveText("1 issue");

  // Suggestions: a key from its first letters, then its values, chosen with the keyboard.
  await search.fill("");
  await search.pressSequentially("sev");
  await expect(suggestions.getByRole("option")).toHaveText([/^severity:/]);
  await search.press("ArrowDown");
  await expect(search).toHaveAttribute("aria-activedescendant", "query-suggestions-0");
  await search.press("Enter");
  await expect(search).toHaveValue("severity:");
  await expect(suggestions.getByRole("option")).toHaveCount(4);
  await search.pressSequentially(">=h");
  await search.press("Tab");
  await expect(search).toHaveValue("severity:>=high ");
  await expect(search).toBeFocused();
  await search.pressSequentially("assignee:");
  await expect(suggestions.getByRole("option", { name: /^assignee:me/ })).toBeVisible();
  await expect(suggestions.getByRole("option", { name: /^assignee:admin/ })).toBeVisible();
  await search.press("Escape");
  await expect(suggestions).toBeHidden();
  await search.pressSequentially("none");
  // Enter with no suggestion chosen searches.
  await search.press("Enter");
  await expect(page).toHaveURL(/\?q=severity%3A%3E%3Dhigh\+assignee%3Anone$/);
  await expect(page.getByTestId("filter-assignee").locator("summary")).toContainText("Assignee: Nobody");
  await expect(severity.locator("summary")).toContainText("Severity: >=high");
});

test("a reporter's name and a tag filter the list, and both can be cleared", async ({ page }) => {
  await page.goto("/issues");
  await hydrated(page);

  // People are shown by name and filtered by handle, never by address.
  await page.getByRole("link", { name: "Demo Reporter" }).first().click();
  await expect(page).toHaveURL(/[?&]q=[^&]*reporter%3Ademo-reporter/);
  const tagMenu = page.getByTestId("filter-tag");
  await tagMenu.locator("summary").click();
  await tagMenu.getByRole("menuitemradio", { name: "bug" }).click();

  await expect(page).toHaveURL(/[?&]q=[^&]*tag%3Abug/);
  await expect(page).toHaveURL(/[?&]q=[^&]*reporter%3Ademo-reporter/);
  await expect(page.getByTestId("issue-count")).toHaveText("2 issues");
  await tagMenu.locator("summary").click();
  await tagMenu.getByRole("menuitemradio", { name: "Any tag" }).click();
  await expect(page).not.toHaveURL(/tag%3A/);
  await page.getByTestId("filters").getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByRole("link", { name: "Typo on the pricing page" })).toBeVisible();
  // No empty parameters pile up in the address.
  await expect(page).toHaveURL(/\/issues$/);
});

test("typing a title suggests the open issues that look alike, without taking the typing away", async ({ page }) => {
  await page.goto("/issues/new?template=blank");
  await hydrated(page);
  const title = page.getByLabel("Title");
  await title.click();
  // Typed key by key, as a person would: the suggestions come once typing pauses.
  await title.pressSequentially("Dark mode chart labels unreadable", { delay: 20 });
  const alike = page.getByTestId("look-alike");
  const suggestion = alike.getByRole("link", { name: /Chart labels are unreadable in dark mode/ });
  await expect(suggestion).toBeVisible();
  await expect(suggestion).toHaveAttribute("target", "_blank");
  await expect(alike.getByText("New", { exact: true }).first()).toBeVisible();
  // The done typo is never suggested, and nothing typed was lost or moved.
  await expect(alike.getByRole("link", { name: /Typo/ })).toHaveCount(0);
  await expect(title).toBeFocused();
  await expect(title).toHaveValue("Dark mode chart labels unreadable");
  await title.pressSequentially(" again", { delay: 20 });
  await expect(title).toHaveValue("Dark mode chart labels unreadable again");

  // A title that looks like nothing shows nothing.
  await title.fill("Quarterly zeppelin invoices");
  await expect(alike).toHaveCount(0);
});

test("a maintainer makes a template, and a link to it opens the filing form filled in from it", async ({ page }) => {
  await page.goto("/templates");
  await hydrated(page);
  // The form is open from the start while there are no templates.
  const newTemplate = page.locator("details").filter({ hasText: "New template" });
  if (!(await newTemplate.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await newTemplate.locator("summary").click();
  }
  await page.getByLabel("Name").first().fill("Crash report");
  await page.getByLabel("When to use it (one line)").first().fill("Something stopped working");
  await page.getByLabel("Severity it starts with").first().selectOption("HIGH");
  await page.getByLabel("Description it starts with (markdown)").first().fill("## Steps to reproduce\n\n1. ");
  await page.getByRole("button", { name: "Add template" }).click();
  const row = page.locator('[data-template-row="crash-report"]');
  await expect(row).toBeVisible();
  await expect(row.getByRole("link", { name: "/issues/new?template=crash-report" })).toBeVisible();

  // Filing now starts with the picker: the template, or a blank issue.
  await page.goto("/issues/new");
  await hydrated(page);
  await expect(page.getByRole("link", { name: /Blank issue/ })).toBeVisible();
  await page.getByRole("link", { name: /Crash report/ }).click();
  await expect(page).toHaveURL(/\/issues\/new\?template=crash-report$/);
  await expect(page.getByTestId("from-template")).toContainText("Crash report");
  await expect(page.getByLabel("Severity")).toHaveValue("HIGH");
  await expect(page.locator("#field-description")).toHaveValue("## Steps to reproduce\n\n1. ");

  // The link alone does the same, and the filed issue names its template.
  await page.goto("/issues/new?template=crash-report");
  await hydrated(page);
  await expect(page.locator("#field-description")).toHaveValue("## Steps to reproduce\n\n1. ");
  await page.getByLabel("Title").fill("Export stops at 99 percent");
  await page.locator("#field-description").fill("## Steps to reproduce\n\n1. Export a large project");
  await page.getByRole("button", { name: "File issue" }).click();
  await expect(page).toHaveURL(/\/issues\/\d+$/);
  await expect(page.getByTestId("filed-from")).toContainText("Crash report");

  // Archived, it is offered no more, and its link opens a blank issue saying so.
  await page.goto("/templates");
  await hydrated(page);
  await row.getByRole("button", { name: "Archive Crash report" }).click();
  await row.getByRole("button", { name: "Yes, archive" }).click();
  await expect(row).toHaveCount(0);
  await page.goto("/issues/new?template=crash-report");
  await hydrated(page);
  await expect(page.getByText("There is no template “crash-report” in use")).toBeVisible();
  await expect(page.getByLabel("Title")).toBeVisible();
});

test("a maintainer saves a query as a shared view, and a reporter who opens it sees only their own issues", async ({ page, browser }) => {
  const name = `UI issues ${Date.now()}`;
  await page.goto("/issues?q=tag%3Aui");
  await hydrated(page);
  const views = page.getByTestId("views");
  // The built-in views are there, each with its count.
  await expect(views.getByRole("link", { name: /Open critical and high/ })).toBeVisible();
  const save = page.getByTestId("save-view");
  await save.getByLabel("Name for this view").fill(name);
  await save.getByLabel("Share with everyone").check();
  await save.getByRole("button", { name: "Save view" }).click();
  const saved = views.locator(`[data-view="${name}"]`);
  await expect(saved).toBeVisible();
  // The view is the page being looked at, and its count is the list's.
  await expect(saved.getByRole("link")).toHaveAttribute("aria-current", "page");
  const total = (await page.getByTestId("issue-count").textContent())!.match(/\d+/)![0];
  await expect(saved.getByTestId("view-count")).toHaveText(total);

  // A reporter has it too, counted and opened as theirs: none of the issues are.
  const context = await browser.newContext();
  const reporter = await context.newPage();
  await signUp(reporter, `viewer-${Date.now()}@example.com`);
  await reporter.goto("/issues");
  await hydrated(reporter);
  const theirs = reporter.getByTestId("views").locator(`[data-view="${name}"]`);
  await expect(theirs.getByTestId("view-count")).toHaveText("0");
  await theirs.getByRole("link").click();
  await expect(reporter).toHaveURL(/[?&]q=tag%3Aui/);
  await expect(reporter.getByText("No issues match these filters.")).toBeVisible();
  // Not theirs to delete.
  await expect(theirs.getByRole("button", { name: /Delete the view/ })).toHaveCount(0);
  await context.close();

  // Its owner deletes it.
  await saved.getByRole("button", { name: `Delete the view ${name}` }).click();
  await expect(saved).toHaveCount(0);
});
