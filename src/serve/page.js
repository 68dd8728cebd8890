// normlife classroom page. Controls are generated from GET /api/scenario; every change
// posts the overrides (the --set PATH=VALUE syntax of the command line) to POST /api/run.
// The answer carries per-step series, collision phases, a ticker and each state's status
// changes: play/step/the slider redraw from those (no re-simulation per frame). After a
// change one sentence says what changed against the previous run. No external assets.
"use strict";

const $ = (id) => document.getElementById(id);
let scenario = null;
let inFlight = false, pending = false, timer = null;
let previous = { adoption: null, collisions: null };
let current = { adoption: null, collisions: null };
let lastEvents = [];
let runCount = 0;
let data = null;          // the last answer
let lastDigest = null;    // digest of the previous answer (for "what changed")
let lastChange = "";      // words for the last lever moved
let step = 0, playing = false, playTimer = null;
let worldNorm = 0;        // the norm the world view shows
let picked = null;        // a state picked by tap/click

const NORM_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
// Adoption cause codes (model::Cause) → colour and words.
const CAUSES = [
  [1, "#8E6BB8", "adopted from the start"],
  [2, "#E69F00", "domestic pressure"],
  [3, "#56B4E9", "persuaded by a coalition"],
  [4, "#009E73", "peer pressure"],
  [5, "#F0E442", "via a related norm"],
];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

function fmt(x) {
  if (typeof x !== "number") return String(x);
  return String(Math.round(x * 10000) / 10000);
}
function pct(x) { return Math.round(100 * x) + "%"; }

// A date for readers: [month or "", year] (no decimal years), or ["step", n].
function dateParts(s) {
  if (!data || data.start_year === null || data.start_year === undefined) return ["step", String(s)];
  const t = data.start_year + s * data.step_years;
  const y = Math.floor(t + 1e-9);
  const m = Math.min(11, Math.floor((t - y) * 12 + 1e-6));
  return [Math.abs(t - Math.round(t)) < 1e-9 ? "" : MONTHS[m], String(y)];
}
function dateText(s) {
  const [m, y] = dateParts(s);
  return m === "step" ? "step " + y : (m ? m + " " + y : y);
}
function yearText(s) {
  const [m, y] = dateParts(s);
  return m === "step" ? "step " + y : y;
}

// ---------------------------------------------------------------- controls
function sameNumber(text, value) {
  return text === fmt(value) || (text !== "" && Number(text) === value);
}

function buildControls(controls) {
  const form = $("controls");
  form.innerHTML = "";
  const groups = new Map();
  controls.forEach((c, ci) => {
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
    row.dataset.ci = ci;
    const name = document.createElement("span");
    name.textContent = c.label;
    row.appendChild(name);
    let input;
    if (c.kind === "number") {
      const range = document.createElement("input");
      range.type = "range";
      range.min = c.min; range.max = c.max; range.step = c.step;
      range.value = c.value;
      range.setAttribute("aria-label", c.group + ": " + c.label);
      input = document.createElement("input");
      input.type = "number";
      input.min = c.min; input.step = "any";
      input.value = fmt(c.value);
      range.addEventListener("input", () => { input.value = range.value; changed(row); });
      input.addEventListener("change", () => { range.value = input.value; changed(row); });
      row.appendChild(range);
      row.appendChild(input);
    } else if (c.kind === "month") {
      input = document.createElement("input");
      input.type = "month";
      input.min = c.options[0]; input.max = c.options[1];
      input.value = c.value;
      input.setAttribute("aria-label", c.group + ": " + c.label);
      input.addEventListener("change", () => changed(row));
      row.appendChild(input);
    } else if (c.kind === "toggle") {
      row.classList.add("toggle");
      input = document.createElement("input");
      input.type = "checkbox";
      input.checked = c.value === true;
      input.addEventListener("change", () => changed(row));
      row.appendChild(input);
    } else {
      input = document.createElement("select");
      for (const o of c.options) {
        const opt = document.createElement("option");
        opt.value = o;
        opt.textContent = o === "" ? "(none declared)" : o;
        input.appendChild(opt);
      }
      input.value = c.value;
      input.addEventListener("change", () => changed(row));
      row.appendChild(input);
    }
    input.dataset.role = "value";
    input.dataset.path = c.path;
    input.dataset.ci = ci;
    row.dataset.path = c.path;
    groups.get(c.group).appendChild(row);
  });
}

