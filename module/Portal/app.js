// The SmartDomains portal: plain browser code over the portal's JSON API (README.md beside this file).
"use strict";

const $ = sel => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ""));
  return node;
};

// Every call carries the custom header that a page of another site cannot send; the token rides in the cookie the
// first request set.
async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "X-SmartDomains": "1", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
  return { status: response.status, data };
}

function say(text) {
  const box = $("#message");
  box.textContent = text || "";
  box.hidden = !text;
}

async function call(method, path, body, accept = [200, 201, 202]) {
  let r;
  try { r = await api(method, path, body); }
  catch (e) { say(`The portal does not answer (${e.message}). Your unsaved text is kept in this browser.`); throw e; }
  if (!accept.includes(r.status)) {
    say(r.data.error || r.data.message || `The portal answered ${r.status}.`);
    throw new Error(r.data.error || String(r.status));
  }
  return r.data;
}

// ---- tabs
for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => show(button.dataset.tab));
}
function show(tab) {
  for (const s of document.querySelectorAll("section.tab")) s.hidden = s.id !== tab;
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.tab === tab);
  if (tab === "hosts") loadHosts();
}

// ---- templates
async function loadTemplates() {
  const data = await call("GET", "/api/templates");
  const list = $("#template-list");
  list.replaceChildren(...data.templates.map(t => {
    const item = el("li", { title: `${t.file}:${t.line}` }, t.name, " ", el("small", {}, t.source));
    item.dataset.template = t.name;
    item.addEventListener("click", () => showTemplate(t, item));
    return item;
  }));
  if (data.errors.length) say(data.errors.map(e => `${e.file}:${e.line}:${e.column}: ${e.message}`).join("\n"));
}
function showTemplate(t, item) {
  for (const li of document.querySelectorAll("#template-list li")) li.classList.toggle("selected", li === item);
  const rows = t.values.map(v => el("tr", {}, el("td", {}, v.path), el("td", {}, v.value), el("td", {}, `${v.file}:${v.line}`)));
  $("#template-detail").replaceChildren(
    el("h2", {}, t.name),
    el("p", {}, "Extends: ", t.chain.join(" \u2192 "), el("br"), `Declared in ${t.file}:${t.line}`),
    el("table", { className: "values" }, el("tr", {}, el("th", {}, "value"), el("th", {}, "final"), el("th", {}, "from")), ...rows));
}

// ---- editor
const editor = { path: null, version: null, view: null, timer: null, saved: "" };
const draftKey = path => `smartdomains-portal:draft:${path}`;

async function loadFiles() {
  const data = await call("GET", "/api/files");
  $("#file-list").replaceChildren(...data.files.map(f => {
    const item = el("li", { title: `${f.size} bytes, ${f.modified}` }, f.path);
    item.dataset.file = f.path;
    item.addEventListener("click", () => openFile(f.path));
    return item;
  }));
}

async function openFile(path) {
  const data = await call("GET", `/api/files/${encodePath(path)}`);
  const draft = JSON.parse(localStorage.getItem(draftKey(path)) || "null");
  editor.path = path;
  editor.version = data.version;
  editor.saved = data.text;
  // Text typed earlier and never saved (a refused save, a server that stopped) comes back.
  const text = draft && draft.text !== data.text ? draft.text : data.text;
  setEditorText(text);
  $("#current-file").textContent = path;
  for (const li of document.querySelectorAll("#file-list li")) li.classList.toggle("selected", li.dataset.file === path);
  $("#conflict").hidden = true;
  status(draft && draft.text !== data.text ? "restored your unsaved text" : "opened");
  $("#save-button").disabled = false;
  validate();
}

function setEditorText(text) {
  if (!editor.view) editor.view = SmartDomainsEditor.create($("#code"), text, onType);
  else SmartDomainsEditor.replace(editor.view, text);
}

