// The Switchyard experiments dashboard: reads this ingress's own API (same origin) and draws with Charts (SVG).
// Every number shown sits in an element with data-field (and data-route / data-variant / data-metric), so a test,
// or a curious user, can check it against GET /router/v1/routers/{id}/report.
"use strict";
const COLORS = ["#2e90fa", "#f79009", "#12b76a", "#9e77ed", "#f04438", "#0ba5ec", "#ee46bc", "#667085"];
const state = { routers: [], routerId: null, range: "7d", notice: null };

const fmt = {
  int: v => v === null || v === undefined ? "—" : Math.round(v).toLocaleString("en-US"),
  pct1: v => v === null || v === undefined ? "—" : (v * 100).toFixed(1) + " %",
  pct2: v => v === null || v === undefined ? "—" : (v * 100).toFixed(2) + " %",
  ms: v => v === null || v === undefined ? "—" : v.toFixed(0) + " ms",
  usd: v => v === null || v === undefined ? "—" : v === 0 ? "$0" : "$" + v.toPrecision(3),
  num: v => v === null || v === undefined ? "—" : v.toFixed(4),
  signed: v => v === null || v === undefined ? "—" : (v > 0 ? "+" : "") + v.toFixed(4),
  p: v => v === null || v === undefined ? "—" : v < 0.0001 ? v.toExponential(1) : v.toFixed(4),
};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "className") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error && body.error.message ? body.error.message : `HTTP ${response.status}`;
    throw Object.assign(new Error(message), { status: response.status, code: body && body.error ? body.error.code : null });
  }
  return body;
}

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  state.routerId = params.get("router");
  state.range = params.get("range") || state.range;
  showRange();
}

// The range select shows the range, also one that is not a preset (a phase's start: "since ...").
function showRange() {
  const select = document.getElementById("range");
  if (![...select.options].some(o => o.value === state.range)) {
    select.appendChild(el("option", { value: state.range }, "since " + state.range.slice(0, 16).replace("T", " ")));
  }
  select.value = state.range;
}

function writeHash() {
  const params = new URLSearchParams();
  if (state.routerId) params.set("router", state.routerId);
  params.set("range", state.range);
  history.replaceState(null, "", "#" + params.toString());
}

async function loadRouters() {
  const list = document.getElementById("routers");
  try {
    state.routers = (await api("/router/v1/routers")).routers;
  } catch (e) {
    list.replaceChildren(el("li", { className: "error" }, e.message));
    return;
  }
  if (state.routers.length === 0) {
    list.replaceChildren(el("li", { className: "muted" }, "No routers yet: create one with POST /router/v1/routers."));
    return;
  }
  list.replaceChildren(...state.routers.map(r => el("li", {},
    el("a", { href: "#router=" + encodeURIComponent(r.id) + "&range=" + state.range, "data-router": r.id,
              className: r.id === state.routerId ? "active" : null,
              onclick: ev => { ev.preventDefault(); select(r.id); } },
      r.id, el("small", {}, (r.displayName ? r.displayName + " · " : "") + "version " + r.version)))));
}

function select(id) {
  state.routerId = id;
  state.notice = null;
  writeHash();
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.router === id);
  loadRouter();
}

async function loadRouter() {
  const main = document.getElementById("main");
  const id = state.routerId;
  if (!id) {
    document.body.dataset.state = "ready";
    return;
  }
  document.body.dataset.state = "loading";
  const base = "/router/v1/routers/" + encodeURIComponent(id);
  const range = "from=" + encodeURIComponent(state.range);
  try {
    const [router, report, series] = await Promise.all([
      api(base), api(base + "/report?" + range), api(base + "/timeseries?" + range)]);
    if (id !== state.routerId) return; // another router was picked meanwhile
    main.replaceChildren(...renderRouter(router, report, series));
    document.body.dataset.router = id;
    document.body.dataset.version = String(router.version);
    document.body.dataset.state = "ready";
  } catch (e) {
    main.replaceChildren(el("h2", { className: "router" }, id), el("p", { className: "error", "data-field": "error" }, e.message));
    document.body.dataset.state = "error";
  }
}

