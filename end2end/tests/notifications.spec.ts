import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, fileIssue, hydrated, signIn, signUp } from "./helpers";

test("a maintainer comments, assigns and triages; the reporter's bell rises live, the inbox opens the issue at the change and the count drops", async ({ browser }) => {
  const reporter = await (await browser.newContext()).newPage();
  await signUp(reporter, `bell-${Date.now()}@example.com`);
  const issuePath = await fileIssue(reporter, "Bell check");
  await reporter.goto("/issues");
  await hydrated(reporter);
  await expect(reporter.getByTestId("live-status")).toHaveText("Live");
  await expect(reporter.getByTestId("bell")).toHaveAttribute("aria-label", "Notifications, none unread");
  await expect(reporter.getByTestId("bell-count")).toHaveCount(0);
  await reporter.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const maintainer = await (await browser.newContext()).newPage();
  await signIn(maintainer, ADMIN_EMAIL, ADMIN_PASSWORD);
  await maintainer.goto(issuePath);
  await hydrated(maintainer);
  await maintainer.getByLabel("Add a comment (markdown)").fill("Looking into it");
  await maintainer.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(maintainer.getByTestId("timeline")).toContainText("Looking into it");
  // Taking the issue tells the new owner only (here the actor, so nobody); the reporter hears
  // about the comment and the status.
  await maintainer.getByRole("button", { name: "Assign to me" }).click();
  await expect(maintainer.getByTestId("assignee-button")).toContainText("Admin");
  await maintainer.getByTestId("status-control").getByRole("button", { name: "Triage" }).click();

  await expect(reporter.getByTestId("bell-count")).toHaveText("2");
  expect(await reporter.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  await reporter.getByTestId("bell").click();
  await expect(reporter).toHaveURL(/\/notifications$/);
  const group = reporter.getByTestId("inbox-group").filter({ hasText: "Bell check" });
  await expect(group.getByTestId("inbox-summary")).toHaveText("Status changed to Triaged, a new comment");
  await expect(group.getByTestId("inbox-line")).toHaveCount(2);
  await expect(reporter.getByTestId("inbox-unread")).toHaveText("2 unread notifications");

  // The comment's line opens the issue at that comment; having read it, the count drops.
  await group.getByRole("link", { name: "Admin commented" }).click();
  await expect(reporter).toHaveURL(new RegExp(`${issuePath}#comment-\\d+$`));
  const hash = new URL(reporter.url()).hash;
  await expect(reporter.locator(hash)).toBeInViewport();
  await expect(reporter.getByTestId("bell-count")).toHaveCount(0);
  await expect(reporter.getByTestId("bell")).toHaveAttribute("aria-label", "Notifications, none unread");
});

test("@ in a comment suggests only people who may see the issue, and the keyboard picks one", async ({ browser }) => {
  const stamp = Date.now();
  const outsider = await (await browser.newContext()).newPage();
  await signUp(outsider, `outsider${stamp}@example.com`);
  const reporter = await (await browser.newContext()).newPage();
  await signUp(reporter, `mentioner${stamp}@example.com`);
  const issuePath = await fileIssue(reporter, "Mention check");
  await reporter.goto(issuePath);
  await hydrated(reporter);
  const box = reporter.getByLabel("Add a comment (markdown)");
  await box.click();
  await box.pressSequentially("Thanks @adm");
  const list = reporter.getByTestId("mention-list");
  await expect(list).toBeVisible();
  await expect(list.getByRole("option")).toContainText(["@admin"]);
  await expect(box).toBeFocused();
  await box.press("Enter");
  await expect(box).toHaveValue("Thanks @admin ");
  await expect(list).toBeHidden();

  // Another reporter may not see this issue: they are never suggested.
  await box.pressSequentially(`and @outsider${stamp}`.slice(0, 14));
  await expect(list).toBeHidden();
  await box.fill("Thanks @admin for looking");
  await reporter.getByRole("button", { name: "Comment", exact: true }).click();
  const mention = reporter.getByTestId("timeline").getByRole("link", { name: "@admin" });
  await expect(mention).toHaveAttribute("href", "/u/admin");
});
