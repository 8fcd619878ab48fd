import { expect, test } from "./fixtures";
import fs from "node:fs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, OwnServer, freePort, hydrated, signIn, signUp } from "./helpers";

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
