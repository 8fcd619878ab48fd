import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn, signUp } from "./helpers";

test("a maintainer's comment appears in the reporter's timeline, after the status change", async ({ browser }) => {
  const reporter = await (await browser.newContext()).newPage();
  await signUp(reporter, `timeline-${Date.now()}@example.com`);
  await reporter.goto("/issues/new");
  await hydrated(reporter);
  await reporter.getByLabel("Title").fill("Export hangs at 99%");
  await reporter.getByRole("button", { name: "File issue" }).click();
  await expect(reporter).toHaveURL(/\/issues\/\d+$/);
  const issueUrl = reporter.url();

  const maintainer = await (await browser.newContext()).newPage();
  await signIn(maintainer, ADMIN_EMAIL, ADMIN_PASSWORD);
  await maintainer.goto(issueUrl);
  await hydrated(maintainer);
  await maintainer.getByTestId("status-control").getByRole("button", { name: "Triage" }).click();
  await expect(maintainer.getByTestId("timeline")).toContainText("moved it from New to Triaged");
  await maintainer.getByLabel("Add a comment (markdown)").fill("Can you attach the **log**?");
  await maintainer.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(maintainer.getByTestId("timeline").locator("strong")).toHaveText("log");
  await expect(maintainer.getByLabel("Add a comment (markdown)")).toHaveValue("");

  await reporter.reload();
  const timeline = reporter.getByTestId("timeline");
  await expect(timeline.locator("li").nth(0)).toContainText("filed the issue");
  await expect(timeline.locator("li").nth(1)).toContainText("moved it from New to Triaged");
  await expect(timeline.locator("li").nth(2)).toContainText("Admin");
  await expect(timeline.locator("li").nth(2).locator("strong")).toHaveText("log");

  // The reporter answers, edits the answer, and the timeline marks it edited.
  await hydrated(reporter);
  await reporter.getByLabel("Add a comment (markdown)").fill("Attached below");
  await reporter.getByRole("button", { name: "Comment", exact: true }).click();
  // The newest comment; located by position, since its text leaves the page while it is edited.
  const answer = timeline.locator("li[data-comment-id]").last();
  await expect(answer).toContainText("Attached below");
  await answer.getByRole("button", { name: "Edit" }).click();
  await answer.getByLabel("Edit comment").fill("Attached below (zip)");
  await answer.getByRole("button", { name: "Save comment" }).click();
  await expect(timeline.locator("li").filter({ hasText: "Attached below (zip)" })).toContainText("(edited)");
});

test("an image dropped on the issue uploads with progress, shows in the timeline, and downloads", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("link", { name: "Chart labels are unreadable in dark mode" }).click();
  await hydrated(page);

  // A real drop: a DataTransfer holding a PNG file, dispatched on the drop zone.
  const png = [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 156, 99, 0, 1, 0, 0, 5, 0, 1, 13, 10, 45, 180, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130];
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "dark mode.png", { type: "image/png" }));
    return transfer;
  }, png);
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });

  const row = page.getByTestId("attachments").locator("li").filter({ hasText: "dark mode.png" });
  await expect(row).toBeVisible();
  await expect(row.locator("img")).toHaveAttribute("src", /\/attachments\/\d+\/preview$/);
  await expect(page.getByTestId("timeline")).toContainText("attached dark mode.png");

  const download = page.waitForEvent("download");
  await row.getByRole("link", { name: "dark mode.png" }).click();
  expect((await download).suggestedFilename()).toBe("dark mode.png");
});
