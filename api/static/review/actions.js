"use strict";
/* A call's lifecycle from its view: extract again (from the stored transcript), process again
   (from the recording), delete after an in-page confirmation ("Stop and delete" for a call
   still running or awaiting approval: `force=true`). One request at a time: the buttons are
   disabled while one is in flight, so a double click sends one. */
(function (R) {
  const { api } = R;
  const $ = (id) => document.getElementById(id);
  const LIVE = new Set(["Pending", "Running", "AwaitingApproval"]);
  const BUTTONS = ["reextract-button", "reprocess-button", "delete-button", "delete-confirm"];

  const state = { doc: null, busy: false, force: false, dialog: null };

  const live = () => Boolean(state.doc && LIVE.has(state.doc.status));
  const nameOf = (doc) => doc.file || doc.call_id;

  function enable() {
    for (const id of BUTTONS) $(id).disabled = state.busy || !state.doc;
    if (live()) for (const id of ["reextract-button", "reprocess-button"]) $(id).disabled = true;
    $("call-actions-hint").textContent = live() ? `While the call is ${state.doc.status} it ` +
      "can only be stopped and deleted; extract or process it again once it has ended." : "";
  }

  /** The answer, or {status: 0} when the request did not reach the app; null when signed out. */
  async function send(request) {
    if (state.busy) return null;
    state.busy = true;
    enable();
    try {
      return await api.settle(request);
    } catch (error) {
      if (error instanceof R.Refused) return null;
      throw error;
    } finally {
      state.busy = false;
      enable();
    }
  }

  /** What the route said when it did not do it, in its own words. */
  function refused(action, answer) {
    const body = answer.body || {};
    const reason = body.error || `HTTP ${answer.status}`;
    const why = { 0: "", 404: "the call does not exist any more: ", 409: "not now: " };
    R.call.message(`${action} was not done (${answer.status ? `HTTP ${answer.status}` :
      "no answer"}): ${why[answer.status] ?? ""}${reason}`, "error");
    if (body.running) R.poll.soon();  // it is live after all: show what it is doing
  }

  async function again(action, request, started) {
    const answer = await send(() => request(state.doc.call_id));
    if (!answer) return;
    if (answer.status !== 202) { refused(action, answer); return; }
    R.call.message(started(answer.body || {}), "ok");
    R.poll.soon();  // the view follows the new run
  }

  const reextract = () => again("Extract again", api.reextract, (body) =>
    `Extracting again from the stored transcript (run ${body.extraction_id}). The status ` +
    "above follows the new run.");

  const reprocess = () => again("Process again", (id) => {
    R.transcript.reset();  // the new run transcribes it anew
    return api.reprocess(id);
  }, () => "Processing again from the recording: split, transcribe, extract. The status " +
    "above follows the new run.");

  function askToDelete() {
    const doc = state.doc;
    state.force = live();
    $("delete-call").textContent = `“${nameOf(doc)}” (call ${doc.call_id}) is removed ` +
      "everywhere:";
    $("delete-running").textContent = state.force ?
      `It is ${doc.status}: its run is stopped first.` : "";
    $("delete-confirm").textContent = state.force ? "Stop and delete" : "Delete";
    state.dialog.open();
  }

  async function confirmDelete() {
    const doc = state.doc;
    const answer = await send(() => api.remove(doc.call_id, state.force));
    if (answer === null && state.busy) return;  // a second click while the first is out
    state.dialog.sent();
    if (!answer) return;
    if (answer.status !== 200) { refused("Delete", answer); return; }
    R.queue.notify(`Call “${nameOf(doc)}” deleted.`);
    location.hash = R.queue.route();  // back to the search the reviewer came from
  }

  function setUp() {
    $("reextract-button").addEventListener("click", reextract);
    $("reprocess-button").addEventListener("click", reprocess);
    $("delete-button").addEventListener("click", askToDelete);
    state.dialog = R.dialog.confirmation({ dialog: "delete-dialog", cancel: "delete-cancel",
      confirm: "delete-confirm", opener: "delete-button" }, confirmDelete);
  }

  R.actions = {
    setUp,
    /** Offer the actions for this call (null: none, e.g. while it loads or is unknown). */
    show(doc) {
      state.doc = doc;
      $("call-actions").hidden = !doc;
      if (!doc) state.dialog.dismiss();
      enable();
    },
  };
})(window.CallReview);
