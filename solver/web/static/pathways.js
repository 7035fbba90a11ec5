/* Pathways web explorer: plain JavaScript, no build step. Every value shown is set as text, never as HTML. */
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const QUALIFICATION = document.body.dataset.qualification;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

// The qualification's unit codes: a code may hold a space ("SHC 31"), so a list is split at commas, and a part
// at spaces only when it is not itself a code ("8000-250 8000-252").
const KNOWN = new Set(JSON.parse(document.body.dataset.codes || "[]"));

function codes(text) {
  return (text || "").split(/[,;\n]+/).map((part) => part.trim().split(/\s+/).join(" ")).filter(Boolean)
    .flatMap((part) => (KNOWN.has(part) || !part.includes(" ") ? [part] : part.split(" ")));
}

function fmt(n) {
  return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-GB");
}

// A value the specification does not publish is said so, never shown as "null" or "None".
function shown(n, what = "unpublished") {
  return n === null || n === undefined ? what : fmt(n);
}

/* A figure exact, or the bound unpublished values leave ("at least 9", "9 to 37"), or "unpublished". */
function bounded(n, low, high) {
  if (n !== null && n !== undefined) return fmt(n);
  if (low === null || low === undefined) return "unpublished";
  return high === null || high === undefined ? `at least ${fmt(low)}` : `${fmt(low)} to ${fmt(high)}`;
}

/* Dates are written as the page's locale writes them (en-GB: dd/mm/yyyy); ISO (yyyy-mm-dd) is taken too. */
class DateError extends Error {}

function dateOf(input) {
  const text = (input.value || "").trim();
  if (!text) return null;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const [day, month, year] = m ? [m[1], m[2], m[3]] : ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)) ? [m[3], m[2], m[1]] : []);
  const iso = year ? `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}` : "";
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (!iso || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) {
    const label = input.labels && input.labels[0] ? input.labels[0].firstChild.textContent.trim() : "date";
    throw new DateError(`${label}: expected a date as dd/mm/yyyy (for example 01/08/2024), got "${text}"`);
  }
  return iso;
}

function ukDate(iso) {
  return iso ? iso.split("-").reverse().join("/") : iso;
}

function dateProblem(error) {
  if (!(error instanceof DateError)) throw error;
  return el("div", {class: "error", role: "alert"}, el("p", {}, error.message));
}

// The named pathway and reading a view answers for (its selectors, when the qualification has them).
function shape(prefix) {
  const pathway = $(`#${prefix}-pathway`), reading = $(`#${prefix}-reading`);
  return {pathway: pathway && pathway.value ? pathway.value : null, reading: reading && reading.value ? reading.value : null};
}

function pathwayNote(data) {
  if (!data.pathway) return null;
  return el("p", {class: "pathway-chosen"}, "Named pathway: ", el("strong", {}, data.pathway_title || data.pathway),
    data.pathway_chosen ? ` (${data.pathway_chosen})` : "");
}

// "Let the solver fill import slots" (as --fill-imports), where the qualification has import slots: {} otherwise,
// so each endpoint keeps its own default (as its CLI command does).
function fillImports(prefix) {
  const box = $(`#${prefix}-fill-imports`);
  return box ? {fill_imports: box.checked} : {};
}

/* Rule versions: a selector listing the versions by their start sets the registration date; a date typed shows
   the version it selects (no date: a new learner, under the newest). */
function versionOf(select, iso) {
  const options = Array.from(select.options).filter((o) => o.value);
  if (!iso) return options[options.length - 1];
  return options.find((o) => (!o.dataset.from || o.dataset.from <= iso) && (!o.dataset.until || iso <= o.dataset.until));
}

function ruleVersions() {
  for (const select of $$("select.rule-version")) {
    const input = document.getElementById(select.dataset.date);
    const note = document.getElementById(`${select.id}-note`);
    const show = () => {
      let iso;
      try { iso = dateOf(input); } catch (error) { note.textContent = ""; return; }
      const version = versionOf(select, iso);
      select.value = iso && version ? version.value : "";
      if (!version) { note.textContent = ""; return; }
      const rules = version.dataset.rules ? `: ${version.dataset.rules}` : "";
      note.textContent = (iso ? `The version for learners ${version.textContent} applies`
        : `No date: a new learner, under the newest version (${version.textContent})`) + rules;
    };
    select.addEventListener("change", () => {
      if (select.value) {
        input.value = ukDate(select.value);
        input.dispatchEvent(new Event("change", {bubbles: true}));
      }
      show();
    });
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
  }
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  let data;
  try { data = await response.json(); } catch (e) { data = {message: "the server sent no JSON"}; }
  return {ok: response.ok, status: response.status, data};
}

