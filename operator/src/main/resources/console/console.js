// The ModelKeeper console: fetches the operator's JSON and draws it; no build step.
"use strict";

const REFRESH_MS = 5000;
const params = new URLSearchParams(location.search);

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function row(cells) {
  const tr = el("tr");
  cells.forEach((cell) => tr.appendChild(cell instanceof Node ? wrap(cell) : el("td", cell)));
  return tr;
}

function wrap(node) {
  const td = el("td");
  td.appendChild(node);
  return td;
}

function fill(tbody, rows) {
  if (rows.length === 0) {
    const none = el("td", "none", "muted");
    none.colSpan = tbody.parentElement.querySelectorAll("th").length;
    rows = [el("tr")];
    rows[0].appendChild(none);
  }
  tbody.replaceChildren(...rows);
}

function fixed(value, digits) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function percent(value) {
  return value === null || value === undefined ? "–" : (100 * value).toFixed(2) + "%";
}

function problem(message) {
  const p = document.getElementById("problem");
  p.hidden = !message;
  p.textContent = message || "";
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status + " " + response.statusText);
  return body;
}

function phaseBadge(phase) {
  return el("span", phase || "–", "phase phase-" + String(phase || "none").toLowerCase());
}

// The list of ModelDeployments.
async function showList() {
  const body = await getJson("api/modeldeployments");
  const rows = body.items.map((md) => {
    const link = el("a", md.name);
    link.href = "model?namespace=" + encodeURIComponent(md.namespace) + "&name=" + encodeURIComponent(md.name);
    const canary = md.canary || {};
    const metrics = md.metrics || {};
    const step = canary.step === undefined || canary.step === null ? "–" : canary.step + 1 + "/" + md.steps;
    return row([
      md.namespace, link, phaseBadge(md.phase), (md.serving || {}).version || "–",
      canary.version || "–", md.canary ? step : "–", md.canary ? fixed(canary.weight, 0) + "%" : "–",
      percent(metrics.accuracy), fixed(metrics.drift, 3), percent(metrics.errorRate),
      metrics.latencyP99Seconds === null || metrics.latencyP99Seconds === undefined
        ? "–" : (1000 * metrics.latencyP99Seconds).toFixed(1) + " ms",
    ]);
  });
  fill(document.querySelector("#models tbody"), rows);
  document.getElementById("truncated").hidden = !body.truncated;
  document.body.dataset.models = String(body.items.length);
}

// One ModelDeployment.
const charts = {};

// A y range from 0 that does not blow a flat zero line up to 0-100.
function fromZero(u, min, max) {
  return [0, max > 0 ? max * 1.1 : 0.01];
}

function chart(id, data, series, time = true, yRange = null) {
  const target = document.getElementById(id);
  const points = data.slice(1).reduce((n, ys) => n + ys.filter((y) => y !== null).length, 0);
  target.dataset.points = String(points);
  const width = Math.max(280, target.clientWidth || 420);
  if (charts[id] && charts[id].series.length === series.length + 1) {
    charts[id].setData(data);
    return;
  }
  if (charts[id]) charts[id].destroy();
  charts[id] = new uPlot(
    {
      width: width,
      height: 180,
      scales: yRange ? { x: { time: time }, y: { range: yRange } } : { x: { time: time } },
      series: [{}].concat(series.map((s) => Object.assign({ spanGaps: true, width: 2, points: { show: true, size: 5 } }, s))),
      axes: [{}, { size: 60 }],
      legend: { live: false },
    },
    data,
    target
  );
}

const STABLE = "#2563eb";
const CANARY = "#ea580c";

function armCharts(series) {
  const at = series.at;
  chart("chart-weight", [at, series.weight], [{ label: "canary weight", stroke: CANARY }], true, () => [0, 100]);
  chart("chart-errors", [at, series.stableErrorRate, series.canaryErrorRate],
    [{ label: "stable", stroke: STABLE }, { label: "canary", stroke: CANARY }], true, fromZero);
  chart("chart-p99", [at, series.stableP99, series.canaryP99],
    [{ label: "stable", stroke: STABLE }, { label: "canary", stroke: CANARY }]);
  chart("chart-accuracy", [at, series.stableAccuracy, series.canaryAccuracy],
    [{ label: "stable", stroke: STABLE }, { label: "canary", stroke: CANARY }]);
  chart("chart-drift", [at, series.drift], [{ label: "drift", stroke: "#7c3aed" }]);
}