function inputOf(ci) { return document.querySelector(`[data-role=value][data-ci="${ci}"]`); }

// Whether control ci differs from the file, and its value as text.
function controlState(ci) {
  const c = scenario.controls[ci], el = inputOf(ci);
  if (!el) return { differs: false };
  if (c.kind === "toggle") return { differs: el.checked !== c.value, text: el.checked ? "on" : "off", toml: el.checked ? c.on : c.off };
  const v = el.value.trim();
  if (c.kind === "number") return { differs: !sameNumber(v, c.value), text: v, toml: v };
  if (c.kind === "month") {
    // "1997-12" → shown as "December 1997", sent as the decimal year 1997.9167.
    const [y, mo] = v.split("-").map(Number);
    const ok = Number.isInteger(y) && mo >= 1 && mo <= 12;
    return { differs: ok && v !== c.value, text: ok ? MONTHS[mo - 1] + " " + y : v,
             toml: ok ? String(Math.round((y + (mo - 1) / 12) * 10000) / 10000) : v };
  }
  return { differs: v !== c.value && v !== "", text: v, toml: v };
}

// The overrides: every control whose value differs from the file's; elements of one
// array (a coalition's values) are sent as the whole array.
function overrides() {
  const set = [], arrays = new Map();
  scenario.controls.forEach((c, ci) => {
    const st = controlState(ci);
    if (c.index !== undefined) {
      if (!arrays.has(c.path)) arrays.set(c.path, { differs: false, items: [] });
      const a = arrays.get(c.path);
      a.differs = a.differs || st.differs;
      a.items[c.index] = st.text;
      return;
    }
    if (st.differs) set.push(`${c.path}=${st.toml}`);
  });
  for (const [path, a] of arrays) if (a.differs) set.push(`${path}=[${a.items.join(", ")}]`);
  return set;
}

function changed(row) {
  const ci = Number(row.dataset.ci);
  const c = scenario.controls[ci];
  const st = controlState(ci);
  row.classList.toggle("changed", st.differs);
  const group = c.group.replace(/^[A-Za-z ]+: /, "");
  lastChange = `setting “${c.label}” (${group}) to ${st.text}`;
  schedule();
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, 150);
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

