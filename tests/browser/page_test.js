// Headless-Chromium test of the `normlife serve` page, run by tests/serve.rs:
//   node page_test.js URL CONTROL_PATH NEW_VALUE SCREENSHOT [SCREENSHOT_COMPARE [TALL_SHOT]]
// (TALL_SHOT: a 1400×1700 view with compare on, plots and summary: docs/img/serve.png.)
// Loads the page, waits for the first run, changes one control (e.g. a coalition's
// power), waits for the redraw and checks that the adoption plot and the event list
// changed; turns "compare" on and checks the previous curves are overlaid; saves
// screenshots. Exits 0 on success, 1 with a message otherwise.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [url, controlPath, newValue, shot, shotCompare, tallShot] = process.argv.slice(2);
const executablePath = process.env.NORMLIFE_CHROMIUM || "/usr/bin/chromium";

function fail(msg) {
  console.error("browser test: " + msg);
  process.exitCode = 1;
}

(async () => {
  // A fresh profile each time (nothing from a previous run or from the user's browser).
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "normlife-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const external = [];
    page.on("request", (r) => { if (!r.url().startsWith(url)) external.push(r.url()); });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForSelector("body[data-runs='1']", { timeout: 20000 });
    const plotBefore = await page.innerHTML("#adoption");
    const eventsBefore = await page.innerText("#events tbody");
    const summaryBefore = await page.innerText("#summary");
    if (!plotBefore.includes("<svg")) fail("no adoption plot (SVG) on the page");
    if (eventsBefore.trim() === "") fail("the event list is empty before the change");

    // Change the control through its number field, as a teacher would type it.
    const field = page.locator(`input[data-role=value][data-path="${controlPath}"]`);
    if ((await field.count()) !== 1) throw new Error(`no control for ${controlPath}`);
    await field.fill(newValue);
    await field.press("Tab");
    await page.waitForSelector("body[data-runs='2']", { timeout: 20000 });
    const plotAfter = await page.innerHTML("#adoption");
    const eventsAfter = await page.innerText("#events tbody");
    const summaryAfter = await page.innerText("#summary");
    const command = await page.innerText("#command");
    if (plotAfter === plotBefore) fail("the adoption plot did not change");
    if (eventsAfter === eventsBefore) fail("the event list did not change");
    if (summaryAfter === summaryBefore) fail("the summary did not change");
    if (!command.includes(`--set ${controlPath}=${newValue}`)) fail(`the command line shown lacks --set ${controlPath}=${newValue}: ${command}`);
    await page.screenshot({ path: shot, fullPage: false });

    // Compare: the previous curves overlaid in grey.
    await page.check("#compare");
    const overlays = await page.locator("#adoption .previous svg").count();
    if (overlays !== 1) fail(`compare is on but ${overlays} previous plot(s) are overlaid`);
    const greyCurves = await page.locator("#adoption .previous svg polyline").count();
    if (greyCurves < 3) fail(`compare is on but the overlay has ${greyCurves} curve(s)`);
    if ((await page.locator("#collisions .previous-below svg").count()) !== 1) fail("compare is on but the previous collision timeline is not shown");
    if (shotCompare) await page.screenshot({ path: shotCompare, fullPage: false });
    const status = await page.innerText("#status");
    console.log("browser test: after the change: " + status);
    if (tallShot) {
      await page.setViewportSize({ width: 1400, height: 1700 });
      await page.screenshot({ path: tallShot, fullPage: false });
      await page.setViewportSize({ width: 1400, height: 1000 });
    }

    // A bad value shows the server's (the CLI's) message and keeps the last drawing.
    await field.fill("7");
    await field.press("Tab");
    await page.waitForSelector("#error:not([hidden])", { timeout: 20000 });
    const err = await page.innerText("#error");
    if (!err.includes("must be a probability or share in [0, 1], got 7")) fail("unexpected error message: " + err);
    if ((await page.innerHTML("#adoption")).indexOf("<svg") < 0) fail("the plot disappeared after a bad value");

    if (external.length) fail("the page requested external resources: " + external.join(", "));
    if (errors.length) fail("JavaScript errors: " + errors.join("; "));
    console.log(`browser test: plot and events changed after ${controlPath}=${newValue}; screenshot ${shot}`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch((e) => { fail(String(e && e.stack || e)); });