function renderRouter(router, report, series) {
  const out = [];
  out.push(el("h2", { className: "router", "data-field": "router" }, router.id));
  out.push(el("div", { className: "muted" },
    (router.displayName ? router.displayName + " · " : "") + "version ",
    el("span", { "data-field": "version" }, String(router.version)),
    " · " + new Date(report.from).toISOString().slice(0, 16).replace("T", " ") + " → "
      + new Date(report.to).toISOString().slice(0, 16).replace("T", " ") + " UTC"));
  if (state.notice) out.push(el("div", { className: "notice", "data-field": "notice" }, state.notice));
  const unattributed = Object.entries(report.unattributed_feedback || {});
  if (unattributed.length) {
    out.push(el("div", { className: "badges" }, unattributed.map(([metric, n]) =>
      el("span", { className: "badge", title: "feedback that matched no request or user in the attribution window" },
        "unattributed " + metric + ": ", el("span", { "data-field": "unattributed", "data-metric": metric }, fmt.int(n))))));
  }
  // Charts over time span the range, or from a window before the first data point when the data starts later.
  const to = Date.parse(report.to);
  let from = Date.parse(report.from);
  if (series.points.length) {
    const first = Math.min(...series.points.map(p => Date.parse(p.window_start)));
    from = Math.max(from, first - series.window_seconds * 1000);
  }
  out.push(el("div", { className: "muted", style: "font-size:12px;margin-top:4px" },
    "Charts over time use " + (series.window_seconds === 60 ? "1-minute" : "1-hour") + " windows; tables cover the whole range."));
  for (const route of report.routes) out.push(renderRoute(router, report, route, series.points.filter(p => p.route_id === route.route_id), [from, to]));
  return out;
}

function srmBadge(route) {
  const srm = route.srm;
  if (!srm) return el("span", { className: "badge", "data-field": "srm", "data-route": route.route_id, "data-flagged": "false" }, "SRM: nothing to test");
  return el("span", { className: "badge " + (srm.flagged ? "flagged" : "ok"), "data-field": "srm", "data-route": route.route_id,
                      "data-flagged": String(srm.flagged), title: "chi-square " + srm.chi_square.toFixed(2) + ", " + srm.degrees_of_freedom + " df; flagged below p = " + srm.threshold },
    srm.flagged ? "Sample ratio mismatch · p = " + fmt.p(srm.p_value) : "No sample ratio mismatch · p = " + fmt.p(srm.p_value));
}

// Promote is offered where the server would accept it: the variant is the winner on the router's primary metric (its
// first, the first in each variant's list), the route shows no sample-ratio mismatch and neither its weights
// nor a variant's model changed within the range (one phase). Forcing is an API call.
function promotable(route, v) {
  const primary = v.metrics.length ? v.metrics[0] : null;
  return v.configured && v.weight < 100 && primary !== null && primary.verdict === "winner" && !(route.srm && route.srm.flagged)
    && route.phases.length <= 1;
}

// The allocation phases of a route (runs of router versions with the same weights and variants' models) when the
// range spans several. A variant whose model changed under the same id shows its new model.
function phasesNote(route) {
  if (route.phases.length <= 1) return null;
  const changedModels = (p, i) => {
    const before = i > 0 ? route.phases[i - 1].models || {} : {};
    return Object.entries(p.models || {}).filter(([id, m]) => before[id] !== undefined && before[id] !== m)
      .map(([id, m]) => ", " + id + " now " + m).join("");
  };
  const phase = (p, i) => (p.router_versions.length > 1 ? "versions " : "version ") + p.router_versions.join(", ") + " at " + Object.entries(p.weights).map(([id, w]) => id + " " + w + " %").join(" / ")
    + changedModels(p, i) + " from " + p.from.slice(0, 16).replace("T", " ");
  const current = route.phases[route.phases.length - 1];
  const only = el("button", { type: "button", className: "promote", "data-action": "current-phase", "data-route": route.route_id },
    "Show the current phase only");
  only.addEventListener("click", () => { state.range = current.from; showRange(); writeHash(); loadRouters(); loadRouter(); });
  return el("p", { className: "error", "data-field": "phases", "data-route": route.route_id, title: route.warning },
    "Weights or models changed within the range (" + route.phases.map(phase).join("; then ") + " UTC): " + route.warning + " ", only);
}

