// Sorting, filtering and the detail panel of the scaleout HTML report. The filters and
// the open finding live in the URL fragment
// (#severity=error&category=cron-library&folder=src&q=text&open=3), which the page reads
// on load and whenever it changes, so a view can be linked to. Only textContent and
// existing elements are used, never markup built from strings.
"use strict";
(function () {
  const body = document.querySelector("#findings tbody");
  const rows = Array.from(body.querySelectorAll("tr.finding"));
  const fields = ["q", "severity", "category", "folder"];
  const input = (name) => document.getElementById(name);
  const shown = input("shown");

  const params = () => new URLSearchParams(location.hash.slice(1));
  function writeHash(p) {
    const hash = p.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }
  function state() {
    const p = params();
    const s = {};
    for (const f of fields.concat(["open"])) s[f] = p.get(f) || "";
    return s;
  }

  function apply() {
    const s = state();
    for (const f of fields) if (input(f).value !== s[f]) input(f).value = s[f];
    const q = s.q.toLowerCase();
    let visible = 0;
    for (const row of rows) {
      const ok = (!s.severity || row.dataset.severity === s.severity) &&
        (!s.category || row.dataset.category === s.category) &&
        (!s.folder || row.dataset.folder === s.folder) &&
        (!q || row.textContent.toLowerCase().includes(q));
      row.hidden = !ok;
      if (ok) visible += 1;
    }
    shown.textContent = visible + " of " + rows.length + " findings";
    const open = rows.find((r) => r.dataset.index === s.open);
    if (open) show(open);
  }

  function update() {
    const p = params();
    for (const f of fields) {
      if (input(f).value) p.set(f, input(f).value);
      else p.delete(f);
    }
    writeHash(p);
    apply();
  }

  for (const f of fields) input(f).addEventListener(f === "q" ? "input" : "change", update);
  input("clear").addEventListener("click", () => {
    for (const f of fields) input(f).value = "";
    update();
  });
  window.addEventListener("hashchange", apply);

  const keys = {
    severity: (r) => [Number(r.dataset.rank)],
    rule: (r) => [r.dataset.rule],
    category: (r) => [r.dataset.category],
    location: (r) => [r.dataset.path, Number(r.dataset.line)],
    message: (r) => [r.querySelector(".msg").textContent],
  };
  function compare(a, b) {
    for (let i = 0; i < a.length; i += 1) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }
  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.addEventListener("click", () => {
      const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      for (const other of document.querySelectorAll("th[data-sort]")) other.setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      const key = keys[th.dataset.sort];
      const position = keys.location;
      rows.sort((a, b) => dir * compare(key(a), key(b)) || compare(position(a), position(b)));
      for (const row of rows) body.appendChild(row);
    });
  }

  const detail = input("detail");
  function show(row) {
    for (const r of rows) r.classList.toggle("selected", r === row);
    input("detail-title").textContent = row.dataset.rule;
    input("detail-location").textContent = row.querySelector(".loc").textContent;
    input("detail-message").textContent = row.querySelector(".msg").textContent;
    const excerpt = input("detail-excerpt");
    excerpt.replaceChildren(row.querySelector("template.excerpt").content.cloneNode(true));
    const doc = input("detail-doc");
    const rule = Array.from(document.querySelectorAll("#rules article.rule"))
      .find((a) => a.dataset.rule === row.dataset.rule);
    doc.replaceChildren(...(rule ? [rule.cloneNode(true)] : []));
    detail.hidden = false;
    const p = params();
    p.set("open", row.dataset.index);
    writeHash(p);
  }
  function close() {
    detail.hidden = true;
    for (const r of rows) r.classList.remove("selected");
    const p = params();
    p.delete("open");
    writeHash(p);
  }
  for (const row of rows) {
    row.addEventListener("click", () => show(row));
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") show(row); });
  }
  input("close").addEventListener("click", close);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });

  apply();
})();
