"use strict";
/* The recording and its transcript: segments with times and speakers, the quoted words marked,
   and playback from any quote or line (the audio route answers Range requests, so it seeks). */
(function (R) {
  const { el, fmt } = R;
  const $ = (id) => document.getElementById(id);
  const EPSILON = 0.05;  // seconds: word times and quote times come from the same recogniser

  const state = { segments: [], callId: null, audioFor: null };

  /** A word is quoted when it lies inside the quote's times (a neighbour only touches them). */
  function overlaps(start, end, evidence) {
    const shared = Math.min(end, evidence.end) - Math.max(start, evidence.start);
    return shared > Math.min(EPSILON, (end - start) / 2);
  }

  function wordsOf(segment) {
    if (segment.words && segment.words.length) return segment.words;
    return [{ start: segment.start, end: segment.end, word: segment.text }];  // no word times
  }

  function line(segment, index) {
    const speaker = segment.speaker || (segment.words || []).map((w) => w.speaker).find(Boolean);
    const words = wordsOf(segment).map((w, i) => [i ? " " : "",
      el("span", { class: "w", "data-start": w.start, "data-end": w.end, text: w.word.trim() })]);
    return el("li", { "data-start": segment.start, "data-end": segment.end,
      "data-index": index },
      el("button", { type: "button", class: "ts", "data-start": segment.start,
        "aria-label": `Play from ${fmt.clock(segment.start)}`, text: fmt.clock(segment.start) }),
      el("div", {},
        speaker ? el("span", { class: `speaker ${speaker}`, text: fmt.speaker(speaker) }) : null,
        el("span", { class: "text" }, words)));
  }

  /** Where the speaker labels come from, and whether the app relied on them (`roles`). */
  function speakersNote(roles, segments) {
    const labelled = segments.some((s) => s.speaker);
    if (!labelled) return "speakers unknown";
    if (!roles) return "speakers: from channels";
    if (roles.source === "channels-setting") return "speakers: from channels (setting)";
    const how = roles.sure ? "sure" : "unsure: labels are a guess, not relied on";
    return `speakers: from channels (auto, ${how})`;
  }

  /** Mark every quote's words; `fields` maps a field name to its evidence. */
  function markQuotes(quotes) {
    for (const word of $("transcript").querySelectorAll(".w")) {
      const start = Number(word.dataset.start), end = Number(word.dataset.end);
      const owners = quotes.filter(([, ev]) => overlaps(start, end, ev)).map(([name]) => name);
      word.classList.toggle("quoted", owners.length > 0);
      if (owners.length) word.dataset.fields = owners.join(" "); else delete word.dataset.fields;
    }
  }

  /** Scroll the transcript list itself (not the page) so `node` is in view. */
  function scrollWithin(node) {
    const list = $("transcript");
    const top = node.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + node.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  function showPlaying() {
    const now = $("player").currentTime;
    for (const item of $("transcript").children) {
      const on = now >= Number(item.dataset.start) && now < Number(item.dataset.end);
      if (on && !item.classList.contains("playing")) scrollWithin(item);
      item.classList.toggle("playing", on);
    }
  }

  async function playFrom(seconds) {
    const player = $("player");
    const seek = () => { player.currentTime = Math.max(0, seconds); };
    if (player.readyState >= 1) seek();
    else player.addEventListener("loadedmetadata", seek, { once: true });
    try { await player.play(); } catch (_) { /* the reviewer can press play */ }
  }

  /** Highlight one quote as the current one, bring it into view and play it. */
  function playQuote(name, evidence) {
    for (const word of $("transcript").querySelectorAll(".w.current")) {
      word.classList.remove("current");
    }
    const words = [...$("transcript").querySelectorAll(".w.quoted")].filter(
      (w) => (w.dataset.fields || "").split(" ").includes(name));
    for (const word of words) word.classList.add("current");
    if (words.length) scrollWithin(words[0].closest("li"));
    return playFrom(evidence.start);
  }

  function setUp() {
    $("transcript").addEventListener("click", (event) => {
      const button = event.target.closest("button.ts");
      if (button) playFrom(Number(button.dataset.start));
    });
    $("player").addEventListener("timeupdate", showPlaying);
  }

  R.transcript = {
    setUp,
    playQuote,
    markQuotes,
    /** Load the call's recording and transcript (once per call). */
    async show(callId) {
      if (state.callId === callId) return;
      state.callId = callId;
      if (state.audioFor !== callId) {  // once: a retry for the transcript keeps playback
        state.audioFor = callId;
        $("player").src = R.api.audioUrl(callId);
      }
      $("transcript").replaceChildren();
      $("transcript-message").textContent = "Loading the transcript…";
      const answer = await R.api.transcript(callId);
      if (state.callId !== callId) return;
      if (answer.status !== 200) {
        state.callId = null;  // try again on the next refresh (it may not be merged yet)
        $("transcript-message").textContent = answer.status === 404 ?
          "No transcript yet: it appears once the recording is transcribed." :
          `The transcript could not be loaded (HTTP ${answer.status}).`;
        return;
      }
      state.segments = answer.body.segments;
      $("transcript").replaceChildren(...state.segments.map(line));
      $("transcript-message").textContent = state.segments.length ?
        speakersNote(answer.body.roles, state.segments) : "The recording has no speech.";
    },
    reset() {
      state.callId = null;
      state.audioFor = null;
      $("player").removeAttribute("src");
      $("player").load();
      $("transcript").replaceChildren();
    },
  };
})(window.CallReview);