function onType(text) {
  if (!editor.path) return;
  if (text === editor.saved) localStorage.removeItem(draftKey(editor.path));
  else localStorage.setItem(draftKey(editor.path), JSON.stringify({ text, version: editor.version }));
  status(text === editor.saved ? "saved" : "changed");
  clearTimeout(editor.timer);
  editor.timer = setTimeout(validate, 250);
}

const status = text => { $("#editor-status").textContent = text; };

async function validate() {
  if (!editor.path) return;
  const text = SmartDomainsEditor.text(editor.view);
  const data = await call("POST", "/api/validate", { path: editor.path, text });
  if (text !== SmartDomainsEditor.text(editor.view)) return;   // a newer keystroke has its own validation coming
  const here = data.errors.filter(e => e.inThisFile);
  SmartDomainsEditor.mark(editor.view, here);
  $("#error-list").replaceChildren(...data.errors.map(e => {
    const item = el("li", {}, `${e.inThisFile ? "" : e.file + ":"}line ${e.line}, column ${e.column}: ${e.message}`);
    item.dataset.line = e.line;
    return item;
  }));
  $("#editor-status").dataset.errors = data.errors.length;
}

async function save(version) {
  const text = SmartDomainsEditor.text(editor.view);
  const r = await api("PUT", `/api/files/${encodePath(editor.path)}`, { text, version: version ?? editor.version })
    .catch(e => { say(`The portal does not answer (${e.message}). Your text is kept in this browser.`); throw e; });
  if (r.status === 200) {
    editor.version = r.data.version;
    editor.saved = text;
    localStorage.removeItem(draftKey(editor.path));
    $("#conflict").hidden = true;
    status("saved");
    say("");
    loadFiles();
  } else if (r.status === 409) {
    // Both versions are shown; the typed text stays in the editor and in this browser until the user chooses.
    $("#conflict-mine").textContent = text;
    $("#conflict-disk").textContent = r.data.diskText;
    $("#conflict").hidden = false;
    $("#conflict").dataset.diskVersion = r.data.version;
    status("save refused: the file changed on disk");
  } else {
    say(r.data.error || `Saving answered ${r.status}.`);
  }
}

$("#save-button").addEventListener("click", () => save());
$("#conflict-keep-mine").addEventListener("click", () => save($("#conflict").dataset.diskVersion));
$("#conflict-take-disk").addEventListener("click", () => {
  editor.version = $("#conflict").dataset.diskVersion;
  editor.saved = $("#conflict-disk").textContent;
  setEditorText(editor.saved);
  $("#conflict").hidden = true;
});
$("#new-file").addEventListener("submit", async event => {
  event.preventDefault();
  const path = $("#new-file-name").value.trim();
  const text = '{\n  // a pool: name, domains, templates they extend\n  "name": "",\n  "domains": []\n}\n';
  await call("POST", `/api/files/${encodePath(path)}`, { text });
  await loadFiles();
  await openFile(path);
});

const encodePath = path => path.split("/").map(encodeURIComponent).join("/");

// ---- plan
$("#plan-button").addEventListener("click", async () => {
  if (!editor.path) return say("Open a pool file in the editor first.");
  const r = await api("POST", "/api/plan", { path: editor.path });
  if (r.status !== 200) return say((r.data.error || `Planning answered ${r.status}.`) +
    (r.data.errors ? "\n" + r.data.errors.map(e => `line ${e.line}: ${e.message}`).join("\n") : ""));
  say("");
  // The picture is the module's own SVG: it has no script and its texts are escaped.
  $("#plan-svg").innerHTML = r.data.svg;
  $("#plan-configs").replaceChildren(...r.data.domains.map(d => {
    const pre = el("pre", {}, d.config);
    pre.dataset.domain = d.name;
    return el("div", {}, el("h3", {}, `${d.name} on ${d.host}, stage ${d.stage}: ${d.configPath}`), pre);
  }));
});

