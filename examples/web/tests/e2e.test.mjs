// The Security settings page, walked end to end in Debian's Chromium (nothing mocked): the Flask app on
// the real Python binding and a real store, driven through its pages. The server runs in test mode so
// the tests can move its clock (grace period, password expiry, lockout end).
//
// Environment (set by ../run_tests.sh): WEB_BASE_URL, WEB_SERVER_LOG, WEB_PYTHON, WEB_RUN_PY,
// WEB_SCREENSHOTS. Each step leaves a screenshot in WEB_SCREENSHOTS and runs axe-core on the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BASE = process.env.WEB_BASE_URL ?? "http://127.0.0.1:8000";
const SHOTS = process.env.WEB_SCREENSHOTS ?? path.resolve("../../../target/web-screenshots");
const DAY = 86_400;
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];
const ADMIN = { id: "admin", password: "orbit lantern cactus 81" };
const JANE = { id: "jane", password: "plum voyage copper 47" };
const JANE_NEW = "granite meadow violin 93";
const JANE_NEWER = "harbor quilt ember 58 tango";
const ADMIN_NEW = "saffron tundra beacon 62";

const browsers = [];
const secrets = [ADMIN.password, ADMIN_NEW, JANE.password, JANE_NEW, JANE_NEWER];
let shotNo = 0;
let main; // jane's browser (JavaScript on)
let other; // a second browser (JavaScript off) for "the other session"
let adminPage;
let janeSecret;
let adminSecret;
let recoveryCodes;

async function launch(javaScriptEnabled) {
  const dir = mkdtempSync(path.join(tmpdir(), "authward-web-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    javaScriptEnabled,
    acceptDownloads: true,
    viewport: { width: 1000, height: 720 },
  });
  browsers.push({ context, dir });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.problems = [];
  page.javaScriptEnabled = javaScriptEnabled;
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 40[013]/.test(m.text())) page.problems.push(m.text());
  });
  page.on("pageerror", (e) => page.problems.push(String(e)));
  return page;
}

// A screenshot of the step, an axe-core run (no serious or critical violation), and no console errors
// (a script or style the Content-Security-Policy refused would show up there).
async function step(page, name) {
  shotNo += 1;
  const file = path.join(SHOTS, `${String(shotNo).padStart(2, "0")}-${name}.png`);
  // The pop-up is fixed to the viewport: shoot what the user sees; otherwise the whole page.
  const dialogOpen = await page.isVisible("#change-password");
  await page.screenshot({ path: file, fullPage: !dialogOpen });
  assert.deepEqual(page.problems, [], `console errors on ${name}`);
  // axe-core needs scripts; the browser without JavaScript shows the same templates the other one checks.
  if (!page.javaScriptEnabled) return;
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `accessibility violations on ${name} (${page.url()})`);
}

// The two pictures of the README (docs/web-*.png are these, reduced; see examples/web/README.md).
async function docShot(page, name, selector) {
  const file = path.join(SHOTS, `docs-${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file });
}

async function clock(advance) {
  const res = await fetch(`${BASE}/__test__/clock`, advance === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ advance }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).now;
}

// The code an authenticator app shows at the server's current time (oathtool, RFC 6238).
async function totp(secret, offset = 0) {
  const now = (await clock()) + offset;
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${now}`, secret], { encoding: "utf8" }).trim();
}

// Moves the clock to the start of the next 30-second step, so a new code is due.
async function nextStep() {
  const now = await clock();
  await clock(30 - (now % 30) + 1);
}

// Clicks what submits a form or follows a link (a selector or a locator) and waits until the page
// that answers has loaded. A click can return before the new page replaces the old one; reading the
// page then (a flash message, the URL, a field of the same name) would read the old page.
async function submit(page, target) {
  const answered = page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() });
  await (typeof target === "string" ? page.click(target) : target.click());
  await answered;
  await page.waitForLoadState("load");
}

async function signIn(page, who, password = who.password) {
  await page.goto(`${BASE}/signin`);
  await page.fill("#username", who.id);
  await page.fill("#password", password);
  await submit(page, "button:has-text('SIGN IN')");
}