function renderRoute(router, report, route, points, domain) {
  const color = new Map(route.variants.map((v, i) => [v.variant_id, COLORS[i % COLORS.length]]));
  const card = el("section", { className: "card", "data-route": route.route_id });
  card.appendChild(el("h3", {}, "Route " + route.route_id + " ",
    el("span", { className: "muted" }, route.condition ? "when " + route.condition : "(default route)")));
  card.appendChild(el("div", { className: "badges" },
    el("span", { className: "badge" }, "users ", el("span", { "data-field": "route_users", "data-route": route.route_id }, fmt.int(route.users))),
    el("span", { className: "badge" }, "requests ", el("span", { "data-field": "route_requests", "data-route": route.route_id }, fmt.int(route.requests))),
    el("span", { className: "badge" }, "split counted in " + route.unit),
    srmBadge(route)));
  const note = phasesNote(route);
  if (note) card.appendChild(note);

  const cell = (field, v, text) => el("td", { "data-field": field, "data-route": route.route_id, "data-variant": v.variant_id }, text);
  const span = (field, v, text) => el("span", { "data-field": field, "data-route": route.route_id, "data-variant": v.variant_id }, text);
  const head = ["Variant", "Weight", "Users", "Requests", "Traffic share (expected)", "Error rate", "Latency p50 / p95",
                "TTFT p50", "Cost / request", "Cost / 1k users", ""];
  const rows = route.variants.map(v => el("tr", { "data-route": route.route_id, "data-variant": v.variant_id },
    el("td", { className: "text" }, el("span", { className: "swatch", style: "background:" + color.get(v.variant_id) }), v.variant_id,
      v.control ? el("span", { className: "muted" }, " (control)") : null, v.configured ? null : el("span", { className: "muted" }, " (removed)"),
      el("div", { className: "model" }, v.model_id || "—")),
    cell("weight", v, v.weight + " %"),
    cell("users", v, fmt.int(v.users)),
    cell("requests", v, fmt.int(v.requests)),
    el("td", {}, span("traffic_share", v, fmt.pct1(v.traffic_share)), " ",
      el("span", { className: "of" }, "(", span("expected_share", v, fmt.pct1(v.expected_share)), ")")),
    cell("error_rate", v, fmt.pct2(v.error_rate)),
    el("td", {}, span("latency_p50", v, fmt.ms(v.latency_ms.p50)), el("span", { className: "of" }, " / "),
      span("latency_p95", v, fmt.ms(v.latency_ms.p95))),
    cell("ttft_p50", v, fmt.ms(v.ttft_ms.p50)),
    cell("cost_per_request", v, fmt.usd(v.cost_per_request)),
    cell("cost_per_1k_users", v, fmt.usd(v.cost_per_1k_users)),
    el("td", {}, promotable(route, v) ? promoteButton(router.id, report, route.route_id, v) : null)));
  card.appendChild(el("div", { className: "table-wrap" },
    el("table", {}, el("thead", {}, el("tr", {}, head.map(h => el("th", {}, h)))), el("tbody", {}, rows))));

  // Over time, from the 1-minute or 1-hour windows.
  const byVariant = new Map(route.variants.map(v => [v.variant_id, []]));
  const totals = new Map();
  for (const p of points) {
    const t = Date.parse(p.window_start);
    totals.set(t, (totals.get(t) || 0) + p.requests);
    if (!byVariant.has(p.variant_id)) byVariant.set(p.variant_id, []);
    byVariant.get(p.variant_id).push({ t, p });
  }
  const series = (valueOf, withExpected) => {
    const out = [];
    for (const [id, list] of byVariant) {
      const c = color.get(id) || "#667085";
      out.push({ name: id, color: c, points: list.map(({ t, p }) => [t, valueOf(p, t)]).filter(x => x[1] !== null) });
      const v = route.variants.find(x => x.variant_id === id);
      if (withExpected && v && v.expected_share !== null) {
        out.push({ name: id + " weight", color: c, dashed: true, hideLegend: true, points: [[domain[0], v.expected_share * 100], [domain[1], v.expected_share * 100]] });
      }
    }
    return out;
  };
  const charts = el("div", { className: "charts" });
  charts.appendChild(Charts.line({ title: "Traffic split over time (share of requests; dashed: weight)", domain, max: 100,
    format: v => v.toFixed(0) + "%", series: series((p, t) => totals.get(t) ? 100 * p.requests / totals.get(t) : null, true) }));
  charts.appendChild(Charts.line({ title: "Requests per window", domain, format: v => fmt.int(v), series: series(p => p.requests) }));
  charts.appendChild(Charts.line({ title: "Mean latency over time", domain, format: v => v.toFixed(0) + " ms", series: series(p => p.mean_latency_ms) }));
  charts.appendChild(Charts.line({ title: "Error rate over time", domain, format: v => v.toFixed(1) + "%", series: series(p => p.error_rate === null ? null : 100 * p.error_rate) }));
  charts.appendChild(Charts.bars({ title: "Latency p50 / p95 (successful requests)", format: v => v.toFixed(0) + " ms",
    groups: route.variants.map(v => ({ label: v.variant_id, color: color.get(v.variant_id), values: [{ name: "p50", value: v.latency_ms.p50 }, { name: "p95", value: v.latency_ms.p95 }] })) }));
  charts.appendChild(Charts.bars({ title: "Cost per request", format: v => "$" + (v === 0 ? "0" : v.toPrecision(2)),
    groups: route.variants.map(v => ({ label: v.variant_id, color: color.get(v.variant_id), values: [{ name: "", value: v.cost_per_request }] })) }));
  charts.appendChild(Charts.bars({ title: "Error rate", format: v => (v * 100).toFixed(1) + "%",
    groups: route.variants.map(v => ({ label: v.variant_id, color: color.get(v.variant_id), values: [{ name: "", value: v.error_rate }] })) }));
  card.appendChild(charts);

  const metricNames = route.variants.length ? route.variants[0].metrics.map(m => m.name) : [];
  for (const name of metricNames) card.appendChild(renderMetric(route, name, color));
  return card;
}

