import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, fileIssue, hydrated, signIn } from "./helpers";

test("a maintainer steps through the list with j and k, selects three with x, moves them to Triaged in bulk, and another page updates live", async ({ browser }) => {
  const word = `bulk${Date.now()}`;
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  for (const n of [1, 2, 3, 4]) {
    await fileIssue(admin, `Bulk check ${word} ${n}`);
  }

  // A second person watches the same view.
  const watcher = await (await browser.newContext()).newPage();
  await signIn(watcher, ADMIN_EMAIL, ADMIN_PASSWORD);
  await watcher.goto(`/issues?q=${word}`);
  await hydrated(watcher);
  await expect(watcher.getByTestId("live-status")).toHaveText("Live");
  await expect(watcher.locator("table.issue-table .pill-triaged")).toHaveCount(0);

  await admin.goto(`/issues?q=${word}`);
  await hydrated(admin);
  await expect(admin.getByTestId("issue-count")).toHaveText("4 issues");
  const rows = admin.locator("table.issue-table tbody tr");
  // j moves the cursor down (the focus follows, on the row's title), k back up.
  await admin.keyboard.press("j");
  await expect(rows.nth(0)).toHaveClass(/row-cursor/);
  await expect(rows.nth(0).locator("a.title-link")).toBeFocused();
  await admin.keyboard.press("j");
  await admin.keyboard.press("j");
  await admin.keyboard.press("k");
  await expect(rows.nth(1)).toHaveClass(/row-cursor/);
  // x picks the row at the cursor; Shift+x picks the range from the last one picked.
  await admin.keyboard.press("k");
  await admin.keyboard.press("x");
  await admin.keyboard.press("j");
  await admin.keyboard.press("j");
  await admin.keyboard.press("Shift+X");
  await expect(admin.getByTestId("bulk-count")).toHaveText("3 selected");
  await expect(rows.nth(3)).not.toHaveClass(/row-picked/);

  // The bar's status menu, from the keyboard.
  const status = admin.getByLabel("Set status of the selected issues");
  await status.focus();
  await status.selectOption("TRIAGED");
  await expect(admin.getByTestId("bulk-outcome")).toContainText("3 changed");
  await expect(admin.locator("table.issue-table .pill-triaged")).toHaveCount(3);
  await expect(admin.getByTestId("bulk-count")).toBeHidden();

  // The other page heard of it without a reload.
  await expect(watcher.locator("table.issue-table .pill-triaged")).toHaveCount(3);

  // o opens the issue at the cursor.
  await rows.nth(3).locator("a.title-link").focus();
  await admin.keyboard.press("o");
  await expect(admin).toHaveURL(/\/issues\/\d+$/);
});

test("? lists the shortcuts, / goes to the search box, and an issue's keys open what its page has", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const issue = await fileIssue(page, `Keys check ${Date.now()}`);
  await page.goto("/issues");
  await hydrated(page);

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("select the range");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await page.keyboard.press("/");
  await expect(page.getByLabel("Search issues")).toBeFocused();
  // Typing in a field is typing, not shortcuts.
  await page.keyboard.type("c?j");
  await expect(page.getByLabel("Search issues")).toHaveValue("c?j");
  await expect(help).toBeHidden();
  await expect(page).toHaveURL(/\/issues$/);

  await page.goto(issue);
  await hydrated(page);
  await page.keyboard.press("s");
  await expect(page.getByTestId("severity-select")).toBeFocused();
  await page.locator("h1").click();
  await page.keyboard.press("t");
  await expect(page.getByTestId("tag-menu-button")).toHaveAttribute("open", "");
  await page.keyboard.press("Escape");
  await page.locator("h1").click();
  await page.keyboard.press("r");
  await expect(page.locator("#new-comment")).toBeFocused();
  await page.locator("h1").click();
  await page.keyboard.press("c");
  await expect(page).toHaveURL(/\/issues\/new$/);
});

