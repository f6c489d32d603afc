"use strict";
/* Field cards and the decision: each field with its value, confidence, the verifiers' reasons
   and its quote; typed inputs to correct it (budget: amount, currency, period, range;
   products: a list); approve as is, approve with corrections, or reject with a comment. */
(function (R) {
  const { el, fmt, config } = R;
  const $ = (id) => document.getElementById(id);
  const REVIEWER_ITEM = "callinsights.review.reviewer";
  const LONG_TEXT = new Set(config.ungrounded.concat(["next_steps"]));

  const state = { callId: null, fields: {}, editors: {}, busy: false, onDecided: null,
    dirty: false };

  const hidden = (text) => el("span", { class: "visually-hidden", text });

  function confidence(name, field) {
    const value = typeof field.confidence === "number" ? field.confidence : 0;
    return el("span", { class: "confidence" },
      el("meter", { min: 0, max: 1, low: config.threshold, high: 0.9, optimum: 1, value,
        "aria-label": `${fmt.label(name)} confidence ${fmt.confidence(field.confidence)}` }),
      el("span", { class: "conf-number", text: fmt.confidence(field.confidence) }));
  }

  function checks(field) {
    const found = field.checks || [];
    if (!found.length) return null;
    return el("ul", { class: "checks", "aria-label": "Why the verifiers doubt it" },
      found.map((check) => el("li", {},
        el("span", { class: `effect ${check.effect}`, text: check.effect }), " ",
        el("span", { text: check.reason }),
        el("span", { class: "muted", text: ` (${check.check})` }))));
  }

  function quote(name, field) {
    const evidence = field.evidence;
    if (!evidence || !evidence.quote) {
      return el("p", { class: "no-quote muted", text: fmt.isEmpty(field.value) ?
        "No quote: nothing in the call was taken for it." : "No quote found in the call." });
    }
    const when = typeof evidence.start === "number" ? `▶ ${fmt.clock(evidence.start)}` : "";
    const who = evidence.speaker ? ` · ${fmt.speaker(evidence.speaker)}` : "";
    const button = el("button", { type: "button", class: "quote", "aria-pressed": "false",
      "data-field": name, "aria-label": `Play the quote for ${fmt.label(name)}: ${evidence.quote}` },
      `“${evidence.quote}” `, el("span", { class: "when", text: `${when}${who}` }));
    if (typeof evidence.start === "number") {
      button.addEventListener("click", () => {
        for (const other of document.querySelectorAll("button.quote[aria-pressed=true]")) {
          other.setAttribute("aria-pressed", "false");
        }
        button.setAttribute("aria-pressed", "true");
        R.transcript.playQuote(name, evidence);
      });
    }
    return button;
  }

  // -- editors: one per field, each knows its inputs, its value and how to show an error ----

  function textEditor(name, value) {
    const id = `edit-${name}`;
    const input = LONG_TEXT.has(name) ?
      el("textarea", { id, name, rows: 2 }) : el("input", { id, name, type: "text" });
    input.value = fmt.isEmpty(value) ? "" : String(value);
    return { node: el("div", { class: "editor" },
      el("label", { for: id }, hidden(`${fmt.label(name)}: `), "store as"), input,
      el("p", { class: "hint", id: `${id}-hint`, text: config.descriptions[name] || "" })),
    inputs: () => [input], read: () => input.value.trim() || null };
  }

  function numberOrNull(input) {
    const text = input.value.trim();
    return text === "" ? null : Number(text);
  }

  function budgetEditor(name, value) {
    const v = value || {};
    const control = (key, text, input) => {
      input.id = `edit-${name}-${key}`;
      return el("div", { class: "control" },
        el("label", { for: input.id }, hidden(`${fmt.label(name)} `), text), input);
    };
    const amount = el("input", { type: "number", step: "any", inputmode: "decimal" });
    const currency = el("select", {}, config.currencies.map((c) => el("option", { text: c })));
    const period = el("select", {}, config.periods.map((p) => el("option", { value: p,
      text: p === "total" ? "in total" : `per ${p}` })));
    const low = el("input", { type: "number", step: "any", inputmode: "decimal" });
    const high = el("input", { type: "number", step: "any", inputmode: "decimal" });
    amount.value = v.amount ?? "";
    currency.value = v.currency || config.currencies[0];
    period.value = v.period || config.periods[0];
    low.value = v.min ?? "";
    high.value = v.max ?? "";
    const node = el("div", { class: "editor" },
      el("div", { class: "budget-row" }, control("amount", "amount", amount),
        control("currency", "currency", currency), control("period", "period", period)),
      el("div", { class: "budget-row" }, control("min", "range from (optional)", low),
        control("max", "range to (optional)", high)),
      el("p", { class: "hint", text: "Leave the amount empty when the call names no budget." }));
    return { node, inputs: () => [amount, currency, period, low, high], read() {
      if (amount.value.trim() === "" && low.value.trim() === "" && high.value.trim() === "") {
        return null;
      }
      return { amount: numberOrNull(amount), currency: currency.value, period: period.value,
        min: numberOrNull(low), max: numberOrNull(high) };
    } };
  }

  function listEditor(name, value) {
    const list = el("ul", { class: "items" });
    const item = (text) => {
      const input = el("input", { type: "text" });
      input.value = text;
      const remove = el("button", { type: "button", text: "Remove" });
      const li = el("li", {}, input, remove);
      remove.addEventListener("click", () => {
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        number();
        changed();
        (next ? next.querySelector("input") : add).focus();
      });
      return li;
    };
    const number = () => [...list.children].forEach((li, i) => {
      li.querySelector("input").id = `edit-${name}-${i + 1}`;
      li.querySelector("input").setAttribute("aria-label", `${fmt.label(name)}: item ${i + 1}`);
      li.querySelector("button").setAttribute("aria-label", `Remove item ${i + 1}`);
    });
    const add = el("button", { type: "button", class: "add-item", text: "Add an item",
      onclick() {
      list.append(item(""));
      number();
      list.lastElementChild.querySelector("input").focus();
    } });
    list.append(...(Array.isArray(value) ? value : []).map(item));
    number();
    return { node: el("div", { class: "editor" }, list, add),
      inputs: () => [...list.querySelectorAll("input")],
      read: () => [...list.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean) };
  }

  function editorFor(name, value) {
    if (config.budget_fields.includes(name)) return budgetEditor(name, value);
    if (config.list_fields.includes(name)) return listEditor(name, value);
    return textEditor(name, value);
  }

  // -- cards ----------------------------------------------------------------------------------

  /** One field: name, value, confidence, reasons, quote; with an editor when `editable`. */
  function card(name, field, { flagged = false, editable = false } = {}) {
    const editor = editable ? editorFor(name, field.value) : null;
    if (editor) state.editors[name] = editor;
    const empty = fmt.isEmpty(field.value);
    const headingId = `field-${name}-title`;
    const node = el("div", { class: `field${flagged ? " flagged" : ""}`, id: `field-${name}`,
      role: "group", "aria-labelledby": headingId },
      el("div", { class: "field-head" },
        el("span", { class: "field-name", id: headingId, text: fmt.label(name) }),
        el("span", { class: `field-value${empty ? " empty" : ""}`,
          text: fmt.value(name, field.value) }),
        confidence(name, field)),
      checks(field),
      config.ungrounded.includes(name) ? null : quote(name, field),
      editor ? editor.node : null,
      el("p", { class: "field-error", id: `field-${name}-error`, role: "alert" }));
    return node;
  }

  function normal(name, value) {
    if (config.budget_fields.includes(name)) {
      if (!value || typeof value !== "object") return null;
      return { amount: value.amount ?? null, currency: value.currency || config.currencies[0],
        period: value.period || config.periods[0], min: value.min ?? null,
        max: value.max ?? null };
    }
    if (config.list_fields.includes(name)) return Array.isArray(value) ? value : [];
    return fmt.isEmpty(value) ? null : String(value).trim();
  }

  /** The fields whose input now differs from what was extracted. */
  function corrections() {
    const found = {};
    for (const [name, editor] of Object.entries(state.editors)) {
      const now = editor.read();
      if (JSON.stringify(now) !== JSON.stringify(normal(name, state.fields[name].value))) {
        found[name] = now;
      }
    }
    return found;
  }

  function changed() {
    const count = Object.keys(corrections()).length;
    $("approve-button").textContent = count ?
      `Approve with ${count} correction${count > 1 ? "s" : ""}` : "Approve as is";
    $("decide-summary").textContent = count ?
      `Corrected: ${Object.keys(corrections()).map(fmt.label).join(", ")}` : "";
  }

  function clearErrors() {
    for (const node of document.querySelectorAll("#decision-form .field-error")) {
      node.textContent = "";
    }
    for (const node of document.querySelectorAll("#decision-form [aria-invalid]")) {
      node.removeAttribute("aria-invalid");
    }
  }

  function markInvalid(inputs, errorNode, reason) {
    errorNode.textContent = reason;
    for (const input of inputs) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", errorNode.id);
    }
    return inputs[0];
  }

  /** Put a 400's reasons at their fields; returns whether any field took one. */
  function showInvalid(body) {
    const targets = [];
    for (const [name, reason] of Object.entries((body && body.fields) || {})) {
      const editor = state.editors[name];
      const errorNode = $(`field-${name}-error`);
      if (editor && errorNode) targets.push(markInvalid(editor.inputs(), errorNode, reason));
    }
    const error = (body && body.error) || "";
    for (const name of ["reviewer", "comment"]) {
      if (error.startsWith(`${name}:`) || error.includes(`; ${name}:`)) {
        targets.push(markInvalid([$(name)], $(`${name}-error`), error));
      }
    }
    if (targets.length) targets[0].focus();
    return targets.length > 0;
  }

  async function send(decision) {
    if (state.busy) return;
    clearErrors();
    const reviewer = $("reviewer").value.trim();
    const comment = $("comment").value.trim();
    const body = { decision, reviewer };
    if (decision === "approve") body.corrections = corrections();
    if (comment) body.comment = comment;
    if (reviewer) localStorage.setItem(REVIEWER_ITEM, reviewer);
    state.busy = true;
    for (const id of ["approve-button", "reject-button"]) $(id).disabled = true;
    try {
      const answer = await R.api.decide(state.callId, body);
      if (answer.status === 400 && showInvalid(answer.body)) {
        R.call.message("The decision was not sent: correct the marked field.", "error", false);
      } else {
        state.onDecided(decision, answer);
      }
    } catch (error) {
      if (!(error instanceof R.Refused)) R.call.message(`Not sent: ${error.message}`, "error");
    } finally {
      state.busy = false;
      for (const id of ["approve-button", "reject-button"]) $(id).disabled = false;
    }
  }

  function setUp() {
    const form = $("decision-form");
    form.addEventListener("submit", (event) => { event.preventDefault(); send("approve"); });
    const edited = () => { state.dirty = true; changed(); };
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    $("reject-button").addEventListener("click", () => send("reject"));
    $("reviewer").value = localStorage.getItem(REVIEWER_ITEM) || "";
  }

  R.fields = { card };
  R.decide = {
    setUp,
    /** Whether the reviewer has typed into the form since it was shown. */
    dirty: () => state.dirty,
    discard() { state.dirty = false; },
    /** Build the form for a call awaiting approval: flagged fields first, then the others. */
    show(callId, flagged, fields, onDecided) {
      Object.assign(state, { callId, fields, editors: {}, onDecided, dirty: false });
      const names = Object.keys(fields);
      $("flagged-fields").replaceChildren(...names.filter((n) => n in flagged)
        .map((n) => card(n, fields[n], { flagged: true, editable: true })));
      $("other-fields").replaceChildren(...names.filter((n) => !(n in flagged))
        .map((n) => card(n, fields[n], { editable: true })));
      $("flagged-count").textContent = `(${Object.keys(flagged).length})`;
      $("comment").value = "";
      clearErrors();
      changed();
    },
  };
})(window.CallReview);
