import { expect, test } from "./fixtures";
import { hydrated, signUp } from "./helpers";

/** A 1×1 PNG. */
const PNG = Buffer.from([
  137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68,
  65, 84, 120, 156, 99, 0, 1, 0, 0, 5, 0, 1, 13, 10, 45, 180, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
]);

test("a description loads only the issue's own picture and shows code highlighted", async ({ page }) => {
  // Every request the page makes, to check that markdown made none of its own.
  const requested: string[] = [];
  page.on("request", (request) => requested.push(new URL(request.url()).pathname));
  await signUp(page, `markdown-${Date.now()}@example.com`);
  await page.goto("/issues/new?template=blank");
  await hydrated(page);
  await page.getByLabel("Title").fill("Markdown with pictures and code");
  await page
    .getByLabel("Description (markdown)")
    .fill("Before: <img src=x alt=relative>\n\n![elsewhere](https://example.com/shot.png)\n\n```rust\nfn main() { let answer = 42; }\n```\n");
  await page.getByRole("button", { name: "File issue" }).click();
  await expect(page).toHaveURL(/\/issues\/\d+$/);
  await hydrated(page);

  const description = page.getByTestId("description");
  await expect(description).toContainText("Before: relative");
  await expect(description.locator("img")).toHaveCount(0);
  await expect(description.getByRole("link", { name: "elsewhere" })).toHaveAttribute("href", "https://example.com/shot.png");
  await expect(description.locator("pre code span.hl-keyword").first()).toHaveText("fn");
  await expect(description.locator("pre code span.hl-number")).toHaveText("42");
  await expect(description.locator("[style]")).toHaveCount(0);
  // `<img src=x>` on /issues/5 would have asked for /issues/x; a foreign image is never fetched.
  expect(requested.filter((path) => path.endsWith("/x") || path.endsWith("shot.png"))).toEqual([]);

  // Attach a picture, then show it in the description: it loads from the issue's own preview.
  await page.getByLabel("Attach files", { exact: true }).setInputFiles({ name: "shot.png", mimeType: "image/png", buffer: PNG });
  const row = page.getByTestId("attachments").locator("li").filter({ hasText: "shot.png" });
  await expect(row).toBeVisible();
  const id = await row.getAttribute("data-attachment-id");
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Description (markdown)").fill(`Now: ![the shot](/attachments/${id}) and <img src=x alt=still-text>`);
  await page.getByRole("button", { name: "Save", exact: true }).click();

  const picture = description.getByRole("img", { name: "the shot" });
  await expect(picture).toHaveAttribute("src", `/attachments/${id}/preview`);
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  await expect(description).toContainText("still-text");
  await page.reload();
  await expect(description.getByRole("img", { name: "the shot" })).toBeVisible();
  expect(requested.filter((path) => path.endsWith("/x"))).toEqual([]);
});
