// A team member's phone in a village: the hamlet's households from the roster the
// phone keeps, found without accents; a visit or a missing household recorded with
// or without signal and handed to the site's one outbox (window.lmsOutbox in
// lms/offline.js), which sends each once to the sync API under the identifier made
// here. Households added on the phone stay listed (localStorage) until the roster
// the server sends has them. A correction of a household names the version of it
// the phone saw, so the server can keep one made on an older version for the
// leader. Text comes from the page's data-* attributes.
(() => {
  "use strict";
  const root = document.querySelector("[data-team-phone]");
  if (!root) return;
  const t = (name) => root.dataset[name] || "";
  const $ = (id) => document.getElementById(id);
  const skills = JSON.parse($("team-skills").textContent);
  const addedKey = `lms-team-added-${root.dataset.hamlet}`;
  const logKey = "lms-team-log";
  const correctedKey = `lms-team-corrected-${root.dataset.hamlet}`;
  const corrections = () => { try { return JSON.parse(localStorage.getItem(correctedKey)) || {}; } catch (e) { return {}; } };
  let households = [];

  const fold = (text) => (text || "").replace(/đ/g, "d").replace(/Đ/g, "D")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .split(/\s+/).filter(Boolean).join(" ");
  const newId = () => (crypto.randomUUID ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  const read = (key) => { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } };
  const write = (key, value) => localStorage.setItem(key, JSON.stringify(value));
  const element = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  const outbox = () => window.lmsOutbox;

  function notice(text) {
    $("team-notice").textContent = text;
    $("team-notice").hidden = !text;
  }

  function show(section) {
    for (const id of ["team-find", "team-visit", "team-add", "team-edit"]) $(id).hidden = id !== section;
    window.scrollTo(0, 0);
  }

  // The list -----------------------------------------------------------------
  function label(home) {
    return [home.house_number, home.head_name].filter(Boolean).join(" · ");
  }

  function renderList() {
    const words = fold($("team-search").value).split(" ").filter(Boolean);
    const list = $("team-households");
    const found = households.filter((home) => words.every((word) => home.key.includes(word)));
    list.replaceChildren(...found.slice(0, 50).map((home) => {
      const button = element("button", { type: "button", className: "link-button", textContent: label(home) });
      if (home.local) button.append(" ", t("newHousehold"));
      else if (corrections()[home.id]) button.append(" ", t("corrected"));
      button.addEventListener("click", () => openVisit(home));
      return element("li", {}, button);
    }));
    if (!found.length) list.append(element("li", { className: "muted", textContent: t("none") }));
  }

  async function loadRoster() {
    let roster = null;
    try {
      const response = await fetch(root.dataset.rosterUrl, { credentials: "same-origin" });
      if (response.ok) roster = await response.json();
    } catch (error) { /* no signal and nothing kept */ }
    if (!roster) notice(t("noRoster"));
    const known = new Set((roster ? roster.households : []).map((home) => home.uuid).filter(Boolean));
    const added = read(addedKey).filter((home) => !known.has(home.id));
    write(addedKey, added);
    households = [...added, ...(roster ? roster.households : [])];
    // What this phone corrected shows until the server's list has moved on.
    const kept = corrections();
    for (const home of households) {
      const change = kept[home.id];
      if (!change) continue;
      if (change.version !== home.version) delete kept[home.id];
      else {
        Object.assign(home, change.values);
        home.key = fold(`${home.head_name} ${home.house_number}`);
      }
    }
    write(correctedKey, kept);
    renderList();
  }

  // A visit --------------------------------------------------------------------
  let current = null;

  function personFields(resident) {
    const id = String(resident.id);
    const present = element("input", { type: "checkbox", name: `present-${id}` });
    const box = element("fieldset", { className: "person" },
      element("legend", { textContent: resident.name + (resident.birth_year ? ` (${resident.birth_year})` : "") }),
      element("p", {}, element("label", {}, present, " ", t("present"))));
    // A person's skills and answer open once they are ticked present.
    const details = element("div", { className: "person-details", hidden: true });
    present.addEventListener("change", () => { details.hidden = !present.checked; });
    const choices = element("ul", { className: "choices" });
    for (const skill of skills) {
      choices.append(element("li", {},
        element("label", {}, element("input", { type: "checkbox", name: `skill-${id}`, value: skill.code }), " ", skill.name),
        " ",
        element("label", { className: "muted" }, element("input", { type: "checkbox", name: `self-${id}`, value: skill.code }), " ", t("themselves"))));
    }
    details.append(choices, element("p", { textContent: t("agrees") }),
      element("p", {},
        element("label", {}, element("input", { type: "radio", name: `consent-${id}`, value: "yes" }), " ", t("yes")),
        " ",
        element("label", {}, element("input", { type: "radio", name: `consent-${id}`, value: "no" }), " ", t("no"))));
    if (resident.minor) {
      details.append(element("p", {}, element("label", {}, t("guardian"), " ",
        element("input", { type: "text", name: `guardian-${id}`, maxLength: 150 }))));
    }
    box.append(details);
    return box;
  }

  function openVisit(home) {
    current = home;
    $("team-visit-title").textContent = label(home);
    $("team-visit-people").replaceChildren(...home.residents.map(personFields));
    $("team-visit-note").value = "";
    $("team-visit-errors").textContent = "";
    // A household added on this phone is corrected by the leader once it arrives.
    $("team-edit-open").hidden = !!home.local || !home.version;
    show("team-visit");
  }

  function visitItem(form) {
    const value = (name) => form.querySelector(`[name="${name}"]`);
    const attendees = [];
    const problems = new Set();
    for (const resident of current.residents) {
      const id = String(resident.id);
      if (!value(`present-${id}`).checked) continue;
      const codes = [...form.querySelectorAll(`[name="skill-${id}"]:checked`)].map((input) => input.value);
      const self = new Set([...form.querySelectorAll(`[name="self-${id}"]:checked`)].map((input) => input.value));
      const consent = form.querySelector(`[name="consent-${id}"]:checked`);
      const guardian = value(`guardian-${id}`) ? value(`guardian-${id}`).value.trim() : "";
      if (!codes.length) problems.add(t("needSkill"));
      if (!consent) problems.add(t("needConsent"));
      if (resident.minor && consent && consent.value === "yes" && !guardian) problems.add(t("needGuardian"));
      attendees.push({
        resident: resident.id,
        skills: codes.map((code) => ({ skill: code, by_themselves: self.has(code) })),
        consent: consent ? consent.value === "yes" : null,
        guardian,
      });
    }
    if (!attendees.length) problems.add(t("needPresent"));
    return [{
      household: current.id,
      visited_on: $("team-visit-date").value || t("today"),
      note: $("team-visit-note").value.trim(),
      attendees,
    }, [...problems]];
  }

  $("team-visit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (form.dataset.busy) return;
    const [item, problems] = visitItem(form);
    $("team-visit-errors").textContent = problems.join(" ");
    if (problems.length || !outbox()) return;
    form.dataset.busy = "1";
    const id = newId();
    try {
      await outbox().add({
        kind: "visit", id, json: true, page: location.pathname,
        url: root.dataset.visitUrl.replace("00000000-0000-0000-0000-000000000000", id),
        body: { ...item, uuid: id },
      });
      log(id, label(current));
    } finally {
      delete form.dataset.busy;
    }
    notice(t("kept"));
    show("team-find");
    renderLog();
  });

  // A missing household ---------------------------------------------------------
  $("team-add-open").addEventListener("click", () => {
    $("team-add").reset();
    $("team-add-errors").textContent = "";
    show("team-add");
  });

  $("team-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const head = $("team-add-head").value.trim();
    if (!head || !outbox()) {
      $("team-add-errors").textContent = head ? "" : $("team-add-head").labels[0].textContent;
      return;
    }
    const residents = [...document.querySelectorAll(".team-add-person")]
      .map((row) => row.querySelectorAll("input"))
      .filter(([name]) => name.value.trim())
      .map(([name, year]) => ({ uuid: newId(), full_name: name.value.trim(), birth_year: year.value ? Number(year.value) : null }));
    const id = newId();
    const item = {
      uuid: id, hamlet: Number(root.dataset.hamlet), head_name: head,
      house_number: $("team-add-number").value.trim(), phone: $("team-add-phone").value.trim(), residents,
    };
    await outbox().add({
      kind: "household", id, json: true, page: location.pathname,
      url: root.dataset.householdUrl.replace("00000000-0000-0000-0000-000000000000", id),
      body: item,
    });
    const year = Number(t("today").slice(0, 4));
    const home = {
      id, uuid: id, local: true, head_name: head, house_number: item.house_number,
      key: fold(`${head} ${item.house_number}`),
      residents: residents.map((r) => ({ id: r.uuid, name: r.full_name, birth_year: r.birth_year, minor: !!r.birth_year && year - r.birth_year < 18 })),
    };
    write(addedKey, [home, ...read(addedKey)]);
    households = [home, ...households];
    log(id, label(home));
    notice(t("kept"));
    show("team-find");
    renderList();
    renderLog();
  });

  // A correction of a household ------------------------------------------------
  $("team-edit-open").addEventListener("click", () => {
    $("team-edit-head").value = current.head_name || "";
    $("team-edit-number").value = current.house_number || "";
    $("team-edit-phone").value = "";
    $("team-edit-errors").textContent = "";
    show("team-edit");
  });

  $("team-edit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (form.dataset.busy || !outbox()) return;
    const values = {};
    const head = $("team-edit-head").value.trim();
    const number = $("team-edit-number").value.trim();
    const phone = $("team-edit-phone").value.trim();
    if (head !== (current.head_name || "")) values.head_name = head;
    if (number !== (current.house_number || "")) values.house_number = number;
    if (phone) values.phone = phone;
    const problem = !head ? t("needHead") : (Object.keys(values).length ? "" : t("needChange"));
    $("team-edit-errors").textContent = problem;
    if (problem) return;
    form.dataset.busy = "1";
    const id = newId();
    try {
      await outbox().add({
        kind: "household-change", id, json: true, page: location.pathname,
        url: root.dataset.changeUrl.replace("00000000-0000-0000-0000-000000000000", id),
        body: { uuid: id, household: current.id, base_version: current.version, ...values },
      });
    } finally {
      delete form.dataset.busy;
    }
    const kept = corrections();
    const shown = { ...values };
    delete shown.phone;
    kept[current.id] = { version: current.version, values: { ...(kept[current.id] || {}).values, ...shown } };
    write(correctedKey, kept);
    Object.assign(current, shown);
    current.key = fold(`${current.head_name} ${current.house_number}`);
    log(id, label(current));
    notice(t("kept"));
    show("team-find");
    renderList();
    renderLog();
  });

  for (const button of document.querySelectorAll("[data-team-back]")) {
    button.addEventListener("click", () => show("team-find"));
  }
  $("team-search").addEventListener("input", renderList);

  // What this phone sent ---------------------------------------------------------
  function log(id, what) {
    write(logKey, [{ id, what, state: "waiting", message: "" }, ...read(logKey)].slice(0, 100));
  }

  function answered(item) {
    const entries = read(logKey);
    const entry = entries.find((kept) => kept.id === item.id);
    if (!entry) return;
    entry.state = item.state === "done" ? "sent" : "refused";
    entry.message = item.message || "";
    write(logKey, entries);
    renderLog();
  }

  function renderLog() {
    $("team-log").replaceChildren(...read(logKey).map((entry) =>
      element("li", { className: `team-log-${entry.state}` },
        `${entry.what}: ${t(entry.state)}`, entry.message ? ` — ${entry.message}` : "")));
  }

  function start() {
    if (outbox()) {
      outbox().onAnswer("visit", answered);
      outbox().onAnswer("household", answered);
      outbox().onAnswer("household-change", answered);
    }
    renderLog();
    loadRoster();
  }
  // offline.js is deferred before this file: its outbox exists by now.
  start();
})();