// ---------------------------------------------------------------- runs
async function run() {
  if (inFlight) { pending = true; return; }
  inFlight = true;
  const body = request();
  showCommand(body);
  $("status").textContent = "running…";
  try {
    const t0 = performance.now();
    const resp = await fetch("/api/run", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await resp.json();
    if (!resp.ok) {
      $("error").textContent = answer.error || ("HTTP " + resp.status);
      $("error").hidden = false;
      $("status").textContent = "the last change was not run (see the message)";
    } else {
      $("error").hidden = true;
      show(answer);
      const rt = Math.round(performance.now() - t0);
      runCount += 1;
      document.body.dataset.runs = String(runCount);
      document.body.dataset.redrawMs = String(rt);
      $("status").textContent = `${answer.replicates} replicate${answer.replicates === 1 ? "" : "s"}, seed ${answer.seed}: ` +
        `computed in ${Math.round(answer.elapsed_ms)} ms, on screen in ${rt} ms` +
        (body.set.length ? ` — ${body.set.length} change${body.set.length === 1 ? "" : "s"} from the file` : " — as in the file");
    }
  } catch (e) {
    $("error").textContent = "error: cannot reach the normlife server: " + e;
    $("error").hidden = false;
  } finally {
    inFlight = false;
    if (pending) { pending = false; run(); }
  }
}

function show(answer) {
  const before = lastDigest;
  data = answer;
  lastDigest = digest(answer);
  $("time").max = answer.steps;
  if (step > answer.steps) step = answer.steps;
  if (worldNorm >= answer.norms.length) worldNorm = 0;
  $("replicate-note").textContent = answer.replicates > 1
    ? `replicate 1 of ${answer.replicates} played; the summary below covers all` : scenario.span;
  $("changed").textContent = before ? whatChanged(before, lastDigest) : "";
  drawLegend();
  drawFrame();
  // The details below the fold.
  if (current.adoption !== null) previous = current;
  current = { adoption: answer.adoption_svg, collisions: answer.collisions_svg };
  redrawPlots();
  $("summary").textContent = answer.summary;
  lastEvents = answer.events;
  $("events-note").textContent = answer.replicates > 1 ? "(of the first replicate)" : "";
  drawEvents();
}

// ---------------------------------------------------------------- what changed
function digest(d) {
  return {
    norms: d.norms.map((n) => ({ name: n.name, tip: n.tipping_step, eif: n.eif_step, opened: n.treaty_opened_step,
      share: n.final_share, compliance: n.final_compliance, stage: n.final_stage })),
    collisions: d.collisions.map((c) => ({ a: c.a, b: c.b, outcome: c.outcome, ended: c.ended_step,
      raised: c.articulated_step, winner: c.winner })),
  };
}

function lowerFirst(s) { return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s; }

function ending(c) {
  if (c.raised === null || c.raised === undefined) return "never being raised";
  if (c.outcome === "open") return "staying open";
  const how = c.outcome === "compromised" ? "a compromise" : c.outcome === "resolved"
    ? `a hierarchy in favour of the ${lowerFirst(c.winner || "")}` : "suppression";
  return `${how} in ${dateText(c.ended)}`;
}
function endingNow(c) {
  if (c.raised === null || c.raised === undefined) return "is now never raised";
  if (c.outcome === "open") return "now stays open";
  return "now ends in " + ending(c);
}

// One sentence: the most visible differences between two runs' digests.
function whatChanged(a, b) {
  const diffs = [];
  b.collisions.forEach((c, i) => {
    const p = a.collisions[i];
    if (!p) return;
    if (p.outcome !== c.outcome || p.ended !== c.ended || (p.raised === null) !== (c.raised === null) || p.winner !== c.winner) {
      diffs.push(`the collision between the ${lowerFirst(c.a)} and the ${lowerFirst(c.b)} ${endingNow(c)} instead of ${ending(p)}`);
    }
  });
  b.norms.forEach((n, i) => {
    const p = a.norms[i];
    const nm = "the " + lowerFirst(n.name);
    if (p.tip !== n.tip) {
      if (n.tip === null) diffs.push(`${nm} now never tips (it tipped in ${dateText(p.tip)})`);
      else if (p.tip === null) diffs.push(`${nm} now tips in ${dateText(n.tip)} (it did not tip before)`);
      else if (dateText(p.tip) !== dateText(n.tip)) diffs.push(`${nm} now tips in ${dateText(n.tip)} instead of ${dateText(p.tip)}`);
    }
    if (p.eif !== n.eif) {
      if (n.eif === null) diffs.push(`its treaty now never enters into force (it did in ${dateText(p.eif)})`);
      else if (p.eif === null) diffs.push(`its treaty now enters into force in ${dateText(n.eif)} (it did not before)`);
      else diffs.push(`its treaty now enters into force in ${dateText(n.eif)} instead of ${dateText(p.eif)}`);
    }
    if (Math.abs(p.share - n.share) >= 0.01) diffs.push(`${nm} ends with ${pct(n.share)} of the weight instead of ${pct(p.share)}`);
    else if (Math.abs(p.compliance - n.compliance) >= 0.01) diffs.push(`compliance with ${nm} ends at ${pct(n.compliance)} instead of ${pct(p.compliance)}`);
  });
  const lead = lastChange ? `After ${lastChange}: ` : "This run: ";
  lastChange = "";
  if (!diffs.length) return lead + "nothing visible changed (same tipping points, treaties and collision endings; final shares within 1 point).";
  return lead + diffs.slice(0, 2).join("; ") + ".";
}

// ---------------------------------------------------------------- drawing
const SVGNS = "http://www.w3.org/2000/svg";
function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function drawLegend() {
  const box = $("curve-legend");
  box.innerHTML = "";
  data.norms.forEach((n, k) => {
    const s = document.createElement("span");
    s.className = "key" + (k === worldNorm ? " on" : "");
    s.title = "show this norm on the world view";
    s.innerHTML = `<span class="swatch" style="background:${NORM_COLOURS[k % 5]}"></span>`;
    s.appendChild(document.createTextNode(n.name));
    s.addEventListener("click", () => { worldNorm = k; drawLegend(); drawFrame(); });
    box.appendChild(s);
  });
  const note = document.createElement("span");
  note.className = "muted";
  note.textContent = "solid: adopted · dashed: complying";
  box.appendChild(note);
  const wl = $("world-legend");
  wl.innerHTML = "";
  const item = (html) => { const s = document.createElement("span"); s.innerHTML = html; wl.appendChild(s); };
  // Only what this run shows: the codes that occur in it.
  const seen = new Set();
  for (const norm of data.world.status || []) for (const ch of norm) for (let i = 1; i < ch.length; i += 2) seen.add(ch[i]);
  const codes = data.world.codes || {};
  const any = (f) => Array.from(seen).some(f);
  item(`<span class="swatch" style="background:#e4e4e4"></span>not adopted`);
  for (const [code, col, words] of CAUSES) {
    if (any((c) => (c & 7) === code)) item(`<span class="swatch" style="background:${col}"></span>${words}`);
  }
  if (any((c) => c & codes.party)) item(`<span class="swatch" style="background:#fff;border:3px solid #111"></span>party to the treaty`);
  if (any((c) => (c & 7) && !(c & codes.complying))) item(`<span class="swatch" style="background:#009E73;opacity:0.4"></span>pale: not complying`);
  if (any((c) => c & codes.absent)) item(`<span class="swatch" style="background:#fff;border:1px dashed #999"></span>not yet a state`);
}

function drawFrame() {
  if (!data) return;
  const s = Math.min(step, data.steps);
  $("time").value = s;
  const [m, y] = dateParts(s);
  $("year").textContent = m === "step" ? "step " + y : y;
  $("month").textContent = m === "step" ? "" : m;
  drawCurve(s);
  drawWorld(s);
  drawLane(s);
  drawTicker(s);
  document.body.dataset.step = String(s);
}

function drawCurve(s) {
  const box = $("curve");
  const W = box.clientWidth, H = box.clientHeight;
  box.innerHTML = "";
  if (W < 50 || H < 50) return;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "adoption curves" }, box);
  const L = 54, R = 26, T = 8, B = 30;
  const x = (t) => L + (W - L - R) * t / Math.max(1, data.steps);
  const yv = (v) => T + (H - T - B) * (1 - v);
  // Axes and grid.
  for (const v of [0, 0.5, 1]) {
    el("line", { x1: L, x2: W - R, y1: yv(v), y2: yv(v), stroke: "#ddd" }, svg);
    const t = el("text", { x: L - 6, y: yv(v) + 6, "text-anchor": "end", "font-size": 18, fill: "#444" }, svg);
    t.textContent = pct(v);
  }
  const ticks = yearTicks(W);
  for (const tk of ticks) {
    el("line", { x1: x(tk), x2: x(tk), y1: H - B, y2: H - B + 5, stroke: "#666" }, svg);
    const t = el("text", { x: x(tk), y: H - 6, "text-anchor": "middle", "font-size": 18, fill: "#444" }, svg);
    t.textContent = yearText(tk);
  }
  el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#666" }, svg);
  // The tipping share.
  const tip = el("line", { x1: L, x2: W - R, y1: yv(data.tipping_share), y2: yv(data.tipping_share), stroke: "#999", "stroke-dasharray": "2 4" }, svg);
  tip.appendChild(document.createElementNS(SVGNS, "title")).textContent = "tipping share";
  // Curves up to step s: weighted share (solid), compliance (dashed).
  data.norms.forEach((n, k) => {
    const col = NORM_COLOURS[k % 5];
    const pts = (arr) => arr.slice(0, s + 1).map((v, t) => `${x(t).toFixed(1)},${yv(v).toFixed(1)}`).join(" ");
    el("polyline", { points: pts(n.compliance), fill: "none", stroke: col, "stroke-width": 2, "stroke-dasharray": "6 4", opacity: 0.8 }, svg);
    el("polyline", { points: pts(n.share), fill: "none", stroke: col, "stroke-width": k === worldNorm ? 4 : 3 }, svg);
    if (n.eif_step !== null && n.eif_step <= s) {
      el("circle", { cx: x(n.eif_step), cy: yv(n.share[n.eif_step]), r: 6, fill: "#fff", stroke: col, "stroke-width": 3 }, svg)
        .appendChild(document.createElementNS(SVGNS, "title")).textContent = "treaty in force, " + dateText(n.eif_step);
    }
  });
  el("line", { x1: x(s), x2: x(s), y1: T, y2: H - B, stroke: "#333", "stroke-width": 1.5 }, svg);
  const note = el("text", { x: W - R - 4, y: yv(data.tipping_share) - 6, "text-anchor": "end", "font-size": 18, fill: "#666" }, svg);
  note.textContent = "tipping share";
}

