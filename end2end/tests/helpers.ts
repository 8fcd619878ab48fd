import { type APIRequestContext, expect, type Page } from "@playwright/test";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "admin@e2e.test";
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password";

/** A bearer token for the admin, from the REST API. */
export async function adminToken(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/v1/tokens", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(response.status()).toBe(201);
  return (await response.json()).token;
}

/** Waits until the WASM has hydrated the page (the frontend sets this only after success). */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Signs in through the login form and waits for the issue list. */
/** Files an issue through the form as whoever `page` is signed in as; returns its path. */
export async function fileIssue(page: Page, title: string): Promise<string> {
  await page.goto("/issues/new?template=blank");
  await hydrated(page);
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "File issue" }).click();
  await expect(page).toHaveURL(/\/issues\/\d+$/);
  return new URL(page.url()).pathname;
}

export async function signIn(page: Page, email: string, password: string, next = "") {
  await page.goto(`/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user-email")).toHaveText(email);
}

/** Creates an account through the sign-up form and waits for the issue list. */
export async function signUp(page: Page, email: string, password = "a good long password") {
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/issues$/);
}

/** A server of this test's own, on a fresh database, that it can stop and start again. */
export class OwnServer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-own-"));
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

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A server of the calling test's own, on a copy of the demo database `cargo xtask e2e` seeded
 * once (demo issues and the admin), so no test sees another's data and any test passes alone,
 * in any order, beside others.
 */
export async function seededServer(): Promise<OwnServer> {
  const template = process.env.TEMPLATE_DB;
  if (!template) throw new Error("TEMPLATE_DB is not set: run the tests with `cargo xtask e2e`");
  const server = new OwnServer(await freePort());
  for (const suffix of ["", "-wal"]) {
    if (fs.existsSync(template + suffix)) fs.copyFileSync(template + suffix, path.join(server.dir, "own.db" + suffix));
  }
  await server.start();
  return server;
}

