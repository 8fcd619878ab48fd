import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import fs from "node:fs";
import { OwnServer, freePort, hydrated, signIn } from "./helpers";

/** The values the severity chart draws, lowest severity first, as ECharts holds them. */
async function severityChart(page: Page): Promise<number[] | null> {
  return page.evaluate(() => {
    const echarts = (window as unknown as { echarts?: { getInstanceByDom(el: Element): { getOption(): { series: { data: ({ value: number } | number)[] }[] } } | undefined } }).echarts;
    const element = document.getElementById("chart-severity");
    const chart = echarts && element ? echarts.getInstanceByDom(element) : undefined;
    return chart ? chart.getOption().series[0].data.map((d) => (typeof d === "number" ? d : d.value)) : null;
  });
}

test("the dashboard charts the seeded issues, follows a severity change live and loads nothing from elsewhere", async ({ browser }) => {
  test.skip(!process.env.SERVER_BIN, "needs the server binary (cargo xtask test passes it)");
  const server = new OwnServer(await freePort());
  server.run(["admin", "create", "--email", "charts@e2e.test", "--password-stdin"], "charts password 123\n");
  server.run(["seed-demo"]);
  await server.start();
  try {
    const watcher = await (await browser.newContext({ baseURL: server.url })).newPage();
    const elsewhere: string[] = [];
    watcher.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("ws://127.0.0.1")) elsewhere.push(request.url());
    });
    await signIn(watcher, "charts@e2e.test", "charts password 123");
    await watcher.goto("/dashboard");
    await hydrated(watcher);
    await expect(watcher.getByTestId("live-status")).toHaveText("Live");

    // The demo data: one open issue of each severity (the done one is low), two open, one triaged, one in progress, one done.
    const open = watcher.getByTestId("open-by-severity");
    await expect(open.locator('tr[data-severity="CRITICAL"] td')).toHaveText("1");
    await expect(open.locator('tr[data-severity="HIGH"] td')).toHaveText("1");
    await expect(open.locator('tr[data-severity="LOW"] td')).toHaveText("1");
    await expect(open.locator("tfoot td")).toHaveText("4");
    // One definition of open: the total is what is New, Triaged or In progress.
    await expect(open.locator("tfoot th")).toHaveText("Open (not done)");
    const byStatus = watcher.getByTestId("by-status");
    const notDone = await Promise.all(["OPEN", "TRIAGED", "IN_PROGRESS"].map(async (s) => Number(await byStatus.locator(`tr[data-status="${s}"] td`).textContent())));
    expect(notDone.reduce((a, b) => a + b, 0)).toBe(4);
    await expect(byStatus.locator('tr[data-status="OPEN"] th')).toHaveText("New");
    // Times read as ages: today is counted live, earlier days are as of the job's last run.
    await expect(watcher.getByText(/Today counts live; earlier days as of (just now|\d+ min ago)\./)).toBeVisible();
    await expect(watcher.getByTestId("oldest")).toContainText(/filed (just now|yesterday|\d+ (min|h|days?) ago)/);
    await expect(watcher.getByTestId("by-status").locator('tr[data-status="OPEN"] td')).toHaveText("2");
    await expect.poll(() => severityChart(watcher)).toEqual([1, 1, 1, 1]);
    await expect(watcher.getByTestId("oldest")).toContainText("Login fails for SSO users");
    await watcher.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    // Someone else raises the Safari issue from high to critical.
    const triager = await (await browser.newContext({ baseURL: server.url })).newPage();
    await signIn(triager, "charts@e2e.test", "charts password 123");
    await triager.goto("/issues");
    await hydrated(triager);
    await triager.getByRole("link", { name: "Checkout button does nothing on Safari 17" }).click();
    await expect(triager).toHaveURL(/\/issues\/\d+$/);
    await hydrated(triager);
    // The severity applies as it is chosen.
    await triager.getByTestId("triage").getByLabel("Severity").selectOption("CRITICAL");

    await expect.poll(() => severityChart(watcher)).toEqual([1, 1, 0, 2]);
    await expect(open.locator('tr[data-severity="CRITICAL"] td')).toHaveText("2");
    expect(await watcher.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    // Dark mode redraws the charts with the dark theme; the numbers stay.
    await watcher.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => severityChart(watcher)).toEqual([1, 1, 0, 2]);
    expect(elsewhere).toEqual([]);
  } finally {
    await server.stop();
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