function yearTicks(W) {
  const n = Math.max(2, Math.floor(W / 90));
  const out = [];
  if (data.start_year === null || data.start_year === undefined) {
    const every = Math.max(1, Math.ceil(data.steps / n));
    for (let t = 0; t <= data.steps; t += every) out.push(t);
    return out;
  }
  const span = data.steps * data.step_years;
  const nice = [1, 2, 5, 10, 20, 25, 50, 100];
  const every = nice.find((e) => span / e <= n) || 100;
  const y0 = Math.ceil(data.start_year / every) * every;
  for (let y = y0; y <= data.start_year + span + 1e-9; y += every) out.push(Math.round((y - data.start_year) / data.step_years));
  return out;
}

// Status code of a state at step s from its change points [step, code, …].
function codeAt(changes, s) {
  let c = 0;
  for (let i = 0; i < changes.length; i += 2) {
    if (changes[i] > s) break;
    c = changes[i + 1];
  }
  return c;
}

function describe(st, code) {
  const w = data.world.codes;
  if (code & w.absent) return `${st.name}: not yet a state`;
  const cause = code & 7;
  let s = st.name + ": " + (cause ? "adopted (" + CAUSES.find((x) => x[0] === cause)[2] + ")" : "not adopted");
  if (code & w.party) s += ", party to the treaty";
  if (cause) s += code & w.complying ? ", complying" : ", not complying";
  if (st.critical) s += " — a critical state";
  return s;
}

