// normlife classroom page: controls generated from GET /api/scenario; every change posts
// the overrides (the --set PATH=VALUE syntax of the command line) to POST /api/run and
// redraws the plots, the summary and the event list. No external assets.
"use strict";

const $ = (id) => document.getElementById(id);
let scenario = null;
let inFlight = false, pending = false, timer = null;
let previous = { adoption: null, collisions: null };
let current = { adoption: null, collisions: null };
let lastEvents = [];
let runCount = 0;

function fmt(x) {
  if (typeof x !== "number") return String(x);
  return String(Math.round(x * 10000) / 10000);
}

// A field shows the file's value rounded (fmt): that text still means "unchanged".
function sameNumber(text, value) {
  return text === fmt(value) || (text !== "" && Number(text) === value);
}

function buildControls(controls) {
  const form = $("controls");
  form.innerHTML = "";
  const groups = new Map();
  for (const c of controls) {
    if (!groups.has(c.group)) {
      const fs = document.createElement("fieldset");
      fs.className = "group";
      const lg = document.createElement("legend");
      lg.textContent = c.group;
      fs.appendChild(lg);
      form.appendChild(fs);
      groups.set(c.group, fs);
    }
    const row = document.createElement("label");
    row.className = "row";
    row.title = c.help + "\n--set " + c.path + "=…";
    const name = document.createElement("span");
    name.textContent = c.label;
    row.appendChild(name);
    if (c.kind === "number") {
      const range = document.createElement("input");
      range.type = "range";
      range.min = c.min; range.max = c.max; range.step = c.step;
      range.value = c.value;
      range.dataset.path = c.path;
      range.setAttribute("aria-label", c.group + " " + c.label);
      const num = document.createElement("input");
      num.type = "number";
      num.min = c.min; num.step = "any";
      num.value = fmt(c.value);
      num.dataset.path = c.path;
      num.dataset.role = "value";
      range.addEventListener("input", () => { num.value = range.value; changed(row); });
      num.addEventListener("change", () => { range.value = num.value; changed(row); });
      row.appendChild(range);
      row.appendChild(num);
    } else {
      const sel = document.createElement("select");
      sel.dataset.path = c.path;
      sel.dataset.role = "value";
      for (const o of c.options) {
        const opt = document.createElement("option");
        opt.value = o;
        opt.textContent = o === "" ? "(none declared)" : o;
        sel.appendChild(opt);
      }
      sel.value = c.value;
      sel.addEventListener("change", () => changed(row));
      row.appendChild(sel);
    }
    row.dataset.path = c.path;
    groups.get(c.group).appendChild(row);
  }
}

// The overrides: every control whose value differs from the file's.
function overrides() {
  const set = [];
  for (const c of scenario.controls) {
    const el = document.querySelector(`[data-role=value][data-path="${c.path}"]`);
    if (!el) continue;
    const v = el.value.trim();
    if (c.kind === "number") {
      if (!sameNumber(v, c.value)) set.push(`${c.path}=${v}`);
    } else if (v !== c.value && v !== "") {
      set.push(`${c.path}=${v}`);
    }
  }
  return set;
}

function changed(row) {
  const el = row.querySelector("[data-role=value]");
  const c = scenario.controls.find((x) => x.path === row.dataset.path);
  const differs = c.kind === "number" ? !sameNumber(el.value.trim(), c.value) : el.value !== c.value;
  row.classList.toggle("changed", differs);
  schedule();
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, 120);
}

