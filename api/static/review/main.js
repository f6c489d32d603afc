"use strict";
/* Routes (`#/` the queue, `#/?status=X&city=Y` its filters, `#/calls/<id>` a call) and the
   one poller that keeps the shown view live. */
(function (R) {
  const $ = (id) => document.getElementById(id);
  const QUEUE_POLL_MS = 5000;
  const CALL_ROUTE = /^#\/calls\/([0-9a-f]{32})$/;

  const poller = { timer: null, generation: 0, work: null, interval: null };

  function stopPolling() {
    poller.generation += 1;
    clearTimeout(poller.timer);
    poller.timer = null;
  }

  function schedule(generation, ms) {
    if (ms === null || generation !== poller.generation) return;
    poller.timer = setTimeout(async () => {
      if (generation !== poller.generation) return;
      if (!document.hidden) {
        try { await poller.work(); } catch (error) {
          if (error instanceof R.Refused) return;
        }
      }
      schedule(generation, poller.interval());
    }, ms);
  }

  /** Run `work` again every `interval()` ms (null: stop) while this view is shown. */
  function poll(work, interval) {
    stopPolling();
    Object.assign(poller, { work, interval });
    schedule(poller.generation, interval());
  }

  function showView(id) {
    for (const view of ["queue-view", "call-view"]) $(view).hidden = view !== id;
  }

  let lastRoute = null, lastView = null;

  async function route() {
    const hash = location.hash || "#/";
    const call = hash.match(CALL_ROUTE);
    const view = call ? "call-view" : "queue-view";
    // a new view takes the focus to its heading; a new search keeps it in the form
    const moved = hash !== lastRoute && (view !== lastView || Boolean(call));
    lastRoute = hash;
    lastView = view;
    try {
      if (call) {
        showView("call-view");
        $("back-link").href = R.queue.route();  // the queue as it was searched
        if (moved) $("call-title").focus();
        await R.call.show(call[1]);
        poll(R.call.refresh, R.call.interval);
      } else {
        showView("queue-view");
        if (moved) $("queue-title").focus();
        await R.queue.show(new URLSearchParams(hash.replace(/^#\/?\??/, "")));
        poll(R.queue.refresh, () => QUEUE_POLL_MS);
      }
    } catch (error) {
      if (!(error instanceof R.Refused)) throw error;
    }
  }

  R.poll = {
    /** Look again now (after a decision), then keep the view's own pace. */
    soon() {
      if (!poller.work) return;
      stopPolling();
      schedule(poller.generation, 0);
    },
  };

  R.resume = () => {
    lastRoute = lastView = null;
    $("forget-key").hidden = R.config.auth === "easyauth";
    $("session-note").textContent = R.config.auth === "easyauth" ?
      "Signed in with Microsoft Entra ID" : "Function key kept for this tab only";
    route();
  };
  R.suspend = () => {
    stopPolling();
    R.actions.show(null);  // no dialog left open over the key form
    R.batch.dismiss();
    showView(null);
    $("forget-key").hidden = true;
    $("session-note").textContent = "";
  };

  R.queue.setUp();
  R.batch.setUp();
  R.transcript.setUp();
  R.decide.setUp();
  R.actions.setUp();
  window.addEventListener("hashchange", route);
  $("forget-key").addEventListener("click", () => R.signOut(""));
})(window.CallReview);