function drawWorld(s) {
  const box = $("world");
  const wd = data.world;
  const n = data.norms[worldNorm];
  $("world-norm").textContent = n ? lowerFirst(n.name) : "";
  if (wd.kind === "none") {
    box.innerHTML = `<p>${wd.states} states: too many to draw (at most ${wd.max}).</p>`;
    return;
  }
  const W = box.clientWidth, H = box.clientHeight;
  if (W < 50 || H < 50) return;
  const size = Math.max(3, Math.floor(Math.min(W / wd.cols, H / wd.rows)));
  const gap = size > 8 ? 1.5 : 0.5;
  let svg = box.querySelector("svg");
  const key = `${W}x${H}:${wd.states.length}:${wd.kind}`;
  if (!svg || svg.dataset.key !== key) {
    box.innerHTML = "";
    svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "world view: one square per state" }, box);
    svg.dataset.key = key;
    const ox = Math.max(0, (W - size * wd.cols) / 2);
    for (const lb of wd.labels) {
      const t = el("text", { x: ox + lb.col * size, y: (lb.row + 1.7) * size, "font-size": 18, fill: "#333" }, svg);
      t.textContent = lb.text;
    }
    wd.states.forEach((st, i) => {
      const r = el("rect", { x: ox + st.col * size + gap / 2, y: st.row * size + gap / 2, width: size - gap, height: size - gap, rx: size > 10 ? 2 : 0, class: "tile" }, svg);
      r.dataset.state = st.id;
      r.dataset.i = i;
      el("title", {}, r);
      r.addEventListener("click", () => { picked = i; drawWorld(step); });
    });
  }
  const status = wd.status[worldNorm] || [];
  const tiles = svg.querySelectorAll("rect.tile");
  const codes = wd.codes;
  tiles.forEach((r, i) => {
    const code = codeAt(status[i] || [], s);
    const cause = code & 7;
    let fill = "#e4e4e4", stroke = "none", sw = 0, op = 1;
    if (code & codes.absent) { fill = "#ffffff"; stroke = "#bbb"; sw = 1; }
    else if (cause) {
      fill = (CAUSES.find((c) => c[0] === cause) || CAUSES[0])[1];
      op = code & codes.complying ? 1 : 0.4;
    }
    if (code & codes.party) { stroke = "#111"; sw = Math.max(1.5, size / 6); }
    if (i === picked) { stroke = "#d00"; sw = 3; }
    r.setAttribute("fill", fill);
    r.setAttribute("fill-opacity", op);
    r.setAttribute("stroke", stroke);
    r.setAttribute("stroke-width", sw);
    r.dataset.code = code;
    r.firstChild.textContent = describe(wd.states[i], code);
  });
  $("world-pick").textContent = picked !== null && wd.states[picked]
    ? "— " + describe(wd.states[picked], codeAt(status[picked] || [], s)) : "— tap a square for its name";
}