function problemBox(data) {
  const box = el("div", {class: "error", role: "alert"}, el("p", {}, data.error ? `${data.error}:` : "error:"));
  const problems = data.problems || [];
  if (problems.length) box.append(el("ul", {}, problems.map((p) => el("li", {}, p.text))));
  else box.append(el("p", {}, data.message || ""));
  return box;
}

function table(headers, rows, caption) {
  const t = el("table", {class: "data"});
  if (caption) t.append(el("caption", {}, caption));
  t.append(el("thead", {}, el("tr", {}, headers.map((h) => el("th", {scope: "col"}, h)))));
  t.append(el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c))))));
  return t;
}

function statusBadge(status) {
  return el("span", {class: `status status-${status.toLowerCase()}`}, status);
}

/* --- catalogue: filter rows as the user types -------------------------------------------------- */
function catalogue() {
  const input = $("#search");
  const rows = $$("#qualifications tbody tr");
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const hit = words.every((w) => row.dataset.search.includes(w));
      row.hidden = !hit;
      shown += hit ? 1 : 0;
    }
    $("#search-count").textContent = `${shown} qualification${shown === 1 ? "" : "s"}`;
  });
}

/* --- pathway builder: every tick re-checks every rule -------------------------------------------- */
function builder() {
  const boxes = $$('input[name="unit"]');
  let latest = 0;
  // A unit offered in several modes is claimed as CODE@MODE when a mode is chosen beside it.
  const modeOf = (box) => $(".unit-mode", box.closest(".unit"));
  const claimOf = (box) => (modeOf(box) && modeOf(box).value ? `${box.value}@${modeOf(box).value}` : box.value);
  const ticked = () => boxes.filter((b) => b.checked).map(claimOf);
  const unitOf = (claim) => claim.split("@")[0];
  function tickClaims(claims, on) { // tick (or untick) the units of these claims, setting the mode each names
    const named = new Map(claims.map((c) => [unitOf(c), c.includes("@") ? c.split("@")[1] : null]));
    for (const box of boxes) {
      if (!named.has(box.value)) continue;
      box.checked = on;
      if (on && named.get(box.value) && modeOf(box)) modeOf(box).value = named.get(box.value);
    }
  }
  const learner = () => ({registered: dateOf($("#registered")), achieved: codes($("#achieved").value),
    exempt: codes($("#exempt").value), ...shape("b"), ...fillImports("b")});

  async function refresh() {
    const mine = ++latest;
    const list = $("#rules");
    let asked;
    try { asked = learner(); } catch (error) { list.replaceChildren(el("li", {}, dateProblem(error))); return; }
    const {ok, data} = await api("/api/check", {qualification: QUALIFICATION, units: ticked(), ...asked});
    if (mine !== latest) return; // a newer tick has been sent: show only its answer
    list.replaceChildren();
    if (!ok) { showRepair(null); list.append(el("li", {}, problemBox(data))); return; }
    markUnclaimable(data.unclaimable || {});
    for (const row of $$(".unit[data-unit]")) { // a unit offered in several modes: the mode it is claimed in
      const mode = (data.modes || {})[row.dataset.unit];
      const note = $(".claimed-mode", row);
      note.hidden = !mode;
      note.textContent = mode ? `claimed ${mode}` : "";
    }
    const onPathway = $("#pathway-verdict");
    onPathway.hidden = !data.pathway;
    if (data.pathway) {
      const each = Object.entries(data.pathways || {}).map(([, p]) => `${p.title}: ${p.valid ? "valid" : "not valid"}`);
      onPathway.textContent = `Checked on the ${data.pathway_title} pathway` + (each.length ? ` (${each.join("; ")}).` : ".");
    }
    // A figure resting on unpublished values comes as null with its bound: say "at least", never a bare number.
    $("#total-credits").textContent = bounded(data.credits, data.credits_at_least, data.credits_at_most);
    $("#total-glh").textContent = bounded(data.glh, data.glh_at_least);
    $("#total-new-glh").textContent = bounded(data.new_glh, data.new_glh_at_least);
    const failing = data.rules.filter((r) => !r.holds).length;
    const verdict = $("#verdict");
    verdict.className = `verdict ${data.valid ? "holds" : "fails"}`;
    verdict.textContent = data.valid ? "Valid pathway: every rule holds."
      : `Not valid yet: ${failing} rule${failing === 1 ? "" : "s"} failing.`;
    showRepair(data.repair);
    for (const rule of data.rules) {
      const item = el("li", {class: rule.holds ? "holds" : "fails", "data-rule": rule.id},
        el("span", {class: "mark"}, rule.holds ? "✓ holds" : "✗ fails"), " ",
        el("span", {class: "sentence"}, rule.description));
      if (rule.required) item.append(el("div", {class: "muted"}, `needs ${rule.required}; has ${rule.actual}`));
      if (rule.fix) item.append(el("div", {class: "fix"}, `Fix: ${rule.fix}`));
      list.append(item);
    }
  }

  // Units this learner cannot claim (withdrawn, not yet available, replaced from a cut-off): marked, with why.
  function markUnclaimable(barred) {
    let count = 0;
    for (const row of $$(".unit[data-unit]")) {
      const why = barred[row.dataset.unit];
      row.classList.toggle("unclaimable", Boolean(why));
      const note = $(".unclaimable-reason", row);
      note.hidden = !why;
      note.textContent = why ? `Not claimable at this registration date: ${why}` : "";
      count += why ? 1 : 0;
    }
    $("#unclaimable-summary").textContent = count
      ? `${count} unit${count === 1 ? "" : "s"} cannot be claimed at this registration date (marked below).` : "";
  }

  // The nearest valid pathway (the fewest units to add and remove), as `check` finds it: one change to apply.
  function showRepair(repair) {
    const box = $("#repair");
    box.hidden = !repair;
    if (!repair) return;
    $("#repair-sentence").textContent = repair.sentence;
    const apply = $("#apply-repair");
    apply.hidden = !repair.best;
    apply.onclick = () => {
      tickClaims(repair.best.add, true);
      tickClaims(repair.best.remove, false);
      refresh();
    };
  }

  async function complete() {
    const message = $("#complete-message");
    message.textContent = "Completing…";
    const before = new Set(ticked());
    let asked;
    try { asked = learner(); } catch (error) { message.replaceChildren(dateProblem(error)); return; }
    const {ok, data} = await api("/api/recommend", {qualification: QUALIFICATION, include: [...before], ...asked});
    message.replaceChildren();
    if (!ok) { message.append(problemBox(data)); return; }
    if (!data.units.length) {
      message.append(el("span", {}, statusBadge(data.status), " ",
        (data.explanation || []).join(" ") || "No pathway found within the time limit."));
      return;
    }
    for (const box of boxes) box.checked = false;
    tickClaims(data.units, true);
    const had = new Set([...before].map(unitOf));
    const added = data.units.filter((c) => !had.has(unitOf(c)));
    message.append(statusBadge(data.status), " ", added.length
      ? `Added ${added.join(", ")}: ${shown(data.new_glh)} new GLH in total, ${bounded(data.credits, data.credits_at_least, data.credits_at_most)} credits.`
      : "Already complete: nothing to add.", pathwayNote(data) || "");
    await refresh();
  }

  boxes.forEach((b) => b.addEventListener("change", refresh));
  $$(".unit-mode").forEach((select) => select.addEventListener("change", refresh));
  $("#registered").addEventListener("change", refresh);
  $("#achieved").addEventListener("change", refresh);
  $("#exempt").addEventListener("change", refresh);
  for (const select of $$("#b-pathway, #b-reading, #b-fill-imports")) select.addEventListener("change", refresh);
  $("#complete").addEventListener("click", complete);
  $("#clear").addEventListener("click", () => { boxes.forEach((b) => { b.checked = false; }); refresh(); });
  refresh();
}

