import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

test("the API docs load from this site alone and describe the API", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) elsewhere.push(request.url());
  });
  await page.goto("/docs/");
  await expect(page.getByText("Issues & Insights Tracker API").first()).toBeVisible();
  await expect(page.getByText("/api/v1/issues/{id}/transitions").first()).toBeVisible();
  expect(elsewhere).toEqual([]);
});

test("a personal API token is made on the profile page, works as a bearer token and is revoked there", async ({ page, request }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto("/profile");
  await hydrated(page);
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByLabel("Expires").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())!.trim();
  expect(secret).toMatch(/^trk_[0-9a-f]{64}$/);
  await expect(page.getByTestId("api-tokens")).toContainText("e2e script");

  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe(ADMIN_EMAIL);

  await page.getByRole("button", { name: "Revoke e2e script" }).click();
  await expect(page.getByTestId("api-tokens")).toHaveCount(0);
  const after = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
});
