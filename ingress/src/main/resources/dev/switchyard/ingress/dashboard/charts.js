// Hand-drawn SVG charts for the dashboard: no libraries, no network. Each function returns a <div class="chart">.
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 420, H = 190, M = { top: 10, right: 12, bottom: 26, left: 58 };

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function frame(title, legend) {
    const box = document.createElement("div");
    box.className = "chart";
    const t = document.createElement("div");
    t.className = "title";
    t.textContent = title;
    box.appendChild(t);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": title });
    box.appendChild(root);
    if (legend && legend.length) {
      const l = document.createElement("div");
      l.className = "muted";
      l.style.fontSize = "12px";
      for (const item of legend) {
        const s = document.createElement("span");
        s.style.marginRight = "12px";
        const sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = item.color;
        s.appendChild(sw);
        s.appendChild(document.createTextNode(item.name));
        l.appendChild(s);
      }
      box.appendChild(l);
    }
    return { box, root };
  }

  // Three to five round tick values covering [0, max].
  function ticks(max) {
    if (!(max > 0)) return [0, 1];
    const step0 = max / 4, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= step0);
    const out = [];
    for (let v = 0; v <= max + step * 1e-9; v += step) out.push(v);
    if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
    return out;
  }

  function yAxis(root, ys, y, format) {
    for (const v of ys) {
      root.appendChild(svg("line", { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), stroke: "#eaecf0" }));
      root.appendChild(svg("text", { x: M.left - 6, y: y(v) + 4, "text-anchor": "end" }, format(v)));
    }
  }

  function timeLabel(ms, spanMs) {
    const d = new Date(ms);
    const pad = n => String(n).padStart(2, "0");
    if (spanMs <= 36 * 3600e3) return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${pad(d.getUTCHours())}h`;
  }

  // series: [{name, color, points: [[timeMs, value], ...], dashed?}]; opts: {title, format, domain: [t0, t1], max?}
  function line(opts) {
    const { box, root } = frame(opts.title, opts.series.filter(s => !s.hideLegend));
    const all = opts.series.flatMap(s => s.points);
    if (all.length === 0) {
      root.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no data in this range"));
      return box;
    }
    const [t0, t1] = opts.domain;
    const x = t => M.left + (W - M.left - M.right) * (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0));
    const ys = ticks(opts.max !== undefined ? opts.max : Math.max(...all.map(p => p[1])));
    const yMax = ys[ys.length - 1];
    const y = v => H - M.bottom - (H - M.top - M.bottom) * (v / yMax);
    yAxis(root, ys, y, opts.format);
    for (let i = 0; i <= 4; i++) {
      const t = t0 + (t1 - t0) * i / 4;
      root.appendChild(svg("text", { x: x(t), y: H - 8, "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle" }, timeLabel(t, t1 - t0)));
    }
    for (const s of opts.series) {
      const pts = s.points.slice().sort((a, b) => a[0] - b[0]);
      if (pts.length === 1) {
        root.appendChild(svg("circle", { cx: x(pts[0][0]), cy: y(pts[0][1]), r: 3, fill: s.color }));
      } else if (pts.length > 1) {
        const attrs = { points: pts.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" "), fill: "none", stroke: s.color, "stroke-width": 2 };
        if (s.dashed) attrs["stroke-dasharray"] = "5 4";
        root.appendChild(svg("polyline", attrs));
      }
    }
    return box;
  }

  // groups: [{label, color, values: [{name, value}]}] drawn as bars per group; opts: {title, format}
  function bars(opts) {
    const { box, root } = frame(opts.title, []);
    const values = opts.groups.flatMap(g => g.values.map(v => v.value)).filter(v => v !== null && v !== undefined);
    if (values.length === 0) {
      root.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no data in this range"));
      return box;
    }
    const ys = ticks(Math.max(...values));
    const yMax = ys[ys.length - 1];
    const y = v => H - M.bottom - (H - M.top - M.bottom) * (v / yMax);
    yAxis(root, ys, y, opts.format);
    const groupW = (W - M.left - M.right) / opts.groups.length;
    opts.groups.forEach((g, gi) => {
      const n = g.values.length, barW = Math.min(34, (groupW - 16) / n);
      const start = M.left + gi * groupW + (groupW - barW * n) / 2;
      g.values.forEach((v, vi) => {
        if (v.value === null || v.value === undefined) return;
        const bx = start + vi * barW;
        root.appendChild(svg("rect", { x: bx + 1, y: y(v.value), width: barW - 2, height: Math.max(0, y(0) - y(v.value)), fill: g.color, opacity: vi === 0 ? 1 : 0.55 }));
        root.appendChild(svg("text", { x: bx + barW / 2, y: y(v.value) - 3, "text-anchor": "middle" }, v.name));
      });
      root.appendChild(svg("text", { x: M.left + gi * groupW + groupW / 2, y: H - 8, "text-anchor": "middle" }, g.label));
    });
    return box;
  }

  // rows: [{label, color, mean, lower, upper}] as points with their confidence band; opts: {title, format, reference?}
  function intervals(opts) {
    const rowH = 30, height = M.top + M.bottom + rowH * Math.max(1, opts.rows.length);
    const { box, root } = frame(opts.title, []);
    root.setAttribute("viewBox", `0 0 ${W} ${height}`);
    const nums = opts.rows.flatMap(r => [r.lower, r.upper, r.mean]).filter(v => v !== null && v !== undefined && isFinite(v));
    if (opts.reference !== undefined) nums.push(opts.reference);
    if (nums.length === 0) {
      root.appendChild(svg("text", { x: W / 2, y: height / 2, "text-anchor": "middle" }, "no outcomes yet"));
      return box;
    }
    let lo = Math.min(...nums), hi = Math.max(...nums);
    if (hi === lo) { hi += 0.5; lo -= 0.5; }
    const pad = (hi - lo) * 0.08;
    lo -= pad; hi += pad;
    const left = 90, right = 30;
    const x = v => left + (W - left - right) * (v - lo) / (hi - lo);
    for (let i = 0; i <= 4; i++) {
      const v = lo + (hi - lo) * i / 4;
      root.appendChild(svg("line", { x1: x(v), x2: x(v), y1: M.top, y2: height - M.bottom, stroke: "#eaecf0" }));
      root.appendChild(svg("text", { x: x(v), y: height - 8, "text-anchor": "middle" }, opts.format(v)));
    }
    if (opts.reference !== undefined) {
      root.appendChild(svg("line", { x1: x(opts.reference), x2: x(opts.reference), y1: M.top, y2: height - M.bottom, stroke: "#98a2b3", "stroke-dasharray": "4 3" }));
    }
    opts.rows.forEach((r, i) => {
      const cy = M.top + rowH * i + rowH / 2;
      root.appendChild(svg("text", { x: 4, y: cy + 4 }, r.label));
      if (r.lower !== null && r.upper !== null && r.lower !== undefined && r.upper !== undefined) {
        root.appendChild(svg("rect", { x: x(r.lower), y: cy - 6, width: Math.max(1, x(r.upper) - x(r.lower)), height: 12, rx: 3, fill: r.color, opacity: 0.25 }));
        root.appendChild(svg("line", { x1: x(r.lower), x2: x(r.upper), y1: cy, y2: cy, stroke: r.color, "stroke-width": 2 }));
      }
      if (r.mean !== null && r.mean !== undefined) {
        root.appendChild(svg("circle", { cx: x(r.mean), cy, r: 4.5, fill: r.color }));
      }
    });
    return box;
  }

  return { line, bars, intervals };
})();