/* --- learner view ------------------------------------------------------------------------------ */
function goals(text) {
  const out = {};
  // Separated by semicolons, as in cohort CSVs: a goal's own text may hold a comma.
  for (const part of (text || "").split(";").map((s) => s.trim()).filter(Boolean)) {
    const [name, weight] = part.split("=").map((s) => s.trim());
    out[name] = weight === undefined ? 1 : (/^\d+$/.test(weight) ? Number(weight) : weight);
  }
  return out;
}

function pathwayTable(p, caption) {
  return table(["Unit", "Title", "Group", "Credits", "GLH", "New GLH", "Why"],
    p.detail.map((u) => [u.code, u.title, u.group, shown(u.credits), shown(u.glh), shown(u.new_glh),
      u.reasons.join("; ")]), caption);
}

function learnerView() {
  $("#learner-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const budget = $("#l-budget").value;
    const out = $("#result-body");
    let registered;
    try { registered = dateOf($("#l-registered")); } catch (error) { out.replaceChildren(dateProblem(error)); return; }
    const body = {qualification: QUALIFICATION, registered, ...shape("l"), ...fillImports("l"),
      achieved: codes($("#l-achieved").value), exempt: codes($("#l-exempt").value), objective: $("#l-objective").value, goals: goals($("#l-goals").value),
      max_glh: budget === "" ? null : Number(budget), include: codes($("#l-include").value),
      exclude: codes($("#l-exclude").value), alternatives: Number($("#l-alternatives").value || 0)};
    out.replaceChildren(el("p", {}, "Working…"));
    const {ok, data} = await api("/api/recommend", body);
    $("#result-heading").hidden = false;
    out.replaceChildren();
    if (!ok) { out.append(problemBox(data)); return; }
    out.append(el("p", {class: "big"}, statusBadge(data.status), " ",
      data.units.length ? `${shown(data.new_glh)} new GLH${data.new_glh_is_lower_bound ? " at least" : ""} · `
        + `${bounded(data.credits, data.credits_at_least, data.credits_at_most)} credits · ${shown(data.glh)} GLH in all`
        : "No pathway."));
    const named = pathwayNote(data);
    if (named) out.append(named);
    if (data.pathways) {
      out.append(table(["Named pathway", "Status", "New GLH", "Units"], Object.values(data.pathways).map((p) =>
        [p.title, p.status, shown(p.new_glh, "no pathway"), p.units.join(", ") || "–"]), "The best on each named pathway"));
    }
    const notes = [];
    if ((data.over_listed_units_only || []).length) notes.push(`Over the listed units only: ${data.over_listed_units_only.join("; ")}.`);
    if ((data.open_imports || []).length) notes.push(`Import slots left open: ${data.open_imports.join("; ")}.`);
    if ((data.unpublished_glh || []).length) notes.push(`GLH unpublished for ${data.unpublished_glh.join(", ")}: new GLH is a lower bound.`);
    if ((data.unmatched_goals || []).length) notes.push(`Goals matching no unit (left out): ${data.unmatched_goals.join("; ")}.`);
    if (notes.length) out.append(el("ul", {class: "notes"}, notes.map((n) => el("li", {}, n))));
    if (data.status === "FEASIBLE") out.append(el("p", {}, "The time limit was reached: the best pathway found, not proven the best."));
    if (data.units.length) {
      out.append(pathwayTable(data, "Recommended pathway"));
      if (data.induction_hours !== null || data.tutorial_hours !== null) {
        out.append(el("p", {class: "muted"}, `Plus induction ${fmt(data.induction_hours)} h and tutorials ${fmt(data.tutorial_hours)} h.`));
      }
      data.alternatives.forEach((a, i) => {
        out.append(el("h3", {}, `Alternative ${i + 1}: ${shown(a.new_glh)} new GLH, ${bounded(a.credits, a.credits_at_least, a.credits_at_most)} credits`));
        out.append(pathwayTable(a, `Alternative ${i + 1}`));
      });
    }
    if (data.explanation && data.explanation.length) {
      out.append(el("section", {class: "explanation", "aria-label": "Why it is impossible"},
        el("h3", {}, "Why it is impossible"), el("ul", {}, data.explanation.map((s) => el("li", {}, s)))));
    }
  });
}

