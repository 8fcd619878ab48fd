import zlib from "node:zlib";
import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn, signUp } from "./helpers";

test("a maintainer's comment appears in the reporter's timeline, after the status change", async ({ browser }) => {
  const reporter = await (await browser.newContext()).newPage();
  await signUp(reporter, `timeline-${Date.now()}@example.com`);
  await reporter.goto("/issues/new?template=blank");
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

/** A valid PNG of `side`×`side` noise (noise does not compress, so the file is about side² × 3 bytes). */
function noisePng(side: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc(side * (1 + side * 3));
  for (let i = 0; i < rows.length; i++) rows[i] = i % (1 + side * 3) === 0 ? 0 : Math.floor(Math.random() * 256);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

test("an image dropped on the issue uploads with a moving progress bar, shows in the timeline, and downloads", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("link", { name: "Chart labels are unreadable in dark mode" }).click();
  await hydrated(page);
  // A slow uplink (about 256 KB/s), so a 600 KB picture takes a couple of seconds to send.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  // Every value the progress bars show, sampled while they are on screen.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __progress: number[] }).__progress = seen;
    setInterval(() => document.querySelectorAll<HTMLProgressElement>("[data-testid=upload-progress] progress").forEach((bar) => seen.push(bar.value)), 20);
  });

  // A real drop: a DataTransfer holding a PNG file, dispatched on the drop zone.
  const png = [...noisePng(450)];
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "dark mode.png", { type: "image/png" }));
    return transfer;
  }, png);
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });

  const row = page.getByTestId("attachments").locator("li").filter({ hasText: "dark mode.png" });
  await expect(row).toBeVisible({ timeout: 20_000 });
  const seen = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
  const between = [...new Set(seen.filter((v) => v > 0 && v < 100))];
  expect(between.length, `the bar moved through values between 0 and 100: ${[...new Set(seen)].join(", ")}`).toBeGreaterThanOrEqual(2);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  // The picture itself arrives and decodes, not only its element.
  const picture = row.locator("img");
  await expect(picture).toHaveAttribute("src", /\/attachments\/\d+\/preview$/);
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(0);
  await expect(page.getByTestId("timeline")).toContainText("attached dark mode.png");

  const download = page.waitForEvent("download");
  await row.getByRole("link", { name: "dark mode.png" }).click();
  expect((await download).suggestedFilename()).toBe("dark mode.png");
});