function renderMetric(route, name, color) {
  const entries = route.variants.map(v => ({ v, m: v.metrics.find(m => m.name === name) })).filter(e => e.m);
  const first = entries[0].m;
  const box = el("div", { "data-metric-block": name });
  box.appendChild(el("h4", {}, "Outcome: " + name + " (" + first.kind + ", " + first.direction + " is better; mean per " +
    (first.unit === "users" ? "user" : "observation") + ", anytime-valid 95 % confidence sequences)"));
  const cell = (field, e, text) => el("td", { "data-field": field, "data-metric": name, "data-route": route.route_id, "data-variant": e.v.variant_id }, text);
  box.appendChild(el("div", { className: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, ["Variant", "n", "Mean", "Lower", "Upper", "Δ vs control", "Δ lower", "Δ upper", "Verdict"].map(h => el("th", {}, h)))),
    el("tbody", {}, entries.map(e => el("tr", { "data-metric": name, "data-variant": e.v.variant_id },
      el("td", { className: "text" }, el("span", { className: "swatch", style: "background:" + color.get(e.v.variant_id) }), e.v.variant_id),
      cell("n", e, fmt.int(e.m.n)),
      cell("mean", e, fmt.num(e.m.mean)),
      cell("lower", e, fmt.num(e.m.confidence.lower)),
      cell("upper", e, fmt.num(e.m.confidence.upper)),
      cell("diff", e, e.m.difference ? fmt.signed(e.m.difference.estimate) : "—"),
      cell("diff_lower", e, e.m.difference ? fmt.signed(e.m.difference.lower) : "—"),
      cell("diff_upper", e, e.m.difference ? fmt.signed(e.m.difference.upper) : "—"),
      el("td", {}, el("span", { className: "verdict verdict-" + e.m.verdict, "data-field": "verdict", "data-metric": name,
        "data-route": route.route_id, "data-variant": e.v.variant_id }, e.m.verdict))))))));
  if (entries.every(e => e.m.mean === null)) {
    box.appendChild(el("p", { className: "muted" }, first.kind === "retention"
      ? "No users whose retention period is over in this range yet."
      : "No outcomes in this range yet: send them with POST /v1/feedback."));
    return box;
  }
  const charts = el("div", { className: "charts" });
  charts.appendChild(Charts.intervals({ title: name + ": mean with its 95 % confidence band", format: v => v.toFixed(3),
    rows: entries.map(e => ({ label: e.v.variant_id, color: color.get(e.v.variant_id), mean: e.m.mean, lower: e.m.confidence.lower, upper: e.m.confidence.upper })) }));
  const diffs = entries.filter(e => e.m.difference && e.m.difference.estimate !== null);
  if (diffs.length) {
    charts.appendChild(Charts.intervals({ title: name + ": difference to control (dashed: no difference)", format: v => v.toFixed(3), reference: 0,
      rows: diffs.map(e => ({ label: e.v.variant_id, color: color.get(e.v.variant_id), mean: e.m.difference.estimate, lower: e.m.difference.lower, upper: e.m.difference.upper })) }));
  }
  box.appendChild(charts);
  return box;
}

