// The page `flowgap serve` shows at `/`: pick a deployment and config exports, upload them as one
// job, follow its progress, read the report. Plain HTML and script, no external resources.
#include <string>
#include <string_view>

namespace flowgap::serve {

namespace {

constexpr std::string_view page_head = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flowgap: audit firewall exports for Tanium</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--pass:#1a7f37;--fail:#b42318;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 8px}
p.lead{margin:0 0 18px;color:var(--muted)}
fieldset{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:0 0 14px}
legend{font-weight:600;padding:0 6px}
.hint{color:var(--muted);font-size:12px;margin:4px 0 0}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left}th{background:#f6f8fa;font-weight:600}
input[type=text]{font:inherit;padding:3px 6px;width:100%}
button{font:inherit;font-weight:600;padding:8px 18px;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
button:disabled{background:#8c959f;cursor:default}
progress{width:100%;height:14px}
#status{margin:14px 0}#stage{margin:4px 0;color:var(--muted)}
.banner{padding:12px 16px;border-radius:8px;color:#fff;font-weight:600;margin:10px 0}
.banner.pass{background:var(--pass)}.banner.fail{background:var(--fail)}
.banner span{display:block;font-weight:400;margin-top:2px}
.error{border:1px solid var(--fail);border-left:5px solid var(--fail);border-radius:8px;padding:10px 14px;margin:10px 0}
.error p{margin:0}.error strong{display:block;margin-bottom:4px}
.error code{font-weight:600}
fieldset p{margin:0 0 4px}#server-deployment{margin-bottom:10px}fieldset p.hint{margin-bottom:10px}fieldset p.hint:last-child{margin-bottom:0}
.links a{margin-right:14px}
textarea{width:100%;box-sizing:border-box;font:12px ui-monospace,monospace;margin-top:10px}
iframe{width:100%;height:80vh;border:1px solid var(--line);border-radius:8px;margin-top:10px}
[hidden]{display:none!important}
</style>
</head>
<body>
<h1>flowgap</h1>
<p class="lead">Upload firewall exports (Palo Alto XML or set, iptables-save, Windows netsh or PowerShell)
and learn which Tanium flows they block and where they are exposed. Files stay in this server's memory
and are dropped once the report is made.</p>
<form id="form">
<fieldset>
<legend>Deployment</legend>
<p id="server-deployment" hidden></p>
<p><label>Deployment file (YAML): <input type="file" id="deployment" accept=".yaml,.yml"></label></p>
<p class="hint">Where each Tanium role lives and which firewalls stand between them (docs/deployment.md).</p>
<p><label>Waiver file (YAML, optional): <input type="file" id="waivers" accept=".yaml,.yml"></label></p>
<p class="hint">Accepted risks, as in flowgap-waivers.yaml. Without one, an uploaded deployment has no
waivers; the server's deployment keeps its own.</p>
</fieldset>
<fieldset>
<legend>Config exports as they run today</legend>
<input type="file" id="configs" multiple>
<p class="hint">Name the firewall each file is, or leave it empty to match by file name and format.</p>
<table id="configs-table" hidden><thead><tr><th>file</th><th>size</th><th>firewall</th></tr></thead><tbody></tbody></table>
</fieldset>
<fieldset id="draft-box">
<legend>No deployment file yet?</legend>
<button type="button" id="draft">Draft a deployment</button>
<p class="hint">flowgap drafts one from the exports above, each guess with the rules it comes from. Review it
here, fill in every TODO, then Audit: the text below is the deployment audited.</p>
<textarea id="draft-text" rows="24" spellcheck="false" aria-label="drafted deployment" hidden></textarea>
</fieldset>
<fieldset>
<legend>Candidate exports (optional: a change-window diff)</legend>
<input type="file" id="candidates" multiple>
<p class="hint">With candidates, flowgap compares the deployment as it is with these configs in place.</p>
<table id="candidates-table" hidden><thead><tr><th>file</th><th>size</th><th>firewall</th></tr></thead><tbody></tbody></table>
</fieldset>
<datalist id="firewall-names"></datalist>
<button type="submit" id="run">Audit</button>
</form>
<section id="status" hidden>
<progress id="bar" max="1" value="0"></progress>
<div id="stage"></div>
</section>
<section id="result" hidden>
<div id="gate" class="banner"><strong id="gate-title"></strong><span id="gate-detail"></span></div>
<p class="links" id="links"></p>
<iframe id="report" title="flowgap report" hidden></iframe>
</section>
<section id="failure" class="error" hidden></section>
<script nonce=")html";

// The script runs under the Content-Security-Policy that names its nonce: no inline handlers.
constexpr std::string_view page_script = R"html(">
"use strict";
const $ = (id) => document.getElementById(id);
let serverFirewalls = [];

function formatSize(n) {
  if (n < 1024) return n + " B";
  if (n < 1048576) return (n / 1024).toFixed(1) + " KiB";
  return (n / 1048576).toFixed(1) + " MiB";
}

function listFiles(input, table) {
  const body = table.querySelector("tbody");
  body.textContent = "";
  for (const f of input.files) {
    const row = body.insertRow();
    row.insertCell().textContent = f.name;
    row.insertCell().textContent = formatSize(f.size);
    const name = document.createElement("input");
    name.type = "text";
    name.placeholder = "match automatically";
    name.setAttribute("list", "firewall-names");
    name.setAttribute("aria-label", "firewall for " + f.name);
    row.insertCell().appendChild(name);
  }
  table.hidden = input.files.length === 0;
  $("run").textContent = $("candidates").files.length ? "Compare" : "Audit";
}

function addFiles(data, input, table, prefix, fallback) {
  const names = table.querySelectorAll("tbody input");
  Array.from(input.files).forEach((f, i) => {
    const name = names[i].value.trim();
    data.append(name ? prefix + name : fallback, f, f.name);
  });
}

function showError(title, error) {
  const box = $("failure");
  box.textContent = "";
  const strong = document.createElement("strong");
  strong.textContent = title;
  box.append(strong);
  const head = document.createElement("p");
  if (error.location) {
    const where = document.createElement("code");
    where.textContent = error.location;
    head.append(where, ": ");
  }
  head.append(error.message || "the request failed");
  box.append(head);
  box.hidden = false;
}

function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
function listed(items, word, how) { return plural(items.length, word) + how + " (" + items.join(", ") + ")"; }

function failedTitle(kind) {
  return kind === "diff" ? "flowgap could not compare these files:" : "flowgap could not audit these files:";
}

// The banner's second line: what fails the gate (or that nothing does), from the JSON report.
function auditDetail(gate) {
  const failing = gate.items.filter((i) => i.fails);
  const flows = failing.filter((i) => i.kind === "flow").map((i) => i.subject + " at " + i.firewall);
  const findings = failing.filter((i) => i.kind === "finding").map((i) => i.check + " at " + i.firewall);
  const waivers = failing.filter((i) => i.kind === "waiver").length;
  const parts = [];
  if (flows.length) parts.push(listed(flows, "required flow", " not fully allowed"));
  if (findings.length) parts.push(listed(findings, "finding", " at or above " + gate.fail_on));
  if (waivers) parts.push(plural(waivers, "waiver problem"));
  if (!parts.length) parts.push("nothing at or above " + gate.fail_on + " remains");
  if (gate.waived) parts.push(gate.waived + " waived");
  return parts.join("; ");
}

function diffDetail(gate) {
  const parts = [];
  if (gate.broken_flows.length) parts.push(listed(gate.broken_flows, "required flow verdict", " got worse"));
  if (gate.new_findings.length) parts.push(listed(gate.new_findings, "new finding", " at or above " + gate.fail_on));
  if (!parts.length) {
    parts.push("no required flow got worse" + (gate.fail_on ? ", no new finding at or above " + gate.fail_on : ""));
  }
  return parts.join("; ");
}

function showResult(job) {
  $("result").hidden = false;
  $("gate").className = "banner " + (job.passed ? "pass" : "fail");
  $("gate-title").textContent = job.kind === "diff"
    ? (job.passed ? "The candidate makes nothing worse for Tanium." : "The candidate makes things worse for Tanium.")
    : (job.passed ? "The gate passes." : "The gate fails.");
  $("gate-detail").textContent = "";
  fetch(job.reports.json).then((r) => r.json()).then((report) => {
    $("gate-detail").textContent = job.kind === "diff" ? diffDetail(report.gate) : auditDetail(report.gate);
  });
  const links = $("links");
  links.textContent = "Download: ";
  const labels = {json: "JSON", sarif: "SARIF", markdown: "Markdown", junit: "JUnit", text: "Text", html: "HTML"};
  for (const [format, url] of Object.entries(job.reports)) {
    const a = document.createElement("a");
    a.href = url;
    a.textContent = labels[format] || format;
    if (format === "html") a.target = "_blank";
    links.append(a);
  }
  $("report").src = job.reports.html;
  $("report").hidden = false;
}

async function follow(id) {
  for (;;) {
    const response = await fetch("/api/jobs/" + id);
    const job = await response.json();
    if (!response.ok) return showError("The job was lost.", job.error || {});
    $("stage").textContent = job.stage + (job.steps ? " (" + job.step + " of " + job.steps + ")" : "");
    if (job.steps) { $("bar").max = job.steps; $("bar").value = job.step; }
    if (job.state === "done") { $("status").hidden = true; return showResult(job); }
    if (job.state === "failed") { $("status").hidden = true; return showError(failedTitle(job.kind), job.error || {}); }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function submit(event) {
  event.preventDefault();
  const data = new FormData();
  if ($("deployment").files.length) data.append("deployment", $("deployment").files[0]);
  else if (!$("draft-text").hidden) data.append("deployment", new Blob([$("draft-text").value]), "deployment.yaml");
  if ($("waivers").files.length) data.append("waivers", $("waivers").files[0]);
  addFiles(data, $("configs"), $("configs-table"), "config:", "config");
  addFiles(data, $("candidates"), $("candidates-table"), "candidate:", "candidate");
  const kind = $("candidates").files.length ? "diff" : "audit";
  $("result").hidden = $("failure").hidden = $("report").hidden = true;
  $("status").hidden = false;
  $("run").disabled = true;
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/jobs?kind=" + kind);
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    $("bar").max = e.total; $("bar").value = e.loaded;
    $("stage").textContent = "uploading: " + formatSize(e.loaded) + " of " + formatSize(e.total);
  };
  xhr.onload = () => {
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = {error: {message: "HTTP " + xhr.status}}; }
    if (xhr.status !== 202) { $("status").hidden = true; $("run").disabled = false; return showError(failedTitle(kind), body.error || {}); }
    $("bar").removeAttribute("value");
    $("stage").textContent = "queued";
    follow(body.id).finally(() => { $("run").disabled = false; });
  };
  xhr.onerror = () => { $("status").hidden = true; $("run").disabled = false; showError(failedTitle(kind), {message: "the upload failed (connection lost)"}); };
  xhr.send(data);
}

// POST /api/init with the exports chosen: the drafted deployment goes into the text area, which
// the Audit button then uploads as the deployment (unless a deployment file is chosen).
async function draft() {
  $("failure").hidden = true;
  if (!$("configs").files.length) return showError("Nothing to draft from.", {message: "choose the config exports first"});
  const data = new FormData();
  for (const f of $("configs").files) data.append("config", f, f.name);
  $("draft").disabled = true;
  try {
    const response = await fetch("/api/init", {method: "POST", body: data});
    const body = await response.json();
    if (!response.ok) return showError("The draft failed.", body.error || {});
    $("draft-text").value = body.deployment;
    $("draft-text").hidden = false;
  } catch (e) {
    showError("The draft failed.", {message: "the upload failed (connection lost)"});
  } finally {
    $("draft").disabled = false;
  }
}

// The firewall boxes suggest the firewalls of the chosen deployment file (a rough read of its
// `firewalls:` list: only suggestions, the server checks the names), else the server's.
async function suggestFirewalls() {
  let names = serverFirewalls;
  const file = $("deployment").files[0];
  if (file) {
    const text = await file.text();
    const list = text.slice(Math.max(0, text.search(/^firewalls:/m)));
    names = [...list.matchAll(/^\s*-\s*\{?\s*name:\s*["']?([^"',}\s#]+)/gm)].map((m) => m[1]);
  }
  $("firewall-names").textContent = "";
  for (const name of names) {
    const option = document.createElement("option");
    option.value = name;
    $("firewall-names").append(option);
  }
}

async function start() {
  $("deployment").addEventListener("change", suggestFirewalls);
  $("configs").addEventListener("change", () => listFiles($("configs"), $("configs-table")));
  $("candidates").addEventListener("change", () => listFiles($("candidates"), $("candidates-table")));
  $("form").addEventListener("submit", submit);
  $("draft").addEventListener("click", draft);
  $("deployment").addEventListener("change", () => { $("draft-box").hidden = $("deployment").files.length > 0; });
  const info = await (await fetch("/api/info")).json();
  if (!info.deployment) return;
  serverFirewalls = info.firewalls.map((f) => f.name);
  const p = $("server-deployment");
  p.textContent = "This server audits " + info.deployment + " (firewalls: " + serverFirewalls.join(", ") +
    "). Upload a deployment file only to use another; firewalls you upload no config for keep the server's copy.";
  p.hidden = false;
  suggestFirewalls();
}
start();
</script>
</body>
</html>
)html";

}  // namespace

std::string serve_page(const std::string& nonce) {
    std::string page(page_head);
    page += nonce;
    page += page_script;
    return page;
}

// Two blocks and the gap between them: a firewall with a hole in it.
std::string_view serve_icon() {
    return R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0969da"/><path d="M3 4h4v8H3zM9 4h4v8H9z" fill="#fff"/></svg>
)svg";
}

}  // namespace flowgap::serve
