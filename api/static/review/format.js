"use strict";
/* How values, times and dates read on the page, and a small helper to build elements. */
(function (R) {
  const config = R.config;
  const SPEAKERS = { agent: "Agent", customer: "Customer" };

  /** An element with attributes (`text` becomes its text, never HTML) and children. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name in node && typeof value !== "string") node[name] = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  function label(name) {
    const words = name.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0);
  }

  function number(amount) {
    return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(amount);
  }

  function budget(value) {
    let text = `${number(value.amount)} ${value.currency || ""}`.trim();
    if (value.period && value.period !== "total") text += ` per ${value.period}`;
    if (value.min !== null && value.min !== undefined &&
        value.max !== null && value.max !== undefined) {
      text += ` (range ${number(value.min)}–${number(value.max)})`;
    }
    return text;
  }

  /** A field's value as text; "not said" for an empty one. */
  function value(name, v) {
    if (isEmpty(v)) return "not said";
    if (config.budget_fields.includes(name) && typeof v === "object") return budget(v);
    if (Array.isArray(v)) return v.join(", ");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function confidence(c) {
    return typeof c === "number" ? c.toFixed(2) : "–";
  }

  /** Seconds as m:ss (h:mm:ss past an hour). */
  function clock(seconds) {
    const total = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const ss = String(s).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  }

  function dateTime(iso) {
    if (!iso) return "–";
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return iso;
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" })
      .format(when);
  }

  /** "in 2 h 5 min" / "passed 3 min ago", relative to now. */
  function relative(iso, now = Date.now()) {
    const when = new Date(iso).getTime();
    if (Number.isNaN(when)) return "";
    const minutes = Math.round(Math.abs(when - now) / 60000);
    const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
    const parts = days ? [`${days} d`, `${hours} h`] :
      hours ? [`${hours} h`, `${minutes % 60} min`] : [`${minutes} min`];
    return when >= now ? `in ${parts.join(" ")}` : `passed ${parts.join(" ")} ago`;
  }

  function speaker(name) {
    return SPEAKERS[name] || (name ? label(String(name)) : "");
  }

  R.el = el;
  R.fmt = { label, isEmpty, value, confidence, clock, dateTime, relative, speaker, number };
})(window.CallReview);
