import { expect, test } from "@playwright/test";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn, signUp } from "./helpers";

test("a maintainer's status change and a new issue appear in the other user's open list without a reload", async ({ browser }) => {
  const reporter = await (await browser.newContext()).newPage();
  await signUp(reporter, `live-${Date.now()}@example.com`);
  await reporter.goto("/issues/new");
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
  await expect(row).toContainText("Open");

  const maintainer = await (await browser.newContext()).newPage();
  await signIn(maintainer, ADMIN_EMAIL, ADMIN_PASSWORD);
  await maintainer.goto("/issues");
  await hydrated(maintainer);
  await expect(maintainer.getByTestId("live-status")).toHaveText("Live");
  await maintainer.goto(issuePath);
  await hydrated(maintainer);
  await maintainer.getByTestId("triage").getByLabel(/New status/).selectOption("TRIAGED");
  await maintainer.getByTestId("triage").getByRole("button", { name: "Move" }).click();

  await expect(row).toContainText("Triaged");
  expect(await reporter.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // A new issue filed elsewhere shows up in the maintainer's list as it is.
  await maintainer.goto("/issues");
  await hydrated(maintainer);
  await expect(maintainer.getByTestId("live-status")).toHaveText("Live");
  await reporter.goto("/issues/new");
  await hydrated(reporter);
  await reporter.getByLabel("Title").fill("Filed while you watch");
  await reporter.getByRole("button", { name: "File issue" }).click();
  await expect(maintainer.getByRole("link", { name: "Filed while you watch" })).toBeVisible();
});

/** A server of this test's own, on a fresh database, that it can stop and start again. */
class OwnServer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-restart-"));
  process?: ChildProcess;
  constructor(readonly port: number) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  private env() {
    return {
      PATH: process.env.PATH ?? "",
      DATA_DIR: this.dir,
      DATABASE_URL: `sqlite://${path.join(this.dir, "own.db")}?mode=rwc`,
      BIND_ADDR: `127.0.0.1:${this.port}`,
      LEPTOS_SITE_ROOT: process.env.SITE_ROOT ?? "",
      LOG_LEVEL: "warn",
    };
  }

  run(args: string[], input = "") {
    execFileSync(process.env.SERVER_BIN!, args, { env: this.env(), input, cwd: this.dir });
  }

  async start() {
    this.process = spawn(process.env.SERVER_BIN!, ["serve"], { env: this.env(), cwd: this.dir, stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${this.url}/health`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("own server did not start");
  }

  async stop() {
    const exited = new Promise((r) => this.process?.once("exit", r));
    this.process?.kill("SIGTERM");
    await exited;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

test("after the server restarts, an open list catches up by itself", async ({ browser }) => {
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
