/* The import review page: a draft beside its review items, edited in place, audited on every change.
   Uses el, $, $$, api and problemBox from pathways.js. Every value shown is set as text, never as HTML. */
"use strict";

const R = {
  file: "", kind: "other", url: null, doc: null, items: [], yaml: "",
  sources: new WeakMap(), // a unit, group or rule object -> where in the document it came from
  fieldSources: new WeakMap(), // an object -> {field: where} for its plain values (title, level, figures)
  edited: new WeakSet(), // objects changed in review: their provenance says so
  latest: 0, timer: null, entries: new WeakMap(), // object -> its element in the draft view
};
const NUMBER_FIELDS = new Set(["level", "credits", "glh", "tqt", "min", "max", "average_glh"]);

/* --- paths into the draft --------------------------------------------------------------------- */
function get(root, at) {
  let node = root;
  for (const key of at) {
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function pathOf(target, root = R.doc, at = []) { // where an object now stands in the draft (after deletions)
  if (root === target) return at;
  if (root === null || typeof root !== "object") return null;
  for (const [key, value] of Object.entries(root)) {
    const found = pathOf(target, value, [...at, Array.isArray(root) ? Number(key) : key]);
    if (found) return found;
  }
  return null;
}

function render(at) {
  let out = "";
  for (const part of at) out += typeof part === "number" ? `[${part}]` : (out ? `.${part}` : part);
  return out;
}

function bind(at) { // an object in the draft, or an object and one of its fields
  const node = get(R.doc, at);
  if (node !== null && typeof node === "object") return {node};
  const parent = get(R.doc, at.slice(0, -1));
  if (parent !== null && typeof parent === "object") return {node: parent, field: at[at.length - 1]};
  return {node: R.doc};
}

function itemTarget(item) { // an item listed on a whole list, bound to the entry it is about where that is clear
  const target = bind(item.at);
  if (target.node === R.doc.units) { // "unit LRN 5.32: ..." is about that unit
    const unit = R.doc.units.find((u) => u.code && item.message.startsWith(`unit ${u.code}:`));
    return unit ? {node: unit} : target;
  }
  // A contradiction listed on the rules: the rule that holds its readings.
  if (item.kind !== "contradiction" || !Array.isArray(target.node)) return target;
  const own = target.node.filter((rule) => rule && rule.readings && Object.keys(rule.readings).length);
  const rule = own.find((r) => (R.sources.get(r) || "").split("; ").includes(item.source))
    || own.find((r) => item.text && (r.note || "").includes(item.text)) || (own.length === 1 ? own[0] : null);
  return rule ? {node: rule} : target;
}

function currentPath(target) {
  const at = pathOf(target.node);
  if (at === null) return null;
  return target.field === undefined ? at : [...at, target.field];
}

/* --- where things came from ------------------------------------------------------------------- */
function pageOf(source) { const m = /page (\d+)/i.exec(source || ""); return m ? Number(m[1]) : null; }
function lineOf(source) { const m = /line (\d+)/i.exec(source || ""); return m ? Number(m[1]) : null; }

function sourceLink(source) { // "page 17, table 1, row 3; ... at page 21": one link per place named
  if (!source) return el("span", {class: "muted"}, "–");
  const places = source.split("; ");
  if (places.length > 1) {
    return el("span", {class: "sources"}, places.flatMap((place, i) => (i ? ["; ", placeLink(place)] : [placeLink(place)])));
  }
  return placeLink(source);
}

function placeLink(source) {
  const line = lineOf(source), page = pageOf(source);
  if (R.kind === "text" && line !== null && page === null) {
    const link = el("a", {href: `#doc-line-${line}`, class: "source"}, source);
    link.addEventListener("click", () => showLine(line));
    return link;
  }
  if (R.kind === "pdf" && page !== null && R.url) {
    return el("a", {href: `${R.url}#page=${page}`, target: "_blank", rel: "noopener", class: "source",
      title: "Open the document at this page"}, source);
  }
  return el("span", {class: "source"}, source);
}

function showLine(line) {
  $("#document-view").open = true;
  $$("#document-text .hit").forEach((node) => node.classList.remove("hit"));
  const row = $(`#doc-line-${line}`);
  if (row) { row.classList.add("hit"); row.scrollIntoView({block: "center"}); }
}

function showDocument(text) {
  const box = $("#document-text");
  box.replaceChildren();
  if (text === null) {
    box.append(el("p", {class: "muted"}, R.kind === "pdf"
      ? "The page links open the PDF at the page (in a new tab)." : "The source of each value is named beside it."));
    return;
  }
  box.append(el("ol", {class: "doc-lines"}, text.split(/\r?\n/).map((line, i) =>
    el("li", {id: `doc-line-${i + 1}`}, line || " "))));
}

/* --- the draft, edited in place --------------------------------------------------------------- */
function parsed(value, field) {
  const text = value.trim();
  if (text === "") return null;
  if (NUMBER_FIELDS.has(field) && /^-?\d+$/.test(text)) return Number(text);
  if (/^[[{]/.test(text)) { try { return JSON.parse(text); } catch (e) { return text; } }
  return text;
}

function shown(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function changed(node, key) { // an edit: the open items on it are settled as edited, and the audit runs again
  R.edited.add(node);
  for (const item of R.items) {
    const {node: on, field: about} = item.target;
    if (item.status === "open" && on === node && (key === undefined || about === undefined || about === key)) {
      item.status = "edited";
    }
  }
  renderItems();
  schedule();
}

function field(node, key, label, extra = {}) {
  const wide = node[key] !== null && typeof node[key] === "object";
  const input = el("input", {type: "text", value: shown(node[key]), "aria-label": label, "data-field": key,
    class: wide ? "wide" : (NUMBER_FIELDS.has(key) ? "narrow" : ""), ...extra});
  input.addEventListener("change", () => { node[key] = parsed(input.value, key); changed(node, key); });
  return input;
}

function removeButton(list, node, what) {
  const button = el("button", {type: "button", class: "secondary small", "aria-label": `Delete ${what}`}, "Delete");
  button.addEventListener("click", () => {
    list.splice(list.indexOf(node), 1);
    for (const item of R.items) if (item.target.node === node && item.status === "open") item.status = "deleted";
    renderDraft();
    renderItems();
    schedule();
  });
  return button;
}

function entry(tag, node, attrs, ...children) {
  const element = el(tag, {class: "entry", "data-path": render(pathOf(node) || []), ...attrs}, ...children);
  R.entries.set(node, element);
  return element;
}

function unitsTable() {
  const units = R.doc.units;
  const rows = units.map((u) => entry("tr", u, {"data-code": shown(u.code)},
    el("td", {}, field(u, "code", `Code of unit ${shown(u.code)}`, {class: "mid"})),
    el("td", {}, field(u, "title", `Title of unit ${shown(u.code)}`, {class: "wide"})),
    ...["level", "credits", "glh"].map((k) => el("td", {}, field(u, k, `${k === "glh" ? "GLH" : k} of unit ${shown(u.code)}`))),
    el("td", {}, sourceLink(R.sources.get(u))),
    el("td", {}, removeButton(units, u, `unit ${shown(u.code)}`))));
  const t = el("table", {class: "data draft-table", id: "draft-units"});
  t.append(el("caption", {}, `Units (${units.length})`),
    el("thead", {}, el("tr", {}, ["Code", "Title", "Level", "Credits", "GLH", "From", ""].map((h) =>
      el("th", {scope: "col"}, h)))), el("tbody", {}, rows));
  return t;
}

function readingButtons(rule) {
  if (!rule.readings || !Object.keys(rule.readings).length) return null;
  const names = [rule.reading || "stated", ...Object.keys(rule.readings).filter((n) => n !== rule.reading)];
  return el("div", {class: "readings"}, "Readings: ", names.map((name) => {
    const button = el("button", {type: "button", class: "secondary small"}, `Use reading “${name}”`);
    button.addEventListener("click", () => useReading(rule, name));
    return button;
  }));
}

function useReading(rule, name) { // as Rule.read_as: the named reading's fields over the stated ones
  const change = name === (rule.reading || "stated") ? {} : (rule.readings[name] || {});
  delete rule.readings;
  delete rule.reading;
  for (const [key, value] of Object.entries(change)) {
    if (value === null) delete rule[key]; else rule[key] = value;
  }
  changed(rule);
  renderDraft();
}

function ruleText(rule) {
  const {id, note, readings, reading, ...rest} = rule;
  return Object.entries(rest).map(([k, v]) => `${k}: ${shown(v)}`).join(", ");
}

function rulesList(q) {
  const list = el("ul", {class: "draft-rules"});
  for (const rule of q.rules) {
    const bounds = rule.kind === "sum" ? ["min", "max"].map((k) =>
      el("label", {class: "inline"}, `${k} `, field(rule, k, `${k === "min" ? "Minimum" : "Maximum"} of rule ${shown(rule.id)}`))) : [];
    list.append(entry("li", rule, {"data-rule": shown(rule.id)},
      el("div", {}, el("strong", {}, shown(rule.id) || "(no id)"), " ", el("code", {}, ruleText(rule)), " ",
        removeButton(q.rules, rule, `rule ${shown(rule.id)}`)),
      bounds.length ? el("div", {class: "bounds"}, bounds) : null,
      readingButtons(rule),
      rule.note ? el("blockquote", {}, rule.note) : null,
      el("div", {class: "muted"}, "From: ", sourceLink(R.sources.get(rule)))));
  }
  if (!q.rules.length) list.append(el("li", {class: "muted"}, "No rules read."));
  return list;
}

function addRuleForm(q, qi) {
  const id = (name) => `add-${name}-${qi}`;
  const form = el("form", {class: "add-rule form-grid", id: `add-rule-${qi}`},
    el("label", {for: id("kind")}, "Kind"),
    el("select", {id: id("kind")}, ["sum", "mandatory", "other"].map((k) => el("option", {value: k}, k))),
    el("label", {for: id("sum"), "data-for": "sum"}, "Count"),
    el("select", {id: id("sum"), "data-for": "sum"}, ["credits", "units", "glh"].map((k) => el("option", {value: k}, k))),
    el("label", {for: id("groups"), "data-for": "sum mandatory"}, "Groups (ids, blank: all)"),
    el("input", {id: id("groups"), type: "text", "data-for": "sum mandatory", autocomplete: "off",
      placeholder: q.groups.map((g) => g.id).join(" ")}),
    el("label", {for: id("min"), "data-for": "sum"}, "Minimum"),
    el("input", {id: id("min"), type: "number", min: "0", "data-for": "sum"}),
    el("label", {for: id("max"), "data-for": "sum"}, "Maximum"),
    el("input", {id: id("max"), type: "number", min: "0", "data-for": "sum"}),
    el("label", {for: id("json"), "data-for": "other"}, "Rule (JSON)"),
    el("textarea", {id: id("json"), rows: "3", "data-for": "other", placeholder: '{"kind": "barred", "units": ["A", "B"]}'}),
    el("label", {for: id("note")}, "Wording (note)"),
    el("input", {id: id("note"), type: "text", autocomplete: "off"}),
    el("span", {}), el("button", {type: "submit", class: "secondary"}, "Add rule"),
    el("div", {class: "form-error", "aria-live": "polite"}));
  const kind = $(`#${id("kind")}`, form);
  const toggle = () => $$("[data-for]", form).forEach((node) => { node.hidden = !node.dataset.for.split(" ").includes(kind.value); });
  kind.addEventListener("change", toggle);
  toggle();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (name) => $(`#${id(name)}`, form).value.trim();
    const groups = value("groups").split(/[\s,]+/).filter(Boolean);
    let rule;
    if (kind.value === "other") {
      try { rule = JSON.parse(value("json")); } catch (e) { rule = null; }
      if (!rule || typeof rule !== "object" || Array.isArray(rule)) {
        $(".form-error", form).textContent = "Expected a JSON object, such as {\"kind\": \"barred\", \"units\": [\"A\", \"B\"]}.";
        return;
      }
    } else if (kind.value === "mandatory") {
      rule = {kind: "mandatory", groups: groups.length ? groups : q.groups.map((g) => g.id)};
    } else {
      rule = {kind: "sum", sum: value("sum")};
      if (groups.length) rule.where = {groups};
      if (value("min") !== "") rule.min = Number(value("min"));
      if (value("max") !== "") rule.max = Number(value("max"));
    }
    const ids = new Set(q.rules.map((r) => r.id));
    let n = q.rules.length + 1;
    while (ids.has(`rule-${n}`)) n++;
    rule = {id: rule.id || `rule-${n}`, ...rule};
    if (value("note")) rule.note = value("note");
    q.rules.push(rule);
    R.edited.add(rule);
    R.sources.set(rule, form.dataset.source || "added in review");
    for (const item of R.items) {
      if (item.status === "open" && item.id === Number(form.dataset.item)) item.status = "edited";
    }
    form.dataset.source = "";
    form.dataset.item = "";
    renderDraft();
    renderItems();
    schedule();
  });
  return form;
}

function qualificationView(q, qi) {
  const fields = ["id", "accreditation", "title", "level", "awarding_body"];
  const own = R.fieldSources.get(q) || {};
  const details = el("table", {class: "data draft-table"}, el("tbody", {}, fields.map((key) =>
    el("tr", {}, el("th", {scope: "row"}, key.replace("_", " ")),
      el("td", {}, field(q, key, `Qualification ${key.replace("_", " ")}`, {class: key === "title" ? "wide" : ""})),
      el("td", {}, sourceLink(own[key] || R.sources.get(q[key])))))));
  const figures = q.figures || {};
  const figureSources = R.fieldSources.get(figures) || {};
  const figureTable = el("table", {class: "data draft-table"}, el("caption", {}, "Published figures"),
    el("tbody", {}, Object.keys(figures).map((key) => el("tr", {}, el("th", {scope: "row"}, key),
      el("td", {}, field(figures, key, `Figure ${key}`)),
      el("td", {}, sourceLink(figureSources[key] || R.sources.get(figures[key])))))));
  const groups = el("table", {class: "data draft-table"}, el("caption", {}, `Groups (${q.groups.length})`),
    el("thead", {}, el("tr", {}, ["Id", "Name", "Units", "From", ""].map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, q.groups.map((g) => {
      const units = el("input", {type: "text", value: (g.units || []).join(" "), class: "wide",
        "aria-label": `Units of group ${shown(g.id)}`});
      units.addEventListener("change", () => { g.units = units.value.split(/[\s,]+/).filter(Boolean); changed(g, "units"); });
      return entry("tr", g, {"data-group": shown(g.id)}, el("td", {}, field(g, "id", `Id of group ${shown(g.id)}`)),
        el("td", {}, field(g, "name", `Name of group ${shown(g.id)}`)), el("td", {}, units),
        el("td", {}, sourceLink(R.sources.get(g))), el("td", {}, removeButton(q.groups, g, `group ${shown(g.id)}`)));
    })));
  const rules = entry("div", q.rules, {}, el("h4", {}, `Rules (${q.rules.length})`), rulesList(q));
  return entry("section", q, {class: "qualification", "aria-label": `Qualification ${qi + 1}`},
    el("h3", {}, shown(q.title) || shown(q.accreditation) || `Qualification ${qi + 1}`),
    details, figureTable, groups, rules,
    el("details", {class: "add"}, el("summary", {}, "Add a rule"), addRuleForm(q, qi)));
}

function renderDraft() {
  const box = $("#draft");
  box.replaceChildren(unitsTable(), ...R.doc.qualifications.map(qualificationView));
  if (!R.doc.qualifications.length) box.append(el("p", {class: "muted"}, "No qualification details found: the draft holds units only."));
}

/* --- review items ------------------------------------------------------------------------------ */
const SETTLED = {accepted: "accepted", edited: "edited", deleted: "its entry was deleted"};

function reveal(item) {
  const node = R.entries.get(item.target.node);
  if (!node) return;
  mark(node);
  const input = item.target.field !== undefined ? $(`[data-field="${item.target.field}"]`, node) : null;
  if (input) input.focus();
}

function writeRule(item) { // the add-rule form of the item's qualification, its wording and source filled in
  const at = currentPath(item.target) || [];
  const qi = at[0] === "qualifications" ? at[1] : 0;
  const form = $(`#add-rule-${qi}`);
  if (!form) return;
  form.closest("details").open = true;
  $(`#add-note-${qi}`).value = item.text || "";
  form.dataset.source = item.source || "";
  form.dataset.item = String(item.id);
  form.scrollIntoView({block: "center"});
  $(`#add-kind-${qi}`).focus();
}

function fillValue(item) {
  const {node, field: key} = item.target;
  const input = el("input", {type: "text", "aria-label": `Value for ${render(currentPath(item.target) || [])}`,
    value: shown(node[key]), class: NUMBER_FIELDS.has(key) ? "narrow" : ""});
  const button = el("button", {type: "button", class: "small"}, "Set");
  button.addEventListener("click", () => {
    node[key] = parsed(input.value, key);
    changed(node, key);
    renderDraft();
  });
  return el("span", {class: "fill"}, input, " ", button);
}

function itemView(item) {
  const at = currentPath(item.target);
  const open = item.status === "open";
  const actions = el("div", {class: "actions"});
  if (open) {
    const accept = el("button", {type: "button", class: "small"}, "Accept");
    accept.addEventListener("click", () => { item.status = "accepted"; renderItems(); schedule(); });
    actions.append(accept);
    if (item.target.field !== undefined) actions.append(" ", fillValue(item));
    const choices = item.target.node.readings ? readingButtons(item.target.node) : null;
    if (choices) actions.append(choices);
    else if (["unparsed-rule", "contradiction"].includes(item.kind) || /rules$/.test(render(at || []))) {
      const write = el("button", {type: "button", class: "secondary small"}, "Write the rule");
      write.addEventListener("click", () => writeRule(item));
      actions.append(" ", write);
    }
    // A unit or rule may be deleted from its item (a row read wrongly); a whole group or qualification may not.
    const list = at && at.length > 1 ? get(R.doc, at.slice(0, -1)) : null;
    const deletable = list === R.doc.units || (at && at[at.length - 2] === "rules");
    if (Array.isArray(list) && deletable && item.target.field === undefined) {
      actions.append(" ", removeButton(list, item.target.node, `the entry of item ${item.id + 1}`));
    }
  } else {
    const reopen = el("button", {type: "button", class: "secondary small"}, "Reopen");
    reopen.addEventListener("click", () => { item.status = "open"; renderItems(); schedule(); });
    actions.append(el("span", {class: "settled"}, `✓ ${SETTLED[item.status]}`), " ", reopen);
  }
  const show = el("a", {href: "#draft", class: "path"}, at ? render(at) || "(draft)" : "(deleted)");
  show.addEventListener("click", (event) => { event.preventDefault(); reveal(item); });
  return el("li", {class: `item ${open ? "open" : "settled"}`, "data-kind": item.kind, "data-item": String(item.id)},
    el("div", {}, el("span", {class: `kind kind-${item.kind}`}, item.kind), " ", show),
    el("p", {}, item.message),
    item.text ? el("blockquote", {}, item.text) : null,
    el("div", {class: "muted"}, "In the document: ", sourceLink(item.source)),
    actions);
}

function renderItems() {
  for (const item of R.items) {
    if (item.status === "open" && currentPath(item.target) === null) item.status = "deleted";
  }
  const open = R.items.filter((i) => i.status === "open").length;
  $("#open-count").textContent = `(${open} open of ${R.items.length})`;
  $("#items").replaceChildren(...R.items.map(itemView));
  if (!R.items.length) $("#items").append(el("li", {class: "muted"}, "Nothing to review."));
}

/* --- audit, download, save --------------------------------------------------------------------- */
function provenance() {
  const out = [];
  const walk = (node, at) => {
    if (node === null || typeof node !== "object") return;
    const mark = R.edited.has(node) ? "; edited in review" : "";
    if (R.sources.has(node)) out.push({at, source: R.sources.get(node) + mark});
    for (const [key, where] of Object.entries(R.fieldSources.get(node) || {})) {
      if (key in node) out.push({at: [...at, key], source: where + mark});
    }
    for (const [key, value] of Object.entries(node)) walk(value, [...at, Array.isArray(node) ? Number(key) : key]);
  };
  walk(R.doc, []);
  return out;
}

function draftBody() {
  const open = R.items.filter((i) => i.status === "open").map((i) => ({
    kind: i.kind, message: i.message, source: i.source, text: i.text, path: render(currentPath(i.target) || [])}));
  return {file: R.file, document: R.doc, provenance: provenance(), review: open};
}

function schedule() {
  clearTimeout(R.timer);
  R.timer = setTimeout(runAudit, 250);
}

async function runAudit() {
  clearTimeout(R.timer);
  const mine = ++R.latest;
  $("#audit").setAttribute("aria-busy", "true");
  const {ok, data} = await api("/api/import/audit", draftBody());
  if (mine !== R.latest) return false;
  $("#audit").removeAttribute("aria-busy");
  if (!ok) { $("#audit").replaceChildren(problemBox(data)); return false; }
  showAudit(data);
  return true;
}

function mark(node) {
  $$(".entry.hit").forEach((e) => e.classList.remove("hit"));
  node.classList.add("hit");
  node.scrollIntoView({block: "center"});
}

function problemLink(p) { // a load problem, with a link to the entry of the draft it is in
  const item = el("li", {}, p.text);
  const inside = (path) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`);
  const target = $$(".entry").filter((n) => n.dataset.path && inside(n.dataset.path))
    .sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
  if (target) {
    const show = el("a", {href: "#draft", class: "show"}, "show in the draft");
    show.addEventListener("click", (event) => { event.preventDefault(); mark(target); });
    item.append(" ", show);
  }
  return item;
}

function showAudit(data) {
  R.yaml = data.yaml;
  const box = $("#audit");
  box.replaceChildren();
  if (!data.loads) {
    box.append(el("p", {class: "verdict fails", id: "audit-verdict"}, "The draft does not load as a catalogue yet:"),
      el("ul", {class: "load-problems"}, data.problems.map(problemLink)));
  } else {
    box.append(el("p", {class: "verdict holds", id: "audit-verdict"}, data.note
      ? `The draft loads as a catalogue (${data.note}).` : "The draft loads as a catalogue."));
    if (data.audit_error) box.append(el("p", {class: "error", role: "alert"}, data.audit_error));
    for (const q of data.qualifications) {
      box.append(table(["Regime", "Credits", "GLH", "Pathways", "Dead", "Forced"], q.regimes.map((r) =>
        [r.regime, r.credits.join("–"), r.glh.join("–"), fmt(r.count), r.dead.join(" ") || "–", r.forced.join(" ") || "–"]),
      `${q.accreditation || q.id}: ${q.title}`));
    }
    box.append(el("h3", {}, `Findings (${data.findings.length})`),
      el("ul", {class: "findings"}, data.findings.map((f) => el("li", {}, el("strong", {}, f.kind), ": ", f.sentence))));
  }
  box.append(el("details", {}, el("summary", {}, "The draft as YAML"), el("pre", {class: "yaml"}, data.yaml)));
}

function yamlName() {
  return (R.file.replace(/\.[^.]+$/, "") || "draft").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") + ".yaml";
}

async function download() {
  await runAudit(); // the YAML of every edit made so far
  const link = el("a", {href: URL.createObjectURL(new Blob([R.yaml], {type: "application/yaml"})), download: yamlName()});
  document.body.append(link);
  link.click();
  link.remove();
}

async function save(event) {
  event.preventDefault();
  const out = $("#save-result");
  out.textContent = "Saving…";
  const body = {...draftBody(), name: $("#save-name").value.trim(), overwrite: $("#save-overwrite").checked};
  const response = await fetch("/api/import/save", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body)});
  let data;
  try { data = await response.json(); } catch (e) { data = {message: `HTTP ${response.status}`}; }
  if (!response.ok) { out.replaceChildren(problemBox(data)); return; }
  out.replaceChildren(el("p", {class: "verdict holds"}, `Saved ${data.saved} into the catalogue: `,
    `${data.qualifications.length} qualification${data.qualifications.length === 1 ? "" : "s"}, ${data.units} units. `,
    el("a", {href: "/"}, "See the catalogue")));
}

/* --- upload ------------------------------------------------------------------------------------ */
function load(data) {
  R.file = data.file;
  R.doc = data.document;
  R.sources = new WeakMap();
  R.fieldSources = new WeakMap();
  R.edited = new WeakSet();
  for (const p of data.provenance) {
    const target = bind(p.at);
    if (target.field === undefined) R.sources.set(target.node, p.source);
    else R.fieldSources.set(target.node, {...(R.fieldSources.get(target.node) || {}), [target.field]: p.source});
  }
  R.items = data.review.map((item) => ({...item, status: "open", target: itemTarget(item)}));
  $("#draft-file").textContent = `from ${data.file}`;
  $("#review").hidden = false;
  renderDraft();
  renderItems();
  showAudit(data);
  const name = $("#save-name");
  if (name && !name.value) name.value = yamlName();
}

async function upload(event) {
  event.preventDefault();
  const file = $("#document").files[0];
  const status = $("#upload-status");
  if (!file) return;
  status.replaceChildren(el("p", {}, `Reading ${file.name}… (a long PDF can take half a minute)`));
  const button = $("#upload-form button");
  button.disabled = true;
  const form = new FormData();
  form.append("file", file);
  let response;
  try {
    response = await fetch("/api/import", {method: "POST", body: form});
  } catch (e) {
    status.replaceChildren(problemBox({message: "the server could not be reached"}));
    return;
  } finally {
    button.disabled = false;
  }
  let data;
  try { data = await response.json(); } catch (e) { data = {message: `HTTP ${response.status}`}; }
  if (!response.ok) { status.replaceChildren(problemBox(data)); $("#review").hidden = true; return; }
  if (R.url) URL.revokeObjectURL(R.url);
  const suffix = file.name.toLowerCase().split(".").pop();
  // A PDF is opened at a page; a text, Markdown or HTML file is shown with its lines numbered.
  R.kind = suffix === "pdf" ? "pdf" : (["txt", "md", "html", "htm"].includes(suffix) ? "text" : "other");
  R.url = R.kind === "pdf" ? URL.createObjectURL(file) : null;
  showDocument(R.kind === "text" ? await file.text() : null);
  const units = data.document.units.length;
  status.replaceChildren(el("p", {id: "upload-summary"}, `${data.file}: ${units} unit${units === 1 ? "" : "s"}, `,
    `${data.document.qualifications.length} qualification${data.document.qualifications.length === 1 ? "" : "s"}, `,
    `${data.review.length} item${data.review.length === 1 ? "" : "s"} to review.`));
  load(data);
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.page !== "import") return;
  $("#upload-form").addEventListener("submit", upload);
  $("#download").addEventListener("click", download);
  if ($("#save-form")) $("#save-form").addEventListener("submit", save);
});
