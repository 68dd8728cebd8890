// Headless-Chromium test of the `normlife serve` page, run by tests/serve.rs:
//   node page_test.js URL LEVER_PATH LEVER_VALUE SHOT_1280 SHOT_PHONE
// At 1280×720: the key view (adoption curve, world view, collision lane, ticker) fits
// without scrolling and its text is at least 18 px; play advances the year and the world
// view changes colour; moving a lever redraws and one sentence says what changed; a bad
// value shows the server's (the CLI's) message. At 390×844 nothing overflows sideways.
// Saves both screenshots. Prints "redraw_ms N" for tests/serve.rs. Exits 1 on failure.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [url, leverPath, leverValue, shot1280, shotPhone] = process.argv.slice(2);
const executablePath = process.env.NORMLIFE_CHROMIUM || "/usr/bin/chromium";

function fail(msg) {
  console.error("browser test: " + msg);
  process.exitCode = 1;
}

// Colours of the world view's squares: fill and opacity per state.
async function worldColours(page) {
  return page.$$eval("#world rect[data-state]", (rs) => rs.map((r) => r.getAttribute("fill") + "/" + r.getAttribute("fill-opacity") + "/" + r.getAttribute("stroke")).join(","));
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "normlife-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 720 },
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

    // Presentation: the key view within 1280×720, no vertical scroll needed for it.
    for (const id of ["curve-box", "world-box", "lane-box", "ticker", "bar"]) {
      const b = await page.locator("#" + id).boundingBox();
      if (!b) { fail(`#${id} is not shown`); continue; }
      if (b.y + b.height > 720.5 || b.x + b.width > 1280.5) fail(`#${id} ends at ${Math.round(b.x + b.width)}×${Math.round(b.y + b.height)}, outside 1280×720`);
    }
    const small = await page.evaluate(() => {
      const out = [];
      const roots = [document.getElementById("bar"), document.getElementById("view"), document.getElementById("panel")];
      for (const root of roots) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const n = walker.currentNode;
          if (!n.textContent.trim() || !n.parentElement) continue;
          const e = n.parentElement;
          if (e.closest("title")) continue;
          const r = e.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          const px = parseFloat(getComputedStyle(e).fontSize);
          const svg = e.closest("svg");
          let eff = px;
          if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
            eff = px * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          }
          if (eff < 17.5) out.push(`${e.tagName}#${e.id}.${e.className.baseVal ?? e.className} "${n.textContent.trim().slice(0, 30)}" ${eff.toFixed(1)}px`);
        }
      }
      return out;
    });
    if (small.length) fail("text under 18 px: " + small.slice(0, 8).join("; "));
    const tiles = await page.locator("#world rect[data-state]").count();
    if (tiles < 50) fail(`the world view has ${tiles} states`);

    // Play: the year advances and the world view changes colour.
    const year0 = await page.innerText("#year");
    const colours0 = await worldColours(page);
    await page.click("#play");
    await page.waitForFunction(() => Number(document.body.dataset.step) >= 12, null, { timeout: 20000 });
    const year1 = await page.innerText("#year");
    if (!(Number(year1) > Number(year0))) fail(`the year did not advance: ${year0} → ${year1}`);
    const max = Number(await page.getAttribute("#time", "max"));
    await page.waitForFunction((m) => Number(document.body.dataset.step) >= m, max, { timeout: 30000 });
    const colours1 = await worldColours(page);
    if (colours1 === colours0) fail("the world view did not change colour while playing");
    const ticker = await page.innerText("#ticker");
    if (!/\d{4} —/.test(ticker)) fail("the ticker shows no dated event: " + ticker);
    if (/\d{4}\.\d/.test(ticker)) fail("the ticker shows a decimal year: " + ticker);
    // Monthly steps: every ticker line is dated with its month and year ("December 1997 —").
    const whens = await page.$$eval("#ticker .when", (els) => els.map((e) => e.textContent));
    const monthYear = /^(January|February|March|April|May|June|July|August|September|October|November|December) \d{4} —$/;
    for (const w of whens) if (!monthYear.test(w)) fail("a ticker date without its month: " + w);
    // No control shows a decimal year: the treaty's opening is a month picker.
    const opens = page.locator('input[data-path="norms.landmine_ban.treaty.opens_year"]');
    if ((await opens.count()) !== 1) fail("no control for the treaty's opening month");
    else {
      const ty = await opens.getAttribute("type"), v = await opens.inputValue();
      if (ty !== "month" || !/^\d{4}-\d{2}$/.test(v)) fail(`the treaty opening control is ${ty} ${v}, not a month`);
    }
    const decimals = await page.$$eval("input[data-role=value]", (els) =>
      els.map((e) => e.value).filter((v) => /^(1[5-9]|20)\d{2}\.\d+$/.test(v)));
    if (decimals.length) fail("controls show decimal years: " + decimals.join(", "));
    await page.click("#world rect[data-state='" + (await page.getAttribute("#world rect[data-state]", "data-state")) + "']");
    console.log(`browser test: played ${year0} → ${await page.innerText("#year")}; ${tiles} states on the world view`);

    // A lever: the run is redone and one sentence says what changed.
    const field = page.locator(`input[data-role=value][data-path="${leverPath}"]`).first();
    if ((await field.count()) !== 1) throw new Error(`no control for ${leverPath}`);
    if ((await field.getAttribute("type")) === "checkbox") await field.click();
    else { await field.fill(leverValue); await field.press("Tab"); }
    await page.waitForSelector("body[data-runs='2']", { timeout: 20000 });
    const changed = await page.innerText("#changed");
    if (!/^After .+: .+\.$/.test(changed)) fail("no 'what changed' sentence: " + changed);
    const command = await page.innerText("#command");
    if (!command.includes(`--set ${leverPath}=`)) fail(`the command line shown lacks --set ${leverPath}: ${command}`);
    console.log("browser test: " + changed);
    // The picture: the cascade years, the levers and "What to try" in view.
    await page.fill("#time", String(Math.round(max * 0.4)));
    await page.dispatchEvent("#time", "input");
    await page.evaluate(() => { document.activeElement.blur(); document.getElementById("panel").scrollTop = 0; });
    await page.waitForTimeout(200);
    await page.screenshot({ path: shot1280, fullPage: false });
    console.log("redraw_ms " + (await page.getAttribute("body", "data-redraw-ms")));

    // A bad value shows the server's (the CLI's) message and keeps the drawing.
    const power = page.locator("input[data-role=value][type=number][data-path$='.power']").first();
    await power.fill("7");
    await power.press("Tab");
    await page.waitForSelector("#error:not([hidden])", { timeout: 20000 });
    const err = await page.innerText("#error");
    if (!err.includes("must be a probability or share in [0, 1], got 7")) fail("unexpected error message: " + err);
    if (!(await page.isVisible("#error"))) fail("the error is not visible");
    await power.fill("0.5");
    await power.press("Tab");
    await page.waitForSelector("#error[hidden]", { state: "attached", timeout: 20000 });

    // Phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 391) fail(`at 390 px wide the page is ${wide} px wide (sideways scroll)`);
    for (const id of ["curve", "world"]) {
      const b = await page.locator("#" + id).boundingBox();
      if (!b || b.width < 300 || b.height < 150) fail(`#${id} on a phone is ${b && Math.round(b.width)}×${b && Math.round(b.height)}`);
    }
    await page.screenshot({ path: shotPhone, fullPage: false });

    const fav = await page.evaluate(async () => (await fetch("/favicon.svg")).status);
    if (fav !== 200) fail("no favicon");
    if (external.length) fail("the page requested external resources: " + external.join(", "));
    if (errors.length) fail("JavaScript errors: " + errors.join("; "));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch((e) => { fail(String(e && e.stack || e)); });