function parseCsv(text) { // the server's CSV: quoted fields may hold commas and doubled quotes
  const rows = [];
  for (const line of text.split("\n").filter(Boolean)) {
    const cells = [];
    let cell = "", quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted && ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = !quoted;
      else if (ch === "," && !quoted) { cells.push(cell); cell = ""; }
      else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

function cohortView() {
  $("#cohort-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = $("#cohort-result");
    const form = new FormData();
    form.append("file", $("#c-file").files[0]);
    form.append("qualification", QUALIFICATION);
    form.append("objective", $("#l-objective").value);
    const {pathway, reading} = shape("c");
    if (pathway) form.append("pathway", pathway);
    if (reading) form.append("reading", reading);
    out.textContent = "Working…";
    const response = await fetch("/api/cohort", {method: "POST", body: form});
    if (!response.ok) {
      let data;
      try { data = await response.json(); } catch (e) { data = {message: `HTTP ${response.status}`}; }
      out.replaceChildren(problemBox(data));
      return;
    }
    const text = await response.text();
    const [header, ...rows] = parseCsv(text);
    const link = el("a", {href: URL.createObjectURL(new Blob([text], {type: "text/csv"})),
      download: "recommendations.csv"}, "Download recommendations.csv");
    out.replaceChildren(el("p", {}, `${rows.length} learner${rows.length === 1 ? "" : "s"}. `, link),
      table(header, rows, "Cohort recommendations"));
  });
}

/* --- explore view: counts, charts, routes, shares, audit --------------------------------------- */
function niceTicks(lo, hi, most) { // round numbers from lo to hi, at most `most` of them
  const span = Math.max(hi - lo, 1);
  const raw = span / Math.max(most - 1, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return ticks;
}

function svgText(attrs, text) {
  const node = svg("text", attrs);
  node.textContent = text;
  return node;
}

function barChart(figure, title, unit, dist) {
  const entries = Object.entries(dist).map(([k, v]) => [Number(k), v]).sort((a, b) => a[0] - b[0]);
  figure.replaceChildren();
  if (!entries.length) { figure.append(el("figcaption", {}, `${title}: not available`)); return; }
  const width = 600, height = 260, left = 64, right = 16, top = 24, bottom = 48;
  const lo = entries[0][0], hi = entries[entries.length - 1][0];
  const max = Math.max(...entries.map((e) => e[1]));
  const step = (width - left - right) / (hi - lo + 1);
  const x = (k) => left + (k - lo) * step;
  const y = (v) => height - bottom - (height - top - bottom) * v / max;
  const busiest = entries.find((e) => e[1] === max)[0];
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title}: ${unit} from ${lo} to ${hi}, the most common ${busiest} (${fmt(max)} pathways)`});
  // Axes: the value axis (pathways) on the left, the measure along the bottom, each with ticks and a title.
  chart.append(svg("line", {x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: "axis"}));
  chart.append(svg("line", {x1: left, y1: top, x2: left, y2: height - bottom, class: "axis"}));
  for (const t of niceTicks(0, max, 5)) {
    chart.append(svg("line", {x1: left - 4, y1: y(t), x2: width - right, y2: y(t), class: "grid"}));
    chart.append(svgText({x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "tick y-tick"}, fmt(t)));
  }
  for (const t of niceTicks(lo, hi, 8)) {
    chart.append(svg("line", {x1: x(t) + step / 2, y1: height - bottom, x2: x(t) + step / 2, y2: height - bottom + 4, class: "axis"}));
    chart.append(svgText({x: x(t) + step / 2, y: height - bottom + 16, "text-anchor": "middle", class: "tick x-tick"}, fmt(t)));
  }
  chart.append(svgText({x: left + (width - left - right) / 2, y: height - 8, "text-anchor": "middle", class: "axis-title"}, unit));
  chart.append(svgText({x: 14, y: top + (height - top - bottom) / 2, "text-anchor": "middle", class: "axis-title",
    transform: `rotate(-90 14 ${top + (height - top - bottom) / 2})`}, "pathways"));
  const labelled = step >= 22; // room for each bar's value above it; otherwise only the tallest is labelled
  for (const [k, v] of entries) {
    const bar = svg("rect", {x: x(k), y: y(v), width: Math.max(step - 1, 1), height: height - bottom - y(v), class: "bar"});
    const tip = svg("title");
    tip.textContent = `${k} ${unit}: ${fmt(v)} pathways`;
    bar.append(tip);
    chart.append(bar);
    if (labelled || k === busiest) {
      chart.append(svgText({x: x(k) + step / 2, y: y(v) - 4, "text-anchor": "middle", class: "value"}, fmt(v)));
    }
  }
  figure.append(chart, el("figcaption", {}, `${title} (${unit} along the bottom, pathways up the side)`));
  const details = el("details", {}, el("summary", {}, `${title} as a table`),
    table([unit, "pathways"], entries.map(([k, v]) => [k, fmt(v)])));
  figure.append(details);
}

function explore() {
  async function count() {
    const result = $("#count-result");
    let registered;
    try { registered = dateOf($("#e-registered")); } catch (error) { result.replaceChildren(dateProblem(error)); return; }
    const asked = {qualification: QUALIFICATION, registered, ...shape("e")};
    result.textContent = "Counting…";
    const {ok, data} = await api("/api/count", {...asked, shares: true});
    if (!ok) { result.replaceChildren(problemBox(data)); return; }
    const how = data.count === null ? "not exact" : (data.method === "dynamic-programming" ? "exact"
      : (data.complete ? "exact, by listing" : "at least (time limit)"));
    const minimal = data.minimal === null ? "the minimal ones not counted" : `${data.minimal_text} of them minimal`;
    result.replaceChildren(`${data.count_text} valid pathways (${how}), ${minimal}.`);
    if (data.pathway) result.append(el("br"), `On the ${data.pathway_title} pathway.`);
    if ((data.notes || []).length) result.append(el("ul", {class: "notes"}, data.notes.map((n) => el("li", {}, n))));
    barChart($("#chart-glh"), "Valid pathways by new GLH", "GLH", data.by_glh);
    barChart($("#chart-credits"), "Valid pathways by credits", "credits", data.by_credits);
    const shares = [...data.shares].sort((a, b) => b.share - a.share);
    $("#shares").replaceChildren(el("h2", {}, "Unit shares"), table(["Unit", "Title", "Pathways", "Share"],
      shares.map((s) => [s.code, s.title, fmt(s.pathways), `${(100 * s.share).toFixed(1)}%`])));
    const routes = await api("/api/enumerate", {...asked, order: "glh", limit: 5});
    const box = $("#routes");
    if (!routes.ok) { box.replaceChildren(problemBox(routes.data)); return; }
    box.replaceChildren(el("h2", {}, "Lowest-hours routes"), table(["#", "Units", "Credits", "New GLH"],
      routes.data.pathways.map((p, i) => [i + 1, p.units.join(" "), bounded(p.credits, p.credits_at_least),
        bounded(p.glh, p.glh_at_least)])));
  }

  async function audit() {
    const box = $("#audit");
    box.textContent = "Auditing…";
    const {ok, data} = await api(`/api/audit?qualification=${encodeURIComponent(QUALIFICATION)}`);
    if (!ok) { box.replaceChildren(problemBox(data)); return; }
    box.replaceChildren();
    for (const q of data.qualifications) {
      box.append(table(["Regime", "Credits", "GLH", "Lowest-hours route", "Pathways", "Dead", "Forced"],
        q.regimes.map((r) => [r.regime, r.credits.join("–"), r.glh.join("–"), (r.lowest_glh_route || []).join(" "),
          fmt(r.count), r.dead.join(" ") || "–", r.forced.join(" ") || "–"]), "Per registration regime"));
    }
    box.append(el("h3", {}, `Findings (${data.findings.length})`),
      el("ul", {class: "findings"}, data.findings.map((f) => el("li", {}, el("strong", {}, f.kind), ": ", f.sentence))));
  }

  $("#explore-form").addEventListener("submit", (event) => { event.preventDefault(); count(); });
  for (const select of $$("#e-pathway, #e-reading, #e-version")) select.addEventListener("change", count);
  $("#run-audit").addEventListener("click", audit);
  count();
}

/* --- what-if view ------------------------------------------------------------------------------ */
function whatif() {
  const kind = $("#w-kind");
  function showFields() {
    for (const node of $$("[data-for]")) {
      const on = node.dataset.for.split(" ").includes(kind.value);
      node.hidden = !on;
      if (node.matches("input, select")) node.disabled = !on;
    }
    for (const option of $$("#w-rule option")) {
      option.hidden = !option.dataset.edits.split(" ").includes(kind.value);
    }
    const first = $$("#w-rule option").find((o) => !o.hidden);
    if (first && $("#w-rule").selectedOptions[0]?.hidden) $("#w-rule").value = first.value;
    showBounds();
  }
  function showBounds() { // start from the rule's own bounds, so changing one keeps the other
    const option = $("#w-rule").selectedOptions[0];
    if (!option) return;
    $("#w-min").value = option.dataset.min || "";
    $("#w-max").value = option.dataset.max || "";
  }
  $("#w-rule").addEventListener("change", showBounds);
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  function edit() {
    switch (kind.value) {
      case "set-bound": return {kind: "set-bound", rule: $("#w-rule").value, min: number("#w-min"), max: number("#w-max")};
      case "move-date": return {kind: "move-date", rule: $("#w-rule").value, from: dateOf($("#w-date"))};
      case "withdraw-unit": return {kind: "withdraw-unit", unit: $("#w-unit").value.trim(), from: dateOf($("#w-date"))};
      default: return {kind: "add-unit", group: $("#w-group").value, unit: $("#w-unit").value.trim()};
    }
  }
  kind.addEventListener("change", showFields);
  showFields();
  $("#whatif-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = $("#whatif-result");
    let asked;
    try { asked = {qualification: QUALIFICATION, edits: [edit()], registered: dateOf($("#w-registered")), ...shape("w")}; }
    catch (error) { out.replaceChildren(dateProblem(error)); return; }
    out.textContent = "Comparing…";
    const {ok, data} = await api("/api/whatif", asked);
    out.replaceChildren();
    if (!ok) { out.append(problemBox(data)); return; }
    const show = (key, v) => (Array.isArray(v) ? (["dead", "forced"].includes(key) ? v.join(" ") || "–" : v.join("–"))
      : fmt(v));
    const rows = ["count", "minimal", "lowest_glh", "credits", "glh", "dead", "forced"].map((key) => {
      const changed = JSON.stringify(data.before[key]) !== JSON.stringify(data.after[key]);
      return [key.replace("_", " "), show(key, data.before[key]), show(key, data.after[key]), changed ? "changed" : ""];
    });
    const named = pathwayNote(data);
    if (named) out.append(named);
    out.append(table(["Measure", "Before", "After", ""], rows, "Before and after"));
  });
}

/* --- plan view: a learner's units by period, as a timeline with a load bar per period ---------------- */
class MonthError extends DateError {}

function monthOf(input) { // mm/yyyy (or dd/mm/yyyy, or ISO) -> "yyyy-mm" (or "yyyy-mm-dd")
  const text = (input.value || "").trim();
  if (!text) return null;
  let m = /^(\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return `${m[2]}-${m[1].padStart(2, "0")}`;
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return text;
  try { return dateOf(input); } catch (error) {
    const label = input.labels && input.labels[0] ? input.labels[0].firstChild.textContent.trim() : "month";
    throw new MonthError(`${label}: expected a month as mm/yyyy (for example 01/2027) or a day as dd/mm/yyyy, got "${text}"`);
  }
}

function numberOr(id) {
  const value = $(id).value;
  return value === "" ? null : Number(value);
}

function timeline(data) {
  // Rows: the units studied, in the order they are taken; columns: the periods up to the finish.
  const periods = data.periods;
  const index = new Map(periods.map((p, i) => [p.period, i]));
  const detail = new Map(data.detail.map((u) => [u.code, u]));
  const units = Object.entries(data.placed).sort((a, b) => index.get(a[1]) - index.get(b[1]) || a[0].localeCompare(b[0]));
  const left = 300, col = 110, row = 26, top = 40, right = 12;
  const width = left + col * periods.length + right, height = top + row * units.length + 28;
  // Drawn at its own size (at most the page's width): a short plan is not blown up to fill the page.
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, width, role: "img", class: "timeline",
    "aria-label": `Units by period: ${units.length} unit${units.length === 1 ? "" : "s"} from ${periods[0].period} to ${periods[periods.length - 1].period}`});
  periods.forEach((p, i) => {
    chart.append(svg("rect", {x: left + i * col, y: top - 4, width: col, height: row * units.length + 8,
      class: i % 2 ? "band odd" : "band"}));
    chart.append(svgText({x: left + i * col + col / 2, y: top - 12, "text-anchor": "middle", class: "period-label"}, p.period));
  });
  units.forEach(([code, period], r) => {
    const unit = detail.get(code) || {code, title: "", glh: null};
    const y = top + r * row;
    const name = `${code} ${unit.title}`;
    chart.append(svgText({x: left - 8, y: y + row / 2 + 4, "text-anchor": "end", class: "unit-label"},
      name.length > 42 ? `${name.slice(0, 41)}…` : name));
    const i = index.get(period);
    const bar = svg("rect", {x: left + i * col + 4, y: y + 3, width: col - 8, height: row - 6, rx: 3, class: "span",
      "data-unit": code, "data-period": period});
    const tip = svg("title");
    tip.textContent = `${name}: ${period}, ${shown(unit.glh)} GLH, ${shown(unit.credits)} credits`;
    bar.append(tip);
    chart.append(bar);
    chart.append(svgText({x: left + i * col + col / 2, y: y + row / 2 + 4, "text-anchor": "middle", class: "span-label"},
      `${shown(unit.glh)} GLH`));
  });
  const end = left + col * periods.length;
  chart.append(svg("line", {x1: end, y1: top - 4, x2: end, y2: top + row * units.length + 4, class: "finish-line"}));
  chart.append(svgText({x: end - 4, y: height - 8, "text-anchor": "end", class: "finish-label"},
    `finish: ${data.finish.label}`));
  return chart;
}

function loadBars(data) {
  // One bar per period: its GLH, with the pace (most GLH a period) as a dashed line.
  const periods = data.periods;
  const cap = data.glh_per_period;
  const most = Math.max(1, cap || 0, ...periods.map((p) => p.glh));
  const left = 64, col = 110, top = 24, plot = 140, bottom = 44, right = cap ? 120 : 12;
  const width = left + col * periods.length + right, height = top + plot + bottom;
  const y = (v) => top + plot - plot * v / most;
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, width, role: "img", class: "loads",
    "aria-label": `GLH per period: ${periods.map((p) => `${p.period} ${p.glh}`).join(", ")}${cap ? `; at most ${cap} a period` : ""}`});
  chart.append(svg("line", {x1: left, y1: top + plot, x2: width - right, y2: top + plot, class: "axis"}));
  chart.append(svg("line", {x1: left, y1: top, x2: left, y2: top + plot, class: "axis"}));
  for (const t of niceTicks(0, most, 5)) {
    chart.append(svg("line", {x1: left - 4, y1: y(t), x2: width - right, y2: y(t), class: "grid"}));
    chart.append(svgText({x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "tick"}, fmt(t)));
  }
  chart.append(svgText({x: 14, y: top + plot / 2, "text-anchor": "middle", class: "axis-title",
    transform: `rotate(-90 14 ${top + plot / 2})`}, "GLH"));
  periods.forEach((p, i) => {
    const bar = svg("rect", {x: left + i * col + 12, y: y(p.glh), width: col - 24, height: top + plot - y(p.glh),
      class: "load", "data-period": p.period});
    const tip = svg("title");
    tip.textContent = `${p.period}: ${p.glh} GLH, ${p.credits} credits, ${p.units.length} unit${p.units.length === 1 ? "" : "s"}`;
    bar.append(tip);
    chart.append(bar);
    chart.append(svgText({x: left + i * col + col / 2, y: y(p.glh) - 4, "text-anchor": "middle", class: "value"}, `${p.glh}`));
    chart.append(svgText({x: left + i * col + col / 2, y: top + plot + 16, "text-anchor": "middle", class: "tick"}, p.period));
  });
  if (cap) {
    chart.append(svg("line", {x1: left, y1: y(cap), x2: width - right + 4, y2: y(cap), class: "cap"}));
    chart.append(svgText({x: width - right + 8, y: y(cap) + 4, class: "cap-label"}, `at most ${cap} GLH`));
  }
  return chart;
}

function planView() {
  $("#plan-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = $("#plan-body");
    let body;
    try {
      body = {qualification: QUALIFICATION, registered: dateOf($("#p-registered")), ...shape("p"),
        achieved: codes($("#p-achieved").value), exempt: codes($("#p-exempt").value),
        periods: $("#p-periods").value, start: monthOf($("#p-start")), finish_by: monthOf($("#p-finish")),
        glh_per_period: numberOr("#p-pace"), min_glh_per_period: numberOr("#p-min-glh"),
        units_per_period: numberOr("#p-units"), credits_per_period: numberOr("#p-credits"),
        objective: $("#p-objective").value};
    } catch (error) { out.replaceChildren(dateProblem(error)); return; }
    if (!body.start) { out.replaceChildren(el("div", {class: "error", role: "alert"}, el("p", {}, "Start: expected a month as mm/yyyy (for example 01/2027)"))); return; }
    out.replaceChildren(el("p", {}, "Planning…"));
    const {ok, data} = await api("/api/plan", body);
    $("#plan-heading").hidden = false;
    out.replaceChildren();
    if (!ok) { out.append(problemBox(data)); return; }
    const named = pathwayNote(data);
    if (!data.units.length || data.why_not) {
      out.append(el("p", {class: "big"}, statusBadge(data.status), " No plan fits."));
      if (named) out.append(named);
      out.append(el("section", {class: "explanation", "aria-label": "Why no plan fits"},
        el("h3", {}, "Why no plan fits"), el("p", {id: "plan-why"}, `${data.why_not}.`)));
      return;
    }
    out.append(el("p", {class: "big", id: "plan-finish"}, statusBadge(data.status), " ", data.finish
      ? `Finishes ${data.finish.label} (${ukDate(data.finish_date)}): ${shown(data.new_glh)} new GLH, ${bounded(data.credits, data.credits_at_least, data.credits_at_most)} credits.`
      : "Nothing left to study: the achieved units complete it."));
    if (named) out.append(named);
    if (data.status === "FEASIBLE") out.append(el("p", {}, "A limit was reached: the best plan found, not proven the best."));
    if (data.partial) out.append(el("p", {class: "muted"}, data.partial));
    out.append(el("h3", {}, "Optimised in order"), el("ol", {class: "tiers", id: "plan-tiers"}, data.tiers.map((t) =>
      el("li", {class: t.proven ? "proven" : "unproven"}, `${t.tier}: ${fmt(t.value)} (${t.words})`))));
    if (data.periods.length) {
      out.append(el("figure", {class: "chart plan-chart", id: "plan-timeline"}, timeline(data),
        el("figcaption", {}, "Units by period (a bar in the period each unit is studied)")));
      out.append(el("figure", {class: "chart plan-chart", id: "plan-loads"}, loadBars(data),
        el("figcaption", {}, "Load per period (GLH)")));
      const titles = new Map(data.detail.map((u) => [u.code, u]));
      out.append(table(["Period", "Units", "GLH", "Credits"], data.periods.map((p) => [p.period,
        p.units.map((c) => `${c} ${(titles.get(c) || {}).title || ""}`).join("; ") || "–", fmt(p.glh), fmt(p.credits)]),
        "Plan by period"));
    }
    if (data.achieved_claimed.length) out.append(el("p", {}, `Already achieved, claimed: ${data.achieved_claimed.join(", ")}.`));
    out.append(pathwayTable(data, "Units of the plan"));
  });
}

const PAGES = {catalogue, builder, learner: () => { learnerView(); cohortView(); }, explore, whatif, plan: planView};
document.addEventListener("DOMContentLoaded", () => {
  ruleVersions();
  const page = PAGES[document.body.dataset.page];
  if (page) page();
});