// ---- runs
for (const button of document.querySelectorAll("#run [data-action]")) {
  button.addEventListener("click", () => preview(button.dataset.action));
}
let pending = null;
async function preview(action) {
  if (action !== "Clear" && !editor.path) return say("Open a pool file in the editor first.");
  const request = { action, path: editor.path, repository: $("#run-repository").value || undefined };
  const data = await call("POST", "/api/runs/preview", request);
  pending = data.previewId;
  $("#confirm-title").textContent = data.title;
  $("#confirm-text").textContent = data.whatIf || "(nothing to do)";
  $("#confirm").showModal();
}
$("#confirm-cancel").addEventListener("click", () => { pending = null; $("#confirm").close(); });
$("#confirm-ok").addEventListener("click", async () => {
  $("#confirm").close();
  // The last run's end must not stay on show while this one is asked for.
  setRunState("Starting", "starting…");
  let run;
  try { run = await call("POST", "/api/runs", { previewId: pending }); }
  catch (e) { setRunState("", ""); throw e; }
  follow(run);
});
function setRunState(state, text) {
  $("#run-state").dataset.state = state;
  $("#run-state").textContent = text;
}

function follow(run) {
  $("#run-progress").replaceChildren();
  $("#run-log").textContent = "";
  setRunState("Running", `${run.title}: running`);
  const stream = new EventSource(`/api/runs/${run.id}/events`);
  const log = e => { $("#run-log").textContent += `${e.time?.slice(11, 19) ?? ""} ${e.kind}${e.host ? " [" + e.host + "]" : ""} ${e.text}\n`; };
  for (const kind of ["progress", "verbose", "information", "warning", "error", "output", "host"]) {
    stream.addEventListener(kind, m => log(JSON.parse(m.data)));
  }
  stream.addEventListener("state", m => {
    const e = JSON.parse(m.data);
    log(e);
    if (!e.domain) return;
    let box = document.querySelector(`#run-progress [data-domain="${CSS.escape(e.domain)}"]`);
    if (!box) { box = el("div"); box.dataset.domain = e.domain; $("#run-progress").append(box); }
    box.dataset.state = e.data?.state ?? e.text;
    box.textContent = `${e.domain} on ${e.host}: ${box.dataset.state}`;
  });
  stream.addEventListener("end", m => {
    const summary = JSON.parse(m.data);
    setRunState(summary.state, `${summary.title}: ${summary.state}${summary.errorCount ? `, ${summary.errorCount} errors` : ""}`);
    stream.close();
  });
  stream.onerror = () => { if (stream.readyState === EventSource.CLOSED) say("The run's stream closed; its log stays in the portal."); };
}

// ---- hosts and images
const table = (node, rows, columns) => node.replaceChildren(
  el("tr", {}, ...columns.map(c => el("th", {}, c))),
  ...rows.map(r => {
    const tr = el("tr", {}, ...columns.map(c => el("td", {}, typeof r[c] === "object" && r[c] !== null ? JSON.stringify(r[c]) : r[c])));
    if (r.name) tr.dataset.name = r.name;
    return tr;
  }));

async function loadHosts() {
  const data = await call("GET", "/api/hosts");
  table($("#hosts-table"), data.hosts, ["name", "kind", "xenVersion", "totalMemoryMiB", "freeMemoryMiB", "nrCpus"]);
  table($("#domains-table"), data.domains, ["name", "host", "domId", "state", "memoryMiB", "vCpus"]);
  if (data.errors.length) say(data.errors.join("\n"));
}
$("#hosts-refresh").addEventListener("click", loadHosts);
$("#images-form").addEventListener("submit", async event => {
  event.preventDefault();
  const data = await call("GET", `/api/images?repository=${encodeURIComponent($("#images-repository").value)}`);
  table($("#images-table"), data.images, ["name", "domain", "sourceHost", "created", "archiveBytes"]);
});

// The token came in the address; once the cookie holds it, the address bar need not show it.
history.replaceState(null, "", location.pathname);
show("templates");
loadTemplates();
loadFiles();
