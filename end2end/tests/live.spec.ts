import { expect, test } from "./fixtures";
import fs from "node:fs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, OwnServer, adminToken, freePort, hydrated, signIn, signUp } from "./helpers";

test("a maintainer's status change and a new issue appear in the other user's open list without a reload", async ({ browser }) => {
  const reporter = await (await browser.newContext()).newPage();
  await signUp(reporter, `live-${Date.now()}@example.com`);
  await reporter.goto("/issues/new?template=blank");
  await hydrated(reporter);
  await reporter.getByLabel("Title").fill("Live list check");
  await reporter.getByRole("button", { name: "File issue" }).click();
  await expect(reporter).toHaveURL(/\/issues\/\d+$/);
  const issuePath = new URL(reporter.url()).pathname;
  await reporter.goto("/issues");
  await hydrated(reporter);
  await expect(reporter.getByTestId("live-status")).toHaveText("Live");
  await reporter.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const row = reporter.locator("tr").filter({ hasText: "Live list check" });
  await expect(row).toContainText("New");

  const maintainer = await (await browser.newContext()).newPage();
  await signIn(maintainer, ADMIN_EMAIL, ADMIN_PASSWORD);
  await maintainer.goto("/issues");
  await hydrated(maintainer);
  await expect(maintainer.getByTestId("live-status")).toHaveText("Live");
  await maintainer.goto(issuePath);
  await hydrated(maintainer);
  await maintainer.getByTestId("status-control").getByRole("button", { name: "Triage" }).click();

  await expect(row).toContainText("Triaged");
  expect(await reporter.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // A new issue filed elsewhere shows up in the maintainer's list as it is.
  await maintainer.goto("/issues");
  await hydrated(maintainer);
  await expect(maintainer.getByTestId("live-status")).toHaveText("Live");
  await reporter.goto("/issues/new?template=blank");
  await hydrated(reporter);
  await reporter.getByLabel("Title").fill("Filed while you watch");
  await reporter.getByRole("button", { name: "File issue" }).click();
  await expect(maintainer.getByRole("link", { name: "Filed while you watch" })).toBeVisible();
});

test("a change to a row on screen is drawn in place, one the filter leaves out loads nothing, and one that moves a row reloads the list", async ({ browser, request }) => {
  const headers = { Authorization: `Bearer ${await adminToken(request)}` };
  const file = async (title: string) => {
    const response = await request.post("/api/v1/issues", { headers, data: { title, description: "", severity: "LOW" } });
    expect(response.status()).toBe(201);
    return (await response.json()).summary.id as number;
  };
  const move = async (id: number, status: string, version: number) =>
    expect((await request.post(`/api/v1/issues/${id}/transitions`, { headers, data: { status, version } })).status()).toBe(200);
  const shown = await file("Shown in the new list");
  const elsewhere = await file("Triaged before the list opened");
  await move(elsewhere, "TRIAGED", 1);

  const page = await (await browser.newContext()).newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/issues?status=OPEN");
  await hydrated(page);
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const row = page.locator("tr").filter({ hasText: "Shown in the new list" });
  await expect(row).toContainText("Low");
  await expect(page.locator("tr").filter({ hasText: "Triaged before the list opened" })).toHaveCount(0);
  const loads: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("list_issues")) loads.push(r.url());
  });

  // A comment elsewhere, then a comment and a new severity on the row shown: the row changes in
  // place, and the list is not asked for again.
  expect((await request.post(`/api/v1/issues/${elsewhere}/comments`, { headers, data: { body: "Not on this page" } })).status()).toBe(201);
  expect((await request.post(`/api/v1/issues/${shown}/comments`, { headers, data: { body: "Seen live" } })).status()).toBe(201);
  await expect(row.locator(".comment-count")).toContainText("1");
  expect((await request.put(`/api/v1/issues/${shown}/severity`, { headers, data: { severity: "HIGH", version: 1 } })).status()).toBe(200);
  await expect(row).toContainText("High");
  expect(loads).toEqual([]);

  // Triaged, it leaves the list of new issues: only the server knows what takes its place.
  await move(shown, "TRIAGED", 2);
  await expect(row).toHaveCount(0);
  expect(loads.length).toBeGreaterThanOrEqual(1);
});

test("an issue filed onto a later page changes the count shown, without loading the list again", async ({ browser, request }) => {
  const headers = { Authorization: `Bearer ${await adminToken(request)}` };
  const file = async (title: string, severity: string) =>
    expect((await request.post("/api/v1/issues", { headers, data: { title, description: "", severity } })).status()).toBe(201);
  // More severe issues than a page holds, so a low one sorts onto a later page.
  for (let n = 0; n < 51; n += 1) await file(`Severe number ${n}`, "CRITICAL");
  const page = await (await browser.newContext()).newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/issues?status=OPEN&sort=severity");
  await hydrated(page);
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const count = page.getByTestId("issue-count");
  const before = Number((await count.textContent())?.match(/\d+/)?.[0]);
  expect(before).toBeGreaterThan(51);
  const loads: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("list_issues")) loads.push(r.url());
  });

  await file("Minor and far down the list", "LOW");
  await expect(count).toHaveText(`${before + 1} issues`);
  expect(loads).toEqual([]);
  await expect(page.locator("tr").filter({ hasText: "Minor and far down the list" })).toHaveCount(0);

  // One filed at the top of the list is loaded with it.
  await file("Severe and on top", "CRITICAL");
  await expect(page.locator("tr").filter({ hasText: "Severe and on top" })).toBeVisible();
  await expect(count).toHaveText(`${before + 2} issues`);
  expect(loads.length).toBeGreaterThanOrEqual(1);
});

test("after the server restarts, an open list catches up by itself", async ({ browser, allowErrors }) => {
  // While the server is down, the browser reports each refused reconnection.
  allowErrors(/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/);
  test.skip(!process.env.SERVER_BIN, "needs the server binary (cargo xtask test passes it)");
  const server = new OwnServer(await freePort());
  server.run(["admin", "create", "--email", "restart@e2e.test", "--password-stdin"], "restart password 123\n");
  await server.start();
  try {
    const page = await (await browser.newContext({ baseURL: server.url })).newPage();
    await signIn(page, "restart@e2e.test", "restart password 123");
    await page.goto("/issues");
    await hydrated(page);
    await expect(page.getByTestId("live-status")).toHaveText("Live");
    await expect(page.getByText("No issues yet.")).toBeVisible();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    await server.stop();
    await expect(page.getByTestId("live-status")).toHaveText(/Reconnecting|Offline/);
    // Issues arrive while the server is down, with no notice to anyone.
    server.run(["seed-demo"]);
    await server.start();

    await expect(page.getByTestId("live-status")).toHaveText("Live", { timeout: 30_000 });
    await expect(page.getByTestId("issue-count")).toHaveText("5 issues");
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  } finally {
    await server.stop();
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