function summary(md) {
  const section = document.getElementById("summary");
  const canary = md.canary;
  const metrics = md.metrics || {};
  const items = [
    ["Phase", phaseBadge(md.phase)],
    ["Serving", (md.serving || {}).version || "–"],
    ["Canary", canary ? canary.version : "none"],
    ["Step", canary && canary.step !== null && canary.step !== undefined ? canary.step + 1 + "/" + md.steps : "–"],
    ["Weight", canary ? fixed(canary.weight, 0) + "%" : "–"],
    ["Last decision", canary && canary.decision ? canary.decision + (canary.reason ? ": " + canary.reason : "") : "–"],
    ["Paused", md.paused ? "yes" : "no"],
    ["Accuracy", percent(metrics.accuracy)],
    ["Drift", fixed(metrics.drift, 3)],
  ];
  const dl = el("dl");
  items.forEach(([key, value]) => {
    const pair = el("div");
    pair.appendChild(el("dt", key));
    const dd = el("dd");
    dd.appendChild(value instanceof Node ? value : document.createTextNode(value));
    pair.appendChild(dd);
    dl.appendChild(pair);
  });
  section.replaceChildren(dl);
}

function features(md) {
  const max = Math.max(1e-12, ...md.features.map((f) => f.importance || 0));
  fill(document.querySelector("#features tbody"), md.features.map((f) => {
    const bar = el("span", null, "bar");
    bar.style.width = Math.round(100 * (f.importance || 0) / max) + "px";
    return row([f.feature, fixed(f.importance, 4), bar]);
  }));
  fill(document.querySelector("#changes tbody"),
    md.importanceChanges.map((c) => row([c.feature, fixed(c.stable, 4), fixed(c.canary, 4)])));
  driftTable(md);
  fill(document.querySelector("#conditions tbody"),
    md.conditions.map((c) => row([c.type, c.status, c.reason || "", c.message || ""])));
  fill(document.querySelector("#rollouts tbody"),
    md.rollouts.slice().reverse().map((h) => row([h.version, h.result, h.at, h.reason || ""])));
}

// A PSI cell, marked when above spec.monitoring.slo.maxDrift.
function psiCell(value, above) {
  return el("span", fixed(value, 3), above ? "above" : null);
}

function driftTable(md) {
  const withCanary = Boolean(md.canary);
  document.getElementById("drift-canary").hidden = !withCanary;
  fill(document.querySelector("#drift tbody"), md.drift.map((d) => row([d.feature, psiCell(d.stable, d.stableAbove)]
    .concat(withCanary ? [psiCell(d.canary, d.canaryAbove)] : []))));
  document.getElementById("drift-threshold").textContent = md.driftThreshold === null || md.driftThreshold === undefined
    ? "No spec.monitoring.slo.maxDrift set."
    : "Marked: above spec.monitoring.slo.maxDrift " + md.driftThreshold + ".";
  document.body.dataset.driftRows = String(md.drift.length);
}

const TRIAL_COLOURS = ["#2563eb", "#ea580c", "#16a34a", "#dc2626", "#7c3aed", "#0891b2", "#ca8a04", "#db2777"];

