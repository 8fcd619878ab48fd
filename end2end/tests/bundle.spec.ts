import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, fileIssue, hydrated, signIn } from "./helpers";

/** The WASM chunks (split off the main bundle) `page` fetched, by file name. */
function chunksOf(page: import("@playwright/test").Page): string[] {
  const chunks: string[] = [];
  page.on("request", (r) => {
    const name = new URL(r.url()).pathname.split("/").pop() ?? "";
    if (/^(split_|chunk_).*\.wasm$/.test(name)) chunks.push(name);
  });
  return chunks;
}

test("the list and an issue fetch no page's chunk; a lazy page's code comes with it, by link and by address", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  const chunks = chunksOf(page);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  // Filing is a page of its own: its chunk came with it.
  const issue = await fileIssue(page, `Chunks ${Date.now()}`);
  expect(chunks.some((c) => c.startsWith("split___new_issue_view_"))).toBe(true);
  chunks.length = 0;
  await page.goto(issue);
  await hydrated(page);
  await page.goto("/issues");
  await hydrated(page);
  expect(chunks.filter((c) => c.startsWith("split_"))).toEqual([]);

  // By a link in the header: the dashboard hydrates from its own chunk.
  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("open-by-severity")).toBeVisible();
  await expect.poll(() => chunks.some((c) => c.startsWith("split___dashboard_view_"))).toBe(true);
  expect(chunks.some((c) => c.startsWith("split___profile_view_"))).toBe(false);

  // By its address: the server renders it and the page hydrates once its chunk is here.
  const direct = await (await browser.newContext()).newPage();
  const directChunks = chunksOf(direct);
  await signIn(direct, ADMIN_EMAIL, ADMIN_PASSWORD);
  await direct.goto("/profile");
  await hydrated(direct);
  expect(directChunks.some((c) => c.startsWith("split___profile_view_"))).toBe(true);
  await direct.getByLabel("Token name").fill("chunk check");
  await expect(direct.getByLabel("Token name")).toHaveValue("chunk check");
});