function drawLane(s) {
  const box = $("lane");
  box.innerHTML = "";
  if (!data.collisions.length) {
    box.textContent = "No norm collision in this scenario.";
    return;
  }
  const PHASE = ["#f2f2f2", "#f5c98a", "#d55e00", "#0072B2"];
  const OUT = { resolved: "#009E73", compromised: "#0072B2", suppressed: "#666666", open: "#d55e00" };
  for (const c of data.collisions) {
    const row = document.createElement("div");
    row.className = "lane";
    const what = document.createElement("span");
    what.className = "what";
    what.textContent = `${c.a} vs ${c.b} at ${c.forum}`;
    const how = document.createElement("span");
    how.className = "how";
    const phaseNow = codeAt(c.phases.flat(), s);
    how.textContent = phaseNow === 0 ? "latent" : phaseNow === 1 ? `raised ${yearText(c.articulated_step)}`
      : phaseNow === 2 ? `open since ${yearText(c.activated_step)}`
      : (c.outcome === "resolved" ? `resolved: ${lowerFirst(c.winner || "")} on top` : c.outcome) + `, ${yearText(c.ended_step)}`;
    if (phaseNow === 3) how.style.color = OUT[c.outcome];
    row.appendChild(what);
    row.appendChild(how);
    const svg = el("svg", { viewBox: `0 0 1000 16`, preserveAspectRatio: "none" }, null);
    el("rect", { x: 0, y: 0, width: 1000, height: 16, fill: "#f2f2f2" }, svg);
    const X = (t) => 1000 * t / Math.max(1, data.steps);
    for (let i = 0; i < c.phases.length; i++) {
      const [t0, ph] = c.phases[i];
      if (t0 > s) break;
      const t1 = Math.min(s, i + 1 < c.phases.length ? c.phases[i + 1][0] : data.steps);
      const col = ph === 3 ? OUT[c.outcome] : PHASE[ph];
      el("rect", { x: X(t0), y: 0, width: Math.max(0, X(t1) - X(t0)), height: 16, fill: col }, svg);
    }
    el("line", { x1: X(s), x2: X(s), y1: 0, y2: 16, stroke: "#333", "stroke-width": 3 }, svg);
    row.appendChild(svg);
    box.appendChild(row);
  }
}