function promoteButton(routerId, report, routeId, v) {
  const variantId = v.variant_id;
  const wrap = el("span", {});
  const data = { "data-route": routeId, "data-variant": variantId };
  const start = el("button", { type: "button", className: "promote", "data-action": "promote", ...data,
                               title: "The winner on " + v.metrics[0].name + ": send 100 % of route " + routeId + " to "
                                 + variantId + " (a new router version)" }, "Promote");
  start.addEventListener("click", () => {
    const confirm = el("button", { type: "button", className: "promote confirm", "data-action": "confirm-promote", ...data },
                       "Promote " + variantId + " to 100 % of route " + routeId);
    const cancel = el("button", { type: "button", className: "cancel" }, "Cancel");
    cancel.addEventListener("click", () => wrap.replaceChildren(start));
    confirm.addEventListener("click", () => promote(routerId, { route: routeId, variant: variantId, from: report.from, to: report.to }, confirm, wrap));
    wrap.replaceChildren(confirm, cancel);
  });
  wrap.appendChild(start);
  return wrap;
}

// The server checks the report over the same range again; when it refuses (409: no longer the winner, a sample-ratio
// mismatch, another change first), its reason is shown with a way to promote anyway.
async function promote(routerId, request, button, wrap) {
  button.disabled = true;
  try {
    const updated = await api("/router/v1/routers/" + encodeURIComponent(routerId) + ":promote", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    state.notice = "Promoted " + request.variant + " to 100 % of route " + request.route + ": router version " + updated.version
      + " (the previous version is kept; restore it with POST :restore).";
    await loadRouters();
    await loadRouter();
  } catch (e) {
    button.disabled = false;
    button.textContent = "Failed: " + e.message;
    if (e.status === 409 && !request.force) {
      const force = el("button", { type: "button", className: "promote confirm", "data-action": "force-promote",
                                   "data-route": request.route, "data-variant": request.variant }, "Promote anyway");
      force.addEventListener("click", () => promote(routerId, { ...request, force: true }, force, wrap));
      wrap.appendChild(force);
    }
  }
}

document.getElementById("range").addEventListener("change", ev => { state.range = ev.target.value; writeHash(); loadRouters(); loadRouter(); });
document.getElementById("refresh").addEventListener("click", () => { loadRouters(); loadRouter(); });
window.addEventListener("hashchange", () => { readHash(); loadRouters(); loadRouter(); });

(async () => {
  readHash();
  await loadRouters();
  if (!state.routerId && state.routers.length) {
    select(state.routers[0].id);
  } else {
    await loadRouter();
  }
})();