async function enterCode(page, code) {
  await page.fill("#code", code);
  await submit(page, "button:has-text('VERIFY')");
}

async function signOut(page) {
  await submit(page, "button:has-text('Sign out')");
  await page.waitForURL(`${BASE}/signin`);
}

async function text(page, selector) {
  return (await page.locator(selector).innerText()).replace(/\s+/g, " ").trim();
}

// ACTIVATE 2FA: read the text code from the page, compute the app's code, ENABLE, save the codes.
async function enrol(page, name) {
  await page.waitForSelector("figure.qr-figure svg");
  const secret = (await page.locator("#secret").innerText()).replace(/\s+/g, "");
  assert.match(secret, /^[A-Z2-7]{32}$/);
  secrets.push(secret);
  assert.equal(await page.isVisible("#step-enable"), false, "step 2 waits for NEXT");
  await step(page, `${name}-activate-2fa`);
  if (name === "jane") await docShot(page, "web-activate-2fa", "section.card");
  await page.click("#next");
  await page.waitForSelector("#step-enable input.code", { state: "visible" });
  await page.fill("#code", "000000" === (await totp(secret)) ? "111111" : "000000");
  await submit(page, "button:has-text('ENABLE')");
  assert.match(await text(page, "#code-error"), /didn't work/);
  await page.fill("#code", await totp(secret));
  await submit(page, "button:has-text('ENABLE')");
  await page.waitForURL(`${BASE}/security/recovery-codes`);
  const codes = (await page.locator("#recovery-codes code").allInnerTexts()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  secrets.push(...codes);
  return { secret, codes };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  main = await launch(true);
  other = await launch(false);
  adminPage = main; // the admin works in the same browser before jane arrives
});

after(async () => {
  for (const { context, dir } of browsers) {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("test mode is explicit: refused off loopback", () => {
  const run = spawnSync(process.env.WEB_PYTHON ?? "python3", [process.env.WEB_RUN_PY ?? "../run.py"], {
    env: {
      ...process.env,
      AUTHWARD_WEB_TEST_MODE: "1",
      AUTHWARD_WEB_HOST: "0.0.0.0",
      AUTHWARD_WEB_PORT: "1",
      AUTHWARD_WEB_DATA: mkdtempSync(path.join(tmpdir(), "authward-web-refused-")),
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /refused unless the server listens on loopback/);
});

test("the admin turns on 2FA for themself, then enforces 2FA (3 grace days) and 90-day expiry", async () => {
  const page = adminPage;
  await page.goto(BASE);
  await page.waitForURL(`${BASE}/signin`);
  await step(page, "sign-in");
  await signIn(page, ADMIN, "wrong password 1");
  assert.match(await text(page, "#signin-error"), /don't match/);
  await step(page, "sign-in-wrong-password");
  await signIn(page, ADMIN);
  await page.waitForURL(`${BASE}/security`);
  await step(page, "admin-security-page");
  await page.click("a.nav-cta:has-text('ACTIVATE 2FA')");
  const { secret } = await enrol(page, "admin");
  adminSecret = secret;
  await page.check("#saved");
  await submit(page, "button:has-text('CONTINUE')");
  await page.waitForURL(`${BASE}/security`);

  await page.click("nav a:has-text('Account admin')");
  await page.waitForURL(`${BASE}/admin/security`);
  await page.check("#enforce_two_factor");
  await page.fill("#two_factor_grace_days", "3");
  await page.check("#password_expiration");
  await page.fill("#password_expiration_days", "90");
  await page.fill("#password_expiry_warning_days", "14");
  await submit(page, "button:has-text('SAVE POLICIES')");
  await page.waitForURL(`${BASE}/admin/security`);
  assert.match(await text(page, ".flash"), /saved/);
  assert.equal(await page.isChecked("#enforce_two_factor"), true);
  assert.equal(await page.inputValue("#password_expiration_days"), "90");
  const jane = page.locator("tr[data-user=jane]");
  assert.equal(await jane.locator(".tfa").innerText(), "Off");
  assert.match(await jane.locator(".deadline").innerText(), /Thu 8 Jan 2026/);
  assert.match(await jane.locator(".expires").innerText(), /^90 days$/);
  assert.equal(await page.locator("tr[data-user=admin] .tfa").innerText(), "On");
  await step(page, "admin-security-policies");
  await signOut(page);
});

test("inside the grace period jane is signed in and told the deadline", async () => {
  await signIn(main, JANE);
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#grace-banner"), /Turn it on by Thu 8 Jan 2026.*3 days left/);
  await step(main, "grace-period-banner");
  await signOut(main);
});

test("after the grace period the sign-in is sent to enrolment, and nothing else is reachable", async () => {
  await clock(4 * DAY);
  await signIn(main, JANE);
  await main.waitForURL(`${BASE}/signin/required`);
  assert.match(await text(main, "#required-2fa"), /administrator requires two-factor authentication/);
  await step(main, "required-enrolment");
  await main.goto(`${BASE}/security`);
  assert.equal(main.url(), `${BASE}/signin/required`);
  const admin = await main.goto(`${BASE}/admin/security`);
  assert.equal(main.url(), `${BASE}/signin/required`, `admin page answered ${admin.status()}`);

  await main.click("a:has-text('ACTIVATE 2FA')");
  await main.waitForURL(`${BASE}/security/2fa/activate`);
  const { secret, codes } = await enrol(main, "jane");
  janeSecret = secret;
  recoveryCodes = codes;
  await step(main, "recovery-codes");
  const [download] = await Promise.all([main.waitForEvent("download"), main.click("#download")]);
  const saved = readFileSync(await download.path(), "utf8");
  for (const c of codes) assert.ok(saved.includes(c), "the download has every code");
  assert.equal(await main.isVisible("button.print"), true);
  // The codes page stays until the user confirms; other pages lead back to it.
  await main.goto(`${BASE}/security`);
  assert.equal(main.url(), `${BASE}/security/recovery-codes`);
  await main.check("#saved");
  await submit(main, "button:has-text('CONTINUE')");
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#tfa-state"), /^On\./);
  assert.match(await text(main, "#codes-left"), /^10 of 10$/);
  await main.goto(`${BASE}/security/recovery-codes`);
  assert.equal(main.url(), `${BASE}/security`, "the codes are shown only once");
  await step(main, "two-factor-on");
  await signOut(main);
});

test("signing in asks for the code; a replayed code is refused; a recovery code works once", async () => {
  await nextStep();
  await signIn(main, JANE);
  await main.waitForURL(`${BASE}/signin/code`);
  assert.match(await text(main, "label[for=code]"), /Enter the 6-digit code from your authenticator app/);
  assert.equal(await main.getAttribute("#code", "autocomplete"), "one-time-code");
  assert.equal(await main.getAttribute("#code", "inputmode"), "numeric");
  await step(main, "sign-in-code");
  const code = await totp(janeSecret);
  await enterCode(main, code);
  await main.waitForURL(`${BASE}/security`);
  await signOut(main);

  await signIn(main, JANE);
  await main.waitForURL(`${BASE}/signin/code`);
  await enterCode(main, code);
  assert.match(await text(main, "#code-error"), /already used/);
  await step(main, "replayed-code-refused");

  await submit(main, "#use-recovery");
  await main.fill("#code", recoveryCodes[0]);
  await submit(main, "button:has-text('VERIFY')");
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#codes-left"), /^9 of 10$/);
  assert.match(await text(main, "#security-log"), /Recovery code used \(9 left\)/);
  assert.match(await text(main, "#security-log"), /127\.0\.0\.1/);
  await step(main, "signed-in-with-recovery-code");
  await signOut(main);

  await signIn(main, JANE);
  await submit(main, "#use-recovery");
  await main.fill("#code", recoveryCodes[0]);
  await submit(main, "button:has-text('VERIFY')");
  assert.match(await text(main, "#code-error"), /each code works only once/);
  await nextStep();
  await main.goto(`${BASE}/signin/code`);
  await enterCode(main, await totp(janeSecret));
  await main.waitForURL(`${BASE}/security`);
});

test("the session cookie is HttpOnly and SameSite, and a POST without the CSRF token is refused", async () => {
  const cookies = await main.context().cookies(BASE);
  const session = cookies.find((c) => c.name === "session");
  assert.ok(session, "a session cookie");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Lax");
  const res = await main.request.post(`${BASE}/security/2fa/disable`, { form: { password: JANE.password } });
  assert.equal(res.status(), 400);
  const csp = (await main.request.get(`${BASE}/security`)).headers()["content-security-policy"];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
});

test("without JavaScript: a second session signs in, and the pop-up opens and posts", async () => {
  await nextStep();
  await signIn(other, JANE);
  await other.waitForURL(`${BASE}/signin/code`);
  await enterCode(other, await totp(janeSecret));
  await other.waitForURL(`${BASE}/security`);
  await other.click("#open-change-password");
  assert.equal(await other.isVisible("#change-password #current_password"), true);
  await other.fill("#current_password", "not my password 0");
  await other.fill("#new_password", JANE_NEW);
  await other.fill("#confirm_password", JANE_NEW);
  await submit(other, "#change-password button:has-text('SAVE')");
  assert.equal(await other.isVisible("#change-password"), true, "the pop-up stays open with the error");
  assert.match(await text(other, "#current-error"), /isn't your current password/);
  await step(other, "no-js-wrong-current-password");
});

test("change password in the pop-up: mismatch, weak (every violation), wrong current, success", async () => {
  await main.goto(`${BASE}/security`);
  await main.click("#open-change-password");
  await main.waitForSelector("#change-password.is-open");
  assert.equal(await main.getAttribute("#current_password", "autocomplete"), "current-password");
  assert.equal(await main.getAttribute("#new_password", "autocomplete"), "new-password");
  assert.equal(await main.getAttribute("#confirm_password", "autocomplete"), "new-password");

  // The live checklist (rules() as the server judges them) ticks while typing.
  await main.fill("#new_password", "jane");
  await main.waitForSelector("#pw-rules li[data-rule=TOO_SHORT].fail");
  await main.waitForSelector("#pw-rules li[data-rule=CONTAINS_USER_INPUT].fail");
  await main.fill("#new_password", JANE_NEW);
  await main.waitForSelector("#pw-rules li[data-rule=TOO_SHORT].ok");
  await main.waitForSelector("#pw-rules li[data-rule=TOO_WEAK].ok");
  await main.fill("#confirm_password", `${JANE_NEW}x`);
  await main.waitForSelector("#confirm-live:not([hidden])");
  await step(main, "change-password-live-checklist");

  await main.fill("#current_password", JANE.password);
  await submit(main, "#change-password button:has-text('SAVE')");
  await main.waitForSelector("#confirm-error");
  assert.match(await text(main, "#confirm-error"), /doesn't match/);
  await step(main, "change-password-mismatch");

  await main.fill("#current_password", JANE.password);
  await main.fill("#new_password", "jane2026");
  await main.fill("#confirm_password", "jane2026");
  await submit(main, "#change-password button:has-text('SAVE')");
  await main.waitForSelector("#new-error");
  const messages = await main.locator("#new-error li").allInnerTexts();
  assert.equal(messages.length, 3, `every violation: ${messages.join(" | ")}`);
  assert.match(messages.join("\n"), /at least 12 characters/i);
  assert.match(messages.join("\n"), /too easy to guess/i);
  assert.match(messages.join("\n"), /name|user|email/i);
  for (const rule of ["TOO_SHORT", "TOO_WEAK", "CONTAINS_USER_INPUT"]) {
    assert.equal(await main.locator(`#pw-rules li[data-rule=${rule}]`).getAttribute("class"), "fail");
  }
  await step(main, "change-password-weak");
  await docShot(main, "web-change-password");

  await main.fill("#current_password", "not my password 1");
  await main.fill("#new_password", JANE_NEW);
  await main.fill("#confirm_password", JANE_NEW);
  await submit(main, "#change-password button:has-text('SAVE')");
  await main.waitForSelector("#current-error");
  assert.match(await text(main, "#current-error"), /isn't your current password/);
  await step(main, "change-password-wrong-current");

  await main.fill("#current_password", JANE.password);
  await main.fill("#new_password", JANE_NEW);
  await main.fill("#confirm_password", JANE_NEW);
  await submit(main, "#change-password button:has-text('SAVE')");
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, ".flash"), /password was changed/);
  assert.equal(await main.isVisible("#change-password"), false);
  assert.match(await text(main, "#security-log"), /Password changed/);
  await step(main, "password-changed");
  // The page lists the minimum password age, and a second change the same day is refused by it (so
  // the history cannot be cycled back to an old password); it is not on the live checklist.
  assert.match(await text(main, "ul.rules"), /Changed at most once a day/);
  await main.click("#open-change-password");
  await main.waitForSelector("#change-password.is-open");
  assert.equal(await main.locator("#pw-rules li[data-rule=TOO_RECENT]").count(), 0);
  await main.fill("#current_password", JANE_NEW);
  await main.fill("#new_password", JANE_NEWER);
  await main.fill("#confirm_password", JANE_NEWER);
  await submit(main, "#change-password button:has-text('SAVE')");
  await main.waitForSelector("#new-error");
  assert.match(await text(main, "#new-error"), /changed less than a day ago/);
  await step(main, "change-password-too-recent");

  // The other session (the browser without JavaScript) has ended.
  await other.goto(`${BASE}/security`);
  assert.equal(other.url(), `${BASE}/signin`);
  assert.match(await text(other, ".flash"), /signed out because your password/);
  await step(other, "other-session-ended");
});

test("the expiry warning appears inside the warning window, and an expired password must be changed", async () => {
  // The password was changed on day 4 and expires on day 94; the warning starts 14 days before.
  await clock(77 * DAY); // day 81: 13 days left
  await nextStep();
  await signIn(main, JANE, JANE_NEW);
  await main.waitForURL(`${BASE}/signin/code`);
  await enterCode(main, await totp(janeSecret));
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#expiry-banner"), /expires in 13 days/);
  await step(main, "expiry-warning");
  await signOut(main);

  await clock(14 * DAY); // day 95: expired
  await nextStep();
  await signIn(main, JANE, JANE_NEW);
  await enterCode(main, await totp(janeSecret));
  await main.waitForURL(`${BASE}/signin/required`);
  assert.match(await text(main, "#required-password"), /password has expired.*every 90 days/);
  await step(main, "password-expired");
  await main.goto(`${BASE}/security/2fa/activate`);
  assert.equal(main.url(), `${BASE}/security`.replace("/security", "/signin/required"));
  await main.fill("#current_password", JANE_NEW);
  await main.fill("#new_password", JANE_NEWER);
  await main.fill("#confirm_password", JANE_NEWER);
  await submit(main, "button:has-text('SAVE')");
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#expires"), /in 90 days/);
  await signOut(main);
});

// Wrong codes until the sign-in is paused; returns how many were entered. The core may also spend a
// challenge after several wrong codes (the user then types the password again); either way at most
// max_failures (5) are judged before the pause.
async function lockWithWrongCodes(page) {
  const right = await totp(janeSecret);
  const wrong = right === "123456" ? "654321" : "123456";
  let wrongCodes = 0;
  let paused = false;
  while (!paused && wrongCodes < 12) {
    await signIn(page, JANE, JANE_NEWER);
    if (page.url() === `${BASE}/signin`) {
      paused = /paused/.test(await text(page, "#signin-error"));
      break;
    }
    assert.equal(page.url(), `${BASE}/signin/code`);
    while (page.url() === `${BASE}/signin/code`) {
      wrongCodes += 1;
      await enterCode(page, wrong);
    }
    paused = /paused/.test(await text(page, ".flash"));
  }
  assert.ok(paused, "the sign-in is paused");
  assert.ok(wrongCodes >= 5 && wrongCodes <= 6, `paused after ${wrongCodes} wrong codes`);
  assert.match(await text(page, "main"), /paused to protect it\. Try again in 5 minutes/);
  return wrongCodes;
}

test("wrong codes lock the sign-in; the admin sees and ends it; later it ends by itself", async () => {
  await lockWithWrongCodes(main);
  await step(main, "locked-out");
  await signIn(main, JANE, JANE_NEWER);
  assert.match(await text(main, "#signin-error"), /paused/);

  await nextStep();
  await signIn(other, ADMIN);
  await other.waitForURL(`${BASE}/signin/code`);
  await enterCode(other, await totp(adminSecret));
  // The admin's own password (set on day 0) expired on day 90 too.
  await other.waitForURL(`${BASE}/signin/required`);
  await other.fill("#current_password", ADMIN.password);
  await other.fill("#new_password", ADMIN_NEW);
  await other.fill("#confirm_password", ADMIN_NEW);
  await submit(other, "button:has-text('SAVE')");
  await other.waitForURL(`${BASE}/security`);
  await other.goto(`${BASE}/admin/security`);
  const jane = other.locator("tr[data-user=jane]");
  assert.match(await jane.locator(".locked").innerText(), /^Until /);
  assert.equal(await jane.locator(".tfa").innerText(), "On");
  assert.equal(await jane.locator(".deadline").innerText(), "—");
  assert.match(await jane.locator(".locked").innerText(), /too many failed attempts/);
  await step(other, "admin-sees-lock");
  await submit(other, jane.locator("button:has-text('UNLOCK')"));
  assert.match(await text(other, ".flash"), /can sign in again/);
  assert.equal(await other.locator("tr[data-user=jane] .locked").innerText(), "No");

  await nextStep();
  await signIn(main, JANE, JANE_NEWER);
  await main.waitForURL(`${BASE}/signin/code`);
  await enterCode(main, await totp(janeSecret));
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#security-log"), /Sign-in unlocked by your administrator/);
  await signOut(main);

  // Without the admin, the pause ends when the lockout time (5 minutes) is over.
  await lockWithWrongCodes(main);
  await clock(5 * 60 + 1);
  await nextStep();
  await signIn(main, JANE, JANE_NEWER);
  await main.waitForURL(`${BASE}/signin/code`);
  await enterCode(main, await totp(janeSecret));
  await main.waitForURL(`${BASE}/security`);
  assert.match(await text(main, "#security-log"), /Signing in paused after failed attempts/);
  await step(main, "security-log");
});

test("admin actions: require a password change, reset 2FA", async () => {
  await other.goto(`${BASE}/admin/security`);
  await submit(other, "tr[data-user=jane] button:has-text('REQUIRE PASSWORD CHANGE')");
  assert.match(await text(other, ".flash"), /must choose a new password/);
  assert.match(await other.locator("tr[data-user=jane] .expires").innerText(), /change required/);
  await submit(other, "tr[data-user=jane] button:has-text('RESET 2FA')");
  assert.match(await text(other, ".flash"), /was reset/);
  assert.equal(await other.locator("tr[data-user=jane] .tfa").innerText(), "Off");
  await step(other, "admin-actions");
  // A 2FA reset is a credential change: jane's open session has ended; her next sign-in must do both.
  await main.goto(`${BASE}/security`);
  assert.equal(main.url(), `${BASE}/signin`);
  assert.match(await text(main, ".flash"), /signed out because your password or two-factor settings/);
  await signIn(main, JANE, JANE_NEWER);
  await main.waitForURL(`${BASE}/signin/required`);
  assert.match(await text(main, "#required-password"), /administrator asked you to choose a new password/);
  assert.match(await text(main, "#required-2fa"), /requires two-factor authentication/);
  await step(main, "required-after-admin-actions");
});

test("no secret in the server's log", () => {
  const log = readFileSync(process.env.WEB_SERVER_LOG, "utf8");
  assert.match(log, /signed in 'jane'/, "the log is the server's");
  for (const s of secrets) assert.ok(!log.includes(s), "a password, TOTP secret or recovery code was logged");
});