function shellQuote(s) {
  return /^[A-Za-z0-9_.,=\/:-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
}

function request() {
  const body = { set: overrides() };
  const seed = $("seed").value.trim();
  if (seed !== "") body.seed = Number(seed);
  const r = $("replicates").value.trim();
  body.replicates = r === "" ? 1 : Number(r);
  return body;
}

function showCommand(body) {
  let cmd = "normlife run " + shellQuote(scenario.path);
  if (body.seed !== undefined && body.seed !== scenario.seed) cmd += " --seed " + body.seed;
  if (body.replicates !== 1) cmd += " --replicates " + body.replicates;
  for (const s of body.set) cmd += " \\\n  --set " + shellQuote(s);
  $("command").textContent = cmd;
}

async function run() {
  if (inFlight) { pending = true; return; }
  inFlight = true;
  const body = request();
  showCommand(body);
  $("status").textContent = "running…";
  $("status").classList.add("busy");
  try {
    const t0 = performance.now();
    const resp = await fetch("/api/run", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await resp.json();
    if (!resp.ok) {
      $("error").textContent = data.error || ("HTTP " + resp.status);
      $("error").hidden = false;
      $("status").textContent = "the last change was not run (see the message)";
    } else {
      $("error").hidden = true;
      show(data);
      runCount += 1;
      document.body.dataset.runs = String(runCount);
      const rt = Math.round(performance.now() - t0);
      $("status").textContent = `${data.replicates} replicate${data.replicates === 1 ? "" : "s"}, seed ${data.seed}: ` +
        `computed in ${Math.round(data.elapsed_ms)} ms (${rt} ms with the page)` +
        (body.set.length ? ` — ${body.set.length} change${body.set.length === 1 ? "" : "s"} from the file` : " — as in the file");
    }
  } catch (e) {
    $("error").textContent = "error: cannot reach the normlife server: " + e;
    $("error").hidden = false;
  } finally {
    $("status").classList.remove("busy");
    inFlight = false;
    if (pending) { pending = false; run(); }
  }
}

// The curves of a previous adoption plot, in grey: its polylines of the curve colours
// (the same renderer, so the same frame and scales), everything else removed.
const CURVE_COLOURS = new Set(["#0072B2", "#E69F00", "#009E73"]);
function greyCurves(svgText) {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const svg = doc.documentElement;
  for (const el of Array.from(svg.querySelectorAll("*"))) {
    const stroke = (el.getAttribute("stroke") || "").toUpperCase();
    const points = (el.getAttribute("points") || "").trim().split(/\s+/).length;
    if (el.tagName === "polyline" && CURVE_COLOURS.has(stroke) && points > 2) {
      el.setAttribute("stroke", "#8c8c8c");
      el.setAttribute("stroke-dasharray", "7 4");
    } else {
      el.remove();
    }
  }
  return new XMLSerializer().serializeToString(svg);
}

function drawPlot(id, svg, prev) {
  const div = $(id);
  div.innerHTML = svg;
  if (!$("compare").checked || !prev) return;
  if (id === "adoption") {
    // Overlaid on the current plot: the previous curves, grey and dashed.
    const over = document.createElement("div");
    over.className = "previous";
    over.innerHTML = greyCurves(prev);
    div.appendChild(over);
  } else {
    // A timeline cannot be overlaid: the previous one below it, faded.
    const below = document.createElement("div");
    below.className = "previous-below";
    const cap = document.createElement("p");
    cap.className = "muted small";
    cap.textContent = "previous run:";
    below.appendChild(cap);
    const pic = document.createElement("div");
    pic.innerHTML = prev;
    below.appendChild(pic);
    div.appendChild(below);
  }
}

function show(data) {
  if (current.adoption !== null) previous = current;
  current = { adoption: data.adoption_svg, collisions: data.collisions_svg };
  redrawPlots();
  $("summary").textContent = data.summary;
  lastEvents = data.events;
  $("events-note").textContent = data.replicates > 1 ? "(of the first replicate)" : "";
  drawEvents();
}

function redrawPlots() {
  $("compare-note").hidden = !($("compare").checked && previous.adoption);
  if (current.adoption === null) return;
  drawPlot("adoption", current.adoption, previous.adoption);
  drawPlot("collisions", current.collisions, previous.collisions);
}

function drawEvents() {
  const tbody = $("events").querySelector("tbody");
  tbody.innerHTML = "";
  const adoptions = $("show-adoptions").checked, stages = $("show-stages").checked;
  let n = 0;
  for (const e of lastEvents) {
    if (!adoptions && (e.kind === "adopted" || e.kind === "backslide")) continue;
    if (!stages && e.kind === "stage_changed") continue;
    if (++n > 500) break;
    const tr = document.createElement("tr");
    if (e.kind.startsWith("collision")) tr.className = "collision";
    for (const v of [e.time, e.kind.replace(/_/g, " "), e.norm, e.actor, e.forum, e.detail]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

function reset() {
  buildControls(scenario.controls);
  $("seed").value = scenario.seed;
  $("replicates").value = 1;
  schedule();
}

async function init() {
  try {
    const resp = await fetch("/api/scenario");
    scenario = await resp.json();
    if (!resp.ok) throw new Error(scenario.error);
  } catch (e) {
    $("error").textContent = String(e.message || e);
    $("error").hidden = false;
    return;
  }
  document.title = "normlife: " + scenario.name;
  $("name").textContent = scenario.name;
  $("description").textContent = scenario.description;
  $("meta").textContent = `${scenario.states} states, ${scenario.span}, ${scenario.steps} steps; seed ${scenario.seed}. ` +
    "Change a value: the run is redone and everything below is redrawn.";
  $("replicates").max = scenario.max_replicates;
  buildControls(scenario.controls);
  $("seed").value = scenario.seed;
  $("seed").addEventListener("change", schedule);
  $("replicates").addEventListener("change", schedule);
  $("compare").addEventListener("change", redrawPlots);
  $("show-adoptions").addEventListener("change", drawEvents);
  $("show-stages").addEventListener("change", drawEvents);
  $("reset").addEventListener("click", reset);
  $("rerun").addEventListener("click", run);
  run();
}

init();