test("Ctrl-K opens the palette: it finds pages, finds an issue by its words, moves it, acts on a selection, and Esc gives the focus back", async ({ page }) => {
  // The palette's code is a chunk of its own, fetched the first time it opens.
  const chunks: string[] = [];
  page.on("request", (r) => {
    if (/\/pkg\/split_dialog_[^/]+\.wasm$/.test(new URL(r.url()).pathname)) chunks.push(r.url());
  });
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const word = `palette${Date.now()}`;
  const issue = await fileIssue(page, `Palette check ${word}`);
  const id = issue.split("/").pop();
  await page.goto("/issues");
  await hydrated(page);
  const palette = page.getByRole("dialog", { name: "Command palette" });
  const find = palette.getByRole("combobox", { name: "Find an issue, a page or an action" });

  // Ctrl-K works even from a field, and Esc gives the focus back there.
  expect(chunks).toEqual([]);
  await page.keyboard.press("/");
  await page.keyboard.press("Control+k");
  await expect(find).toBeFocused();
  expect(chunks).toHaveLength(1);
  await page.keyboard.press("Escape");
  await expect(palette).toBeHidden();
  await expect(page.getByLabel("Search issues")).toBeFocused();

  // A page by name; the chunk is not fetched again.
  await page.keyboard.press("Control+k");
  await find.pressSequentially("dash");
  expect(chunks).toHaveLength(1);
  await expect(palette.getByRole("option")).toHaveText([/Dashboard/]);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);

  // An issue by its words (the server's search), then an action on it.
  await page.keyboard.press("Control+k");
  await find.pressSequentially(word);
  await expect(palette.getByRole("option").first()).toHaveText(new RegExp(`#${id} Palette check`));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/issues/${id}$`));
  await hydrated(page);
  await page.keyboard.press("Control+k");
  await find.pressSequentially("move to triaged");
  await expect(palette.getByRole("option")).toHaveText([/Move to Triaged/]);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("status-control")).toContainText("Triaged");
  await expect(page.getByTestId("assignee-button")).toContainText("Nobody");
  await page.keyboard.press("Control+k");
  await find.pressSequentially("assign to me");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("assignee-button")).not.toContainText("Nobody");

  // The selection's actions, on the list.
  await page.goto(`/issues?q=${word}`);
  await hydrated(page);
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await page.keyboard.press("Control+k");
  await find.pressSequentially("severity of 1 selected issue to critical");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("bulk-outcome")).toContainText("1 changed");
  await expect(page.locator("table.issue-table")).toContainText("Critical");
});

test("a bulk change of many issues is one reload on another open page, and the one changed meanwhile is reported by number", async ({ browser, request }) => {
  const word = `many${Date.now()}`;
  const token = (await (await request.post("/api/v1/tokens", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).json()).token as string;
  const auth = { Authorization: `Bearer ${token}` };
  const ids: number[] = [];
  for (let n = 1; n <= 24; n++) {
    const created = await request.post("/api/v1/issues", { headers: auth, data: { title: `Many at once ${word} ${n}`, severity: "LOW" } });
    expect(created.status()).toBe(201);
    ids.push((await created.json()).summary.id);
  }

  const watcher = await (await browser.newContext()).newPage();
  await signIn(watcher, ADMIN_EMAIL, ADMIN_PASSWORD);
  await watcher.goto(`/issues?q=${word}`);
  await hydrated(watcher);
  await expect(watcher.getByTestId("live-status")).toHaveText("Live");
  await expect(watcher.getByTestId("issue-count")).toHaveText("24 issues");
  const reloads: string[] = [];
  watcher.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/fn/list_issues")) reloads.push(r.url());
  });

  // The triager's page hears nothing after its greeting, so the change below makes its row stale.
  const triager = await (await browser.newContext()).newPage();
  await triager.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (JSON.parse(String(message)).type === "hello") ws.send(message);
    });
  });
  await signIn(triager, ADMIN_EMAIL, ADMIN_PASSWORD);
  await triager.goto(`/issues?q=${word}`);
  await hydrated(triager);
  await expect(triager.getByTestId("issue-count")).toHaveText("24 issues");
  await triager.keyboard.press("Control+a");
  await expect(triager.getByTestId("bulk-count")).toHaveText("24 selected");

  const moved = await request.post(`/api/v1/issues/${ids[5]}/transitions`, { headers: auth, data: { status: "TRIAGED", version: 1 } });
  expect(moved.status()).toBe(200);
  // A single change reloads the other page at once.
  await expect.poll(() => reloads.length).toBeGreaterThanOrEqual(1);
  await expect(watcher.locator("table.issue-table .pill-triaged")).toHaveCount(1);
  const before = reloads.length;

  await triager.getByLabel("Set severity of the selected issues").selectOption("HIGH");
  const outcome = triager.getByTestId("bulk-outcome");
  await expect(outcome).toContainText("23 changed; 1 refused");
  await expect(outcome.locator("li")).toHaveCount(1);
  await expect(outcome.locator("li")).toContainText(`#${ids[5]}: someone else changed this issue`);
  await expect(triager.getByTestId("bulk-count")).toHaveText("1 selected");

  // The watcher's list shows all 23 without a reload per issue.
  await expect(watcher.locator("table.issue-table td.cell-severity", { hasText: "High" })).toHaveCount(23);
  await watcher.waitForTimeout(1500);
  // One reload for the bulk change (two if it straddled another test's change), not 23.
  expect(reloads.length - before, reloads.join("\n")).toBeLessThanOrEqual(3);
});