function runs(md) {
  const container = document.getElementById("runs");
  if (md.runs.length === 0) {
    container.replaceChildren(el("p", "No retraining run.", "muted"));
    return;
  }
  const seen = new Set();
  md.runs.forEach((run, i) => {
    const id = "run-" + i;
    seen.add(id);
    let box = document.getElementById(id);
    if (!box) {
      box = el("div", null, "run");
      box.id = id;
      box.appendChild(el("h3"));
      box.appendChild(el("p", null, "muted"));
      const trials = el("table", null, "trials");
      trials.appendChild(el("thead")).appendChild(row(["Trial", "State", "Objective", "Step", "Parameters"]));
      trials.appendChild(el("tbody"));
      box.appendChild(trials);
      const chartBox = el("div", null, "chart");
      chartBox.id = "chart-" + id;
      box.appendChild(chartBox);
      container.appendChild(box);
    }
    const blessing = run.blessing
      ? " · blessing " + run.blessing.metric + " " + fixed(run.blessing.candidate, 4) + " vs " + fixed(run.blessing.serving, 4) + (run.blessing.passed ? " (passed)" : " (not passed)")
      : "";
    box.querySelector("h3").textContent = run.name + " — " + (run.phase || "Pending");
    box.querySelector("p").textContent = (run.trigger || "") + (run.reason ? ": " + run.reason : "")
      + (run.trialProgress ? " · trials " + run.trialProgress : "") + (run.version ? " · version " + run.version : "") + blessing;
    fill(box.querySelector("tbody"), run.trials.map((t) => row([
      t.index, t.state || "–", fixed(t.objective, 4), t.step === null || t.step === undefined ? "–" : t.step,
      Object.entries(t.parameters).map(([k, v]) => k + "=" + v).join(", "),
    ])));
    const withCurves = run.trials.filter((t) => t.curveSteps.length > 0);
    const chartBox = box.querySelector(".chart");
    chartBox.hidden = withCurves.length === 0;
    if (withCurves.length > 0) {
      const steps = Array.from(new Set(withCurves.flatMap((t) => t.curveSteps))).sort((a, b) => a - b);
      const data = [steps].concat(withCurves.map((t) => {
        const byStep = new Map(t.curveSteps.map((s, k) => [s, t.curveValues[k]]));
        return steps.map((s) => (byStep.has(s) ? byStep.get(s) : null));
      }));
      // The x axis is the training step, not a time.
      chart(chartBox.id, data, withCurves.map((t, k) => ({ label: "trial " + t.index, stroke: TRIAL_COLOURS[k % TRIAL_COLOURS.length] })), false);
    }
  });
  Array.from(container.children).forEach((child) => { if (!seen.has(child.id)) child.remove(); });
}

async function showModel() {
  const namespace = params.get("namespace");
  const name = params.get("name");
  document.getElementById("title").textContent = namespace + "/" + name;
  document.title = name + " · ModelKeeper";
  const md = await getJson("api/modeldeployments/" + encodeURIComponent(namespace) + "/" + encodeURIComponent(name));
  summary(md);
  armCharts(md.series);
  features(md);
  runs(md);
  document.body.dataset.checks = String(md.series.at.length);
  document.body.dataset.runs = String(md.runs.length);
}

async function setUpActions() {
  const session = await getJson("api/session");
  const section = document.getElementById("actions");
  section.hidden = !session.actions;
  section.querySelectorAll("button").forEach((button) => {
    button.addEventListener("click", async () => {
      let token = sessionStorage.getItem("modelkeeper-token");
      if (!token) {
        token = prompt("Console token");
        if (!token) return;
        sessionStorage.setItem("modelkeeper-token", token);
      }
      const action = button.dataset.action;
      let url = "api/modeldeployments/" + encodeURIComponent(params.get("namespace")) + "/"
        + encodeURIComponent(params.get("name")) + "/actions/" + action;
      if (action === "abort" || action === "retrain") {
        const reason = prompt("Reason");
        if (reason === null) return;
        url += "?reason=" + encodeURIComponent(reason);
      }
      const response = await fetch(url, { method: "POST", headers: { Authorization: "Bearer " + token } });
      const body = await response.json();
      if (response.status === 401) sessionStorage.removeItem("modelkeeper-token");
      document.getElementById("action-result").textContent = body.message || body.error;
      refresh();
    });
  });
}

async function refresh() {
  try {
    if (document.body.dataset.page === "list") await showList();
    else await showModel();
    problem(null);
    document.body.dataset.loaded = "true";
  } catch (e) {
    problem("Cannot load: " + e.message);
  }
}

refresh();
if (document.body.dataset.page === "model") setUpActions().catch((e) => problem("Cannot load: " + e.message));
setInterval(refresh, REFRESH_MS);
