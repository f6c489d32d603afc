"use strict";
/* One call: its facts and live progress, the review form while it awaits approval, and the
   stored record with its audit trail once it is decided (or its deadline passed). */
(function (R) {
  const { el, fmt } = R;
  const $ = (id) => document.getElementById(id);
  const TERMINAL = new Set(["Completed", "Rejected", "Failed"]);
  const POLL_RUNNING_MS = 3000;
  const POLL_AWAITING_MS = 10000;
  const POLL_DECIDED_MS = 1500;

  const state = { id: null, doc: null, formFor: null, decided: false, explained: false,
    loading: 0 };

  function message(text, kind = "info", focus = true) {
    const node = $("call-message");
    node.className = `message ${kind}`;
    node.textContent = text;
    if (text && focus) node.focus();
  }

  function fact(name, value) {
    return value === null || value === undefined || value === "" ? null :
      el("div", {}, el("dt", { text: name }), el("dd", {}, value));
  }

  function deadlineText(deadline) {
    return `${fmt.dateTime(deadline)} (${fmt.relative(deadline)})`;
  }

  function renderHead(doc) {
    const record = doc.record || {};
    const review = record.review || {};
    $("call-title").textContent = doc.file || `Call ${doc.call_id}`;
    $("call-status").className = `badge ${doc.status}`;
    $("call-status").textContent = doc.status;
    $("call-facts").replaceChildren(...[
      fact("Call id", doc.call_id),
      fact("Re-extraction", doc.extraction_id),
      fact("Call date", doc.call_date),
      fact("Stage", doc.stage && doc.stage.replace(/_/g, " ")),
      fact("Deadline", doc.deadline && deadlineText(doc.deadline)),
      fact("Outcome", review.outcome && review.outcome.replace(/_/g, " ")),
      fact("Duration", record.transcript && record.transcript.duration &&
        fmt.clock(record.transcript.duration)),
    ].filter(Boolean));
    R.actions.show(doc);
    const progress = doc.progress;
    $("call-progress").hidden = !(progress && progress.chunks_total && !TERMINAL.has(doc.status));
    if (progress && progress.chunks_total) {
      $("call-progress-bar").max = progress.chunks_total;
      $("call-progress-bar").value = progress.chunks_done;
      $("call-progress-label").textContent =
        `Transcribing: ${progress.chunks_done} of ${progress.chunks_total} chunks`;
    }
  }

  function quotesOf(fields) {
    return Object.entries(fields || {}).filter(([, f]) => f && f.evidence &&
      typeof f.evidence.start === "number").map(([name, f]) => [name, f.evidence]);
  }

  function auditRow(change) {
    return el("tr", {},
      el("td", { "data-label": "Field", text: fmt.label(change.field) }),
      el("td", { "data-label": "Before", text: fmt.value(change.field, change.before) }),
      el("td", { "data-label": "After", text: fmt.value(change.field, change.after) }),
      el("td", { "data-label": "Confidence before",
        text: fmt.confidence(change.confidence_before) }),
      el("td", { "data-label": "By", text: change.by || "–" }),
      el("td", { "data-label": "At", text: fmt.dateTime(change.at) }));
  }

  function renderRecord(doc) {
    const record = doc.record;
    $("record-section").hidden = !record;
    if (!record) return;
    const review = record.review || {};
    $("record-facts").replaceChildren(...[
      fact("Status", record.status),
      fact("Outcome", review.outcome && review.outcome.replace(/_/g, " ")),
      fact("Reviewer", review.reviewer),
      fact("Decided at", review.decided_at && fmt.dateTime(review.decided_at)),
      fact("Comment", review.comment),
      fact("Flagged", (review.flagged || []).map(fmt.label).join(", ")),
      fact("Error", record.error && record.error.reason),
    ].filter(Boolean));
    const changes = review.changes || [];
    $("audit-table").tBodies[0].replaceChildren(...changes.map(auditRow));
    $("audit-table").hidden = changes.length === 0;
    $("audit-empty").hidden = changes.length > 0;
    const fields = record.extraction || {};
    const flagged = new Set(review.flagged || []);
    $("record-fields").replaceChildren(...Object.entries(fields).map(([name, field]) =>
      R.fields.card(name, field, { flagged: flagged.has(name) })));
    R.transcript.markQuotes(quotesOf(fields));
  }

  async function renderForm(doc) {
    if (state.formFor === doc.call_id) return;
    state.formFor = doc.call_id;  // before the await: a poll meanwhile must not build it twice
    const answer = await R.api.fields(doc.call_id);
    const fields = Object.assign({}, answer.status === 200 ? answer.body.fields : {});
    for (const [name, field] of Object.entries(doc.flagged || {})) {
      fields[name] = Object.assign({}, field, fields[name] || {});
    }
    R.decide.show(doc.call_id, doc.flagged || {}, fields, decided);
    R.transcript.markQuotes(quotesOf(fields));
  }

  /** Why the call left review without our decision: another reviewer, or the deadline. */
  function leftReview(doc) {
    const outcome = doc.record && doc.record.review && doc.record.review.outcome;
    if (outcome === "unreviewed") {
      message("The review deadline passed: the call was stored unreviewed, as extracted.",
        "warn", false);
    } else {
      message(`This call is no longer awaiting approval: it is ${doc.status}` +
        `${outcome ? ` (${outcome.replace(/_/g, " ")})` : ""}. Its stored record is below.`,
        "warn", false);
    }
  }

  async function render(doc) {
    const wasAwaiting = state.doc && state.doc.call_id === doc.call_id &&
      state.doc.status === "AwaitingApproval";
    state.doc = doc;
    renderHead(doc);
    const formShown = state.formFor === doc.call_id && !state.decided;
    if (formShown && doc.status !== "AwaitingApproval" && R.decide.dirty()) {
      // Decided elsewhere (or the deadline) while the reviewer typed: keep their edits in view.
      message(`Meanwhile this call left review: it is ${doc.status} now, so a decision from ` +
        "this form can no longer be applied.", "warn", false);
      return;
    }
    if (doc.status !== "Pending") await R.transcript.show(doc.call_id);
    const awaiting = doc.status === "AwaitingApproval" && !state.decided;
    if (awaiting) await renderForm(doc);  // built before it shows: nothing typed is wiped
    else state.formFor = null;
    $("decision-form").hidden = !awaiting;
    renderRecord(doc);
    if (wasAwaiting && doc.status !== "AwaitingApproval" && !state.decided && !state.explained) {
      leftReview(doc);
    }
    if (doc.status === "Failed") message(`The call failed: ${doc.error || "no reason given"}`,
      "error", false);
    if (state.decided && TERMINAL.has(doc.status)) {
      state.decided = false;
      message(`Stored: ${doc.status}${doc.record && doc.record.review ?
        ` (${doc.record.review.outcome})` : ""}. The record and its audit trail are below.`,
        "ok");
    }
  }

  /** Load and show the call, unless a newer load started meanwhile (its answer wins). */
  async function refresh() {
    const mine = ++state.loading;
    const answer = await R.api.call(state.id);
    if (mine !== state.loading) return;
    if (answer.status === 404) {
      R.actions.show(null);
      $("call-title").textContent = "No such call";
      message(`There is no call ${state.id}.`, "error", false);
      return;
    }
    if (answer.status !== 200) {
      message(`The call could not be loaded (HTTP ${answer.status}).`, "error", false);
      return;
    }
    await render(answer.body);
  }

  /** What the approval route answered (a 400 at a field is handled by the form). */
  function decided(decision, answer) {
    const body = answer.body || {};
    const done = decision === "approve" ? "Approved" : "Rejected";
    state.explained = answer.status !== 202;
    R.decide.discard();  // a refused decision leaves nothing to keep: show what is stored
    if (answer.status === 202) {
      state.decided = true;
      $("decision-form").hidden = true;
      message(`${done}: the decision was accepted. Waiting for the stored record…`, "ok");
    } else if (answer.status === 409) {
      message(`Already decided: this call is ${body.status || "no longer awaiting approval"}, ` +
        "so your decision was not applied. Its stored record is shown below once it is there.",
      "warn");
    } else if (answer.status === 410) {
      message(`Too late: the review deadline passed${body.deadline ? ` on ` +
        fmt.dateTime(body.deadline) : ""}. The call is stored unreviewed and takes no decision.`,
      "warn");
    } else if (answer.status === 404) {
      message("This call does not exist any more.", "error");
    } else {
      message(`The decision was not accepted (HTTP ${answer.status}): ${body.error || ""}`,
        "error");
    }
    R.poll.soon();
  }

  R.call = {
    message,
    /** Open a call; returns the poll interval to use for it. */
    async show(id) {
      if (state.id !== id) {
        Object.assign(state, { id, doc: null, formFor: null, decided: false, explained: false });
        R.transcript.reset();
        $("call-title").textContent = "Loading the call…";
        $("call-status").textContent = "";
        $("call-facts").replaceChildren();
        $("decision-form").hidden = true;
        $("record-section").hidden = true;
        R.actions.show(null);
        message("", "info", false);
      }
      await refresh();
    },
    refresh: () => refresh(),
    /** How soon to look again: fast while running or just decided, slow while waiting. */
    interval() {
      const status = state.doc && state.doc.status;
      if (state.decided) return POLL_DECIDED_MS;
      if (status === "AwaitingApproval") return POLL_AWAITING_MS;
      return TERMINAL.has(status) ? null : POLL_RUNNING_MS;
    },
  };
})(window.CallReview);
