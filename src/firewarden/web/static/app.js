// firewarden: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- compose: who the post goes out as, and the check as you type ------------------------
  var form = document.getElementById("compose-form");
  if (form) {
    var text = document.getElementById("text");
    var status = document.getElementById("check-status");
    var results = document.getElementById("check-results");
    var postingAs = document.getElementById("posting-as");
    var wrongBox = document.getElementById("wrong-account-confirm");
    var timer = null, seq = 0;

    function selected() {
      return Array.prototype.filter.call(form.querySelectorAll('input[name="targets"]'), function (i) { return i.checked; });
    }

    function showPostingAs() {
      var picked = selected();
      postingAs.textContent = "";
      if (!picked.length) { postingAs.textContent = "No account chosen yet: pick where this goes out."; postingAs.className = "posting-as"; return; }
      postingAs.appendChild(document.createTextNode("Posting as "));
      picked.forEach(function (i, n) {
        if (n) postingAs.appendChild(document.createTextNode(" and "));
        postingAs.appendChild(el("strong", {}, i.dataset.handle + " (" + i.dataset.platform + ")"));
        postingAs.appendChild(document.createTextNode(" "));
        postingAs.appendChild(el("span", { "class": "kind kind-" + i.dataset.kind }, i.dataset.kind));
      });
      postingAs.className = "posting-as" + (picked.some(function (i) { return i.dataset.kind === "personal"; }) ? " personal" : "");
    }

    function render(reports) {
      results.textContent = "";
      var worst = "none", order = ["none", "low", "medium", "high", "critical"], wrong = false;
      reports.forEach(function (entry) {
        var report = entry.report, section = el("section", { "class": "panel" });
        if (order.indexOf(report.level) > order.indexOf(worst)) worst = report.level;
        var h = el("h3", {}, entry.label + ": ");
        h.appendChild(el("span", { "class": "level level-" + report.level }, report.level));
        section.appendChild(h);
        var preview = el("div", { "class": "preview", "aria-label": "Your text with the findings marked" });
        var body = text.value, pos = 0;
        var spans = report.findings.map(function (f, n) { return [f.start, f.end, n, f]; })
          .filter(function (s) { return s[3].field === "text" && s[1] > s[0]; })
          .sort(function (a, b) { return a[0] - b[0]; });
        spans.forEach(function (s) {
          if (s[0] < pos) return;
          preview.appendChild(document.createTextNode(body.slice(pos, s[0])));
          var mark = el("mark", { "class": "sev-" + s[3].severity, title: s[3].message }, body.slice(s[0], s[1]));
          mark.appendChild(el("sup", {}, String(s[2] + 1)));
          preview.appendChild(mark);
          pos = s[1];
        });
        preview.appendChild(document.createTextNode(body.slice(pos)));
        section.appendChild(preview);
        if (!report.findings.length) section.appendChild(el("p", {}, "No findings."));
        var list = el("ol", { "class": "findings" });
        report.findings.forEach(function (f) {
          if (f.category === "wrong-account") wrong = true;
          var li = el("li");
          li.appendChild(el("span", { "class": "level level-" + f.severity }, f.severity));
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("span", { "class": "finding-msg" }, f.message));
          if (f.excerpt) li.appendChild(el("div", {}, "“" + f.excerpt + "”"));
          if (f.suggestion) li.appendChild(el("div", { "class": "suggestion" }, "Suggestion: " + f.suggestion));
          li.appendChild(el("div", { "class": "help" }, f.category + " · " + f.rule_id));
          list.appendChild(li);
        });
        section.appendChild(list);
        results.appendChild(section);
      });
      if (wrongBox) {
        wrongBox.hidden = !wrong;
        var input = wrongBox.querySelector("input");
        if (input) input.required = wrong;
      }
      var count = reports.reduce(function (n, r) { return n + r.report.findings.length; }, 0);
      status.textContent = "Check: risk " + worst + ", " + count + " finding" + (count === 1 ? "" : "s") + ".";
    }

    function runCheck() {
      var mine = ++seq;
      if (!text.value.trim()) { results.textContent = ""; status.textContent = "Write something to check it."; return; }
      var picked = selected();
      var targets = picked.length ? picked.map(function (i) { return { label: i.dataset.handle, kind: i.dataset.kind, handle: i.dataset.handle }; })
        : [{ label: "Any account", kind: "corporate", handle: "" }];
      var when = (document.getElementById("scheduled_at") || {}).value;
      var attach = (document.getElementById("attachments") || {}).value || "";
      var sponsored = !!(document.getElementById("sponsored") || {}).checked;
      status.textContent = "Checking…";
      Promise.all(targets.map(function (t) {
        var body = { text: text.value, account: t.kind, handle: t.handle, sponsored: sponsored, attachment: attach };
        if (when) body.at = when.length === 16 ? when + ":00Z" : when;
        return fetch("/api/v1/check", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify(body)
        }).then(function (r) {
          return r.json().then(function (data) {
            if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
            return { label: t.label, report: data };
          });
        });
      })).then(function (reports) { if (mine === seq) render(reports); })
        .catch(function (e) { if (mine === seq) status.textContent = "The check could not run: " + e.message; });
    }

    function later() { clearTimeout(timer); timer = setTimeout(runCheck, 350); }
    form.addEventListener("input", later);
    form.addEventListener("change", function () { showPostingAs(); later(); });
    showPostingAs();
    if (text.value.trim()) runCheck();
  }

  // -- the undo window countdown ------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("[data-countdown]"), function (node) {
    var end = Date.parse(node.getAttribute("data-countdown"));
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      node.textContent = left > 0 ? left + " s left to cancel" : "sending now (refresh to see)";
      if (left > 0) setTimeout(tick, 1000);
    }
    tick();
  });
})();
