import { expect, test } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD, fileIssue, hydrated, signIn } from "./helpers";

test("sign-up suggests a name and a handle from the address, and the profile changes them", async ({ page }) => {
  const stamp = Date.now();
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Email").fill(`ana.lopez-${stamp}@example.com`);
  await expect(page.getByLabel("Display name")).toHaveValue(`Ana Lopez ${stamp}`);
  await expect(page.getByLabel("Handle", { exact: true })).toHaveValue(`ana-lopez-${stamp}`);
  await page.getByLabel("Handle", { exact: true }).fill(`ana_${stamp}`);
  await page.getByLabel(/^Password/).fill("a good long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/issues$/);

  await page.goto("/profile");
  await hydrated(page);
  await expect(page.getByLabel("Handle", { exact: true })).toHaveValue(`ana_${stamp}`);
  await page.getByLabel("Display name").fill("Ana L");
  await page.getByRole("button", { name: "Save name and handle" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await page.goto(`/u/ana_${stamp}`);
  await expect(page.getByTestId("person-name")).toHaveText("Ana L");
  await expect(page.getByTestId("person-handle")).toHaveText(`@ana_${stamp}`);
  await expect(page.getByTestId("nothing-assigned")).toBeVisible();
});

test("an unknown handle is a not-found page", async ({ page, allowErrors }) => {
  allowErrors(/status of 404/);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const response = await page.goto("/u/nobody-has-this-handle");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No such person" })).toBeVisible();
});

test("a maintainer assigns themselves, then unassigns with the keyboard in the picker", async ({ page }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await fileIssue(page, `Needs an owner ${Date.now()}`);
  await hydrated(page);
  const picker = page.getByTestId("assignee-button");
  await expect(picker).toContainText("Nobody");

  await page.getByRole("button", { name: "Assign to me" }).click();
  await expect(picker).not.toContainText("Nobody");
  await expect(page.getByRole("button", { name: "Assign to me" })).toHaveCount(0);
  await expect(page.getByTestId("timeline")).toContainText("assigned it to");

  // Escape closes the list and gives focus back to the button.
  await picker.click();
  const filter = page.getByRole("combobox", { name: "Filter people" });
  await expect(filter).toBeFocused();
  await filter.fill("no one is called this");
  await expect(page.getByRole("listbox", { name: "Assignee" })).toContainText("Nobody matches.");
  await filter.press("Escape");
  await expect(page.getByRole("listbox", { name: "Assignee" })).toHaveCount(0);
  await expect(picker).toBeFocused();

  // "Unassign" comes first while someone is assigned: Enter chooses it.
  await picker.click();
  await expect(page.getByRole("option", { name: "Unassign" })).toBeVisible();
  await expect(filter).toHaveAttribute("aria-activedescendant", "assignee-option-0");
  await filter.press("Enter");
  await expect(picker).toContainText("Nobody");
  await expect(page.getByTestId("timeline")).toContainText("unassigned");
});