let tickerShown = -1;
function drawTicker(s) {
  const box = $("ticker");
  const items = data.ticker.filter((e) => e.step <= s);
  const last = items.slice(-6).reverse();
  box.innerHTML = "";
  if (!last.length) {
    const li = document.createElement("li");
    li.textContent = `${dateText(0)}: press play to watch the run.`;
    box.appendChild(li);
  }
  for (const e of last) {
    const li = document.createElement("li");
    li.className = e.kind + (e.step === s && s > 0 ? " fresh" : "");
    const w = document.createElement("span");
    w.className = "when";
    w.textContent = e.date + " —";
    li.appendChild(w);
    li.appendChild(document.createTextNode(" " + e.text));
    li.title = e.date + " — " + e.text;
    box.appendChild(li);
  }
  tickerShown = s;
}

// ---------------------------------------------------------------- playback
function frameMs() { return Math.max(30, Math.min(400, 12000 / Math.max(1, data.steps))); }
function setPlaying(on) {
  playing = on && data !== null;
  $("play").textContent = playing ? "❚❚ pause" : "▶ play";
  $("play").setAttribute("aria-label", playing ? "pause" : "play");
  clearInterval(playTimer);
  if (playing) {
    if (step >= data.steps) step = 0;
    playTimer = setInterval(() => {
      if (step >= data.steps) { setPlaying(false); return; }
      step += 1;
      drawFrame();
      if (step >= data.steps) setPlaying(false);
    }, frameMs());
  }
}

// ---------------------------------------------------------------- details (below the fold)
const CURVE_COLOURS = new Set(["#0072B2", "#E69F00", "#009E73"]);
function greyCurves(svgText) {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const svg = doc.documentElement;
  for (const e of Array.from(svg.querySelectorAll("*"))) {
    const stroke = (e.getAttribute("stroke") || "").toUpperCase();
    const points = (e.getAttribute("points") || "").trim().split(/\s+/).length;
    if (e.tagName === "polyline" && CURVE_COLOURS.has(stroke) && points > 2) {
      e.setAttribute("stroke", "#8c8c8c");
      e.setAttribute("stroke-dasharray", "7 4");
    } else {
      e.remove();
    }
  }
  return new XMLSerializer().serializeToString(svg);
}

function drawPlot(id, svg, prev) {
  const div = $(id);
  div.innerHTML = svg;
  if (!$("compare").checked || !prev) return;
  if (id === "adoption") {
    const over = document.createElement("div");
    over.className = "previous";
    over.innerHTML = greyCurves(prev);
    div.appendChild(over);
  } else {
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

// ---------------------------------------------------------------- start
function reset() {
  buildControls(scenario.controls);
  $("seed").value = scenario.seed;
  $("replicates").value = 1;
  lastChange = "the values of the file";
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
  $("meta").textContent = `${scenario.states} states, ${scenario.span}, ${scenario.steps} steps; seed ${scenario.seed}.`;
  $("replicates").max = scenario.max_replicates;
  const tries = scenario.try || [];
  $("try-box").hidden = tries.length === 0;
  for (const t of tries) {
    const li = document.createElement("li");
    li.textContent = t;
    $("try").appendChild(li);
  }
  buildControls(scenario.controls);
  $("seed").value = scenario.seed;
  $("seed").addEventListener("change", () => { lastChange = "setting the seed to " + $("seed").value; schedule(); });
  $("replicates").addEventListener("change", () => { lastChange = "setting the replicates to " + $("replicates").value; schedule(); });
  $("compare").addEventListener("change", redrawPlots);
  $("show-adoptions").addEventListener("change", drawEvents);
  $("show-stages").addEventListener("change", drawEvents);
  $("reset").addEventListener("click", reset);
  $("rerun").addEventListener("click", () => { lastChange = ""; run(); });
  $("play").addEventListener("click", () => setPlaying(!playing));
  $("step").addEventListener("click", () => { setPlaying(false); if (data && step < data.steps) { step += 1; drawFrame(); } });
  $("restart").addEventListener("click", () => { setPlaying(false); step = 0; drawFrame(); });
  $("time").addEventListener("input", () => { setPlaying(false); step = Number($("time").value); drawFrame(); });
  window.addEventListener("resize", () => drawFrame());
  run();
}

init();
