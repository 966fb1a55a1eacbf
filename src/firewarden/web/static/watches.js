// firewarden: the watch page's live chart (uPlot), alert markers and polling.
// Progressive enhancement: without this file the page still shows the summary and the table.
(function () {
  "use strict";
  var box = document.getElementById("watch-chart");
  var seed = document.getElementById("watch-data");
  if (!box || !seed || typeof uPlot === "undefined") return;

  var POLL_MS = Number(document.getElementById("watch-chart").dataset.hours) > 24 ? 15000 : 5000;
  var LEVEL = {
    watch: { color: "#7a5c00", shape: "triangle" },
    warning: { color: "#b24a00", shape: "diamond" },
    crisis: { color: "#a30d0d", shape: "square" }
  };
  var watchId = box.dataset.watch, hours = box.dataset.hours, bucket = box.dataset.bucket;
  var state = { alerts: [], known: {}, plot: null, failures: 0, timer: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function hm(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }
  function secs(iso) { return Date.parse(iso) / 1000; }
  function levelBadge(level) {
    var glyph = { watch: "▲", warning: "◆", crisis: "■" }[level] || "●";
    var span = el("span", { "class": "alert-level alert-" + level });
    span.appendChild(el("span", { "aria-hidden": "true" }, glyph));
    span.appendChild(document.createTextNode(" " + level));
    return span;
  }

  // -- alert markers: a dashed line, a shape per level and the level's name ------------------
  function shape(ctx, kind, x, y, r) {
    ctx.beginPath();
    if (kind === "triangle") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + r); ctx.lineTo(x - r, y + r); }
    else if (kind === "diamond") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); }
    else { ctx.rect(x - r, y - r, 2 * r, 2 * r); }
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }

  function markers() {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, px = uPlot.pxRatio, top = u.bbox.top, bottom = top + u.bbox.height;
          var left = u.bbox.left, right = left + u.bbox.width;
          ctx.save();
          ctx.font = "bold " + Math.round(12 * px) + "px system-ui, sans-serif";
          ctx.textBaseline = "middle";
          var rank = { watch: 1, warning: 2, crisis: 3 }, labelled = [];
          state.alerts.forEach(function (a) {
            var spec = LEVEL[a.level] || LEVEL.watch;
            var x = u.valToPos(secs(a.time), "x", true);
            if (x < left - 1 || x > right + 1) return;
            ctx.strokeStyle = spec.color;
            ctx.lineWidth = 2 * px;
            ctx.setLineDash([5 * px, 4 * px]);
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = spec.color; ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5 * px;
            shape(ctx, spec.shape, x, top - 14 * px, 7 * px);
            labelled.push({ x: x, a: a, spec: spec });
          });
          // Names next to the shapes, the gravest first, where they do not overlap.
          labelled.sort(function (p, q) { return (rank[q.a.level] || 0) - (rank[p.a.level] || 0); });
          var taken = [];
          labelled.forEach(function (m) {
            var label = m.a.level, w = ctx.measureText(label).width, gap = 10 * px;
            var tx = m.x + w + 2 * gap > right ? m.x - w - gap : m.x + gap;
            var clash = taken.some(function (t) { return tx < t[1] + gap && tx + w + gap > t[0]; });
            if (clash) return;
            taken.push([tx, tx + w]);
            ctx.fillStyle = m.spec.color;
            ctx.fillText(label, tx, top - 14 * px);
          });
          ctx.restore();
        }]
      }
    };
  }

  // -- the chart -----------------------------------------------------------------------------
  function columns(payload) {
    var xs = [], vol = [], neg = [];
    payload.points.forEach(function (p) { xs.push(secs(p.start)); vol.push(p.volume); neg.push(p.negative); });
    return [xs, vol, neg];
  }
  function size() {
    return { width: Math.max(260, box.clientWidth), height: window.innerWidth < 760 ? 240 : 320 };
  }

  // Tick labels in UTC and 24-hour time (as the rest of the page), the date when it changes.
  function utcTicks(u, splits, axis, space, incr) {
    var prevDay = "";
    return splits.map(function (s) {
      var iso = new Date(s * 1000).toISOString(), day = iso.slice(0, 10), time = iso.slice(11, 16);
      var label = incr >= 86400 ? day.slice(5) : (day !== prevDay ? time + "\n" + day.slice(5) : time);
      prevDay = day;
      return label;
    });
  }

  function draw(payload) {
    var dims = size();
    var opts = {
      width: dims.width,
      height: dims.height,
      padding: [32, 12, 0, 0],
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(5, max * 1.1)]; } } },
      series: [
        { label: "UTC", value: function (u, v) { return v == null ? "--" : new Date(v * 1000).toISOString().slice(0, 16).replace("T", " "); } },
        { label: "All mentions", stroke: "#1d4f91", width: 2, fill: "rgba(29,79,145,0.08)", points: { show: false } },
        { label: "Negative", stroke: "#6b2a86", width: 2, dash: [8, 5], points: { show: false } }
      ],
      axes: [{ values: utcTicks, space: 60 }, { label: "mentions per " + payload.bucket_label, size: 56 }],
      plugins: [markers()]
    };
    state.plot = new uPlot(opts, columns(payload), box);
  }

  // -- the text around it --------------------------------------------------------------------
  function updateText(payload) {
    box.setAttribute("aria-label", payload.summary);
    $("chart-summary").textContent = payload.summary;
    $("last-data").textContent = payload.last_mention_at ? payload.last_mention_at.slice(0, 19).replace("T", " ") + " UTC" : "none yet";
    var rows = $("chart-rows");
    rows.textContent = "";
    payload.points.slice(-12).forEach(function (p) {
      var tr = el("tr");
      [hm(p.start), p.volume, p.negative, Math.round(100 * p.reply_share) + "%"].forEach(function (v) { tr.appendChild(el("td", {}, String(v))); });
      var cell = el("td");
      if (p.alert) cell.appendChild(levelBadge(p.alert));
      tr.appendChild(cell);
      rows.appendChild(tr);
    });
    var s = payload.sentiment, bar = $("sentiment-bar");
    ["negative", "neutral", "positive"].forEach(function (k, n) {
      var share = s.total ? s[k] / s.total : 0;
      if (bar && bar.children[n]) bar.children[n].style.width = (100 * share) + "%";
      var strong = document.querySelector('[data-sentiment="' + k + '"]');
      if (strong) {
        strong.textContent = s.total ? Math.round(100 * share) + "%" : "–";
        strong.nextSibling.textContent = " (" + s[k].toLocaleString("en") + " of " + s.total.toLocaleString("en") + ")";
      }
    });
  }

  function noteAlerts(payload, announce) {
    var table = document.querySelector("table.alerts tbody");
    payload.alerts.forEach(function (a) {
      if (state.known[a.id]) return;
      state.known[a.id] = true;
      if (!announce || !table) return;
      var none = table.querySelector("tr.none");
      if (none) none.remove();
      var tr = el("tr", { "data-alert-id": String(a.id), "class": "new-alert" });
      var c1 = el("td"); c1.appendChild(levelBadge(a.level)); tr.appendChild(c1);
      var c2 = el("td"); c2.appendChild(el("a", { href: a.url }, hm(a.time))); tr.appendChild(c2);
      tr.appendChild(el("td", {}, a.what_rose.join(" / ")));
      tr.appendChild(el("td", {}, a.status));
      table.insertBefore(tr, table.firstChild);
      $("alert-announcer").textContent = "New " + a.level + " alert at " + hm(a.time) + " UTC: " + (a.what_rose[0] || a.summary);
    });
  }

  function apply(payload, announce) {
    state.alerts = payload.alerts;
    noteAlerts(payload, announce);
    updateText(payload);
    if (state.plot) state.plot.setData(columns(payload));
  }

  // -- polling -------------------------------------------------------------------------------
  function status(text, bad) {
    var live = $("live-status");
    live.firstChild.textContent = text + " Counted up to: ";
    live.className = "live" + (bad ? " stale" : "");
  }

  function poll() {
    if (document.hidden) return schedule();
    var url = "/api/v1/watches/" + watchId + "/series?hours=" + encodeURIComponent(hours) + (bucket ? "&bucket=" + encodeURIComponent(bucket) : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401) { status("You were signed out: reload the page to sign in again.", true); return null; }
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.error || ("the server answered " + r.status));
          return body;
        });
      })
      .then(function (payload) {
        if (!payload) return;
        state.failures = 0;
        apply(payload, true);
        status("Live: updated " + new Date().toISOString().slice(11, 19) + " UTC.", false);
        schedule();
      })
      .catch(function (err) {
        state.failures += 1;
        status("Could not update (" + err.message + "); trying again.", true);
        schedule();
      });
  }
  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(poll, Math.min(POLL_MS * (1 + state.failures), 60000));
  }

  var first = JSON.parse(seed.textContent);
  box.textContent = "";
  draw(first);
  apply(first, false);
  box.dataset.ready = "true";
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { if (state.plot) state.plot.setSize(size()); }, 150);
  });
  schedule();
})();
