// Oh-LoRA web page: live face (MJPEG <img>), streamed chat (NDJSON), memory panel, block page.
// No build step, no framework; every text shown comes from the server (messages.WEB_UI or replies).
"use strict";

(() => {
  const UI = JSON.parse(document.getElementById("ui-text").textContent);
  const $ = (id) => document.getElementById(id);
  const view = {
    face: $("face"), frame: document.querySelector(".face-frame"), overlay: $("face-overlay"),
    overlayText: $("face-overlay-text"), status: $("status"), statusText: $("status-text"),
    picker: $("face-picker"), log: $("log"), composer: $("composer"), input: $("input"), send: $("send"),
    backend: $("backend"), backendToggle: $("backend-toggle"),
    memoryToggle: $("memory-toggle"), memoryPanel: $("memory-panel"),
    memoryClose: $("memory-close"), memoryList: $("memory-list"), memoryEmpty: $("memory-empty"),
    memoryForm: $("memory-form"), memoryInput: $("memory-input"), memoryNote: $("memory-note"),
    memoryCount: $("memory-count"), scrim: $("scrim"), blocked: $("blocked"),
    blockedMessage: $("blocked-message"), blockedReason: $("blocked-reason"), blockedUntil: $("blocked-until"),
    blockedLeft: $("blocked-left"), blockedRetry: $("blocked-retry"),
  };
  const state = { busy: false, blocked: false, faceOn: false, paused: false, blockTimer: null, retryTimer: null };

  // --- small helpers ----------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body, retryAfterHeader) {
      const error = (body && body.error) || {};
      super(error.message || UI.network_error);
      this.status = status;
      this.code = error.code;
      this.block = error.block;
      // seconds until a refused request may be sent again (the body, else the Retry-After header)
      const retry = Number(error.retry_after_s || retryAfterHeader);
      this.retryAfter = Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : null;
    }
  }

  async function api(path, options = {}) {
    const init = { credentials: "same-origin", headers: {}, ...options };
    if (options.json !== undefined) {
      init.method = init.method || "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.json);
    }
    const response = await fetch(path, init);
    if (!response.ok) {
      let body = null;
      try { body = await response.json(); } catch (_) { /* not JSON */ }
      throw new ApiError(response.status, body, response.headers.get("Retry-After"));
    }
    return response;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));
  }

  // An ISO instant that carries its offset, as a date and time in the browser's own time zone.
  function localTime(iso) {
    if (!iso || !/(Z|[+-]\d\d:?\d\d)$/.test(iso)) return null;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return null;
    const pad = (n) => String(n).padStart(2, "0");
    return date.getFullYear() + "." + pad(date.getMonth() + 1) + "." + pad(date.getDate()) + " " +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

  function timeZoneName() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (_) { return ""; }
  }

  function scrollDown() { view.log.scrollTop = view.log.scrollHeight; }

  function setStatus(kind) {
    view.status.dataset.status = kind;
    view.statusText.textContent = UI["status_" + kind] || UI.status_waiting;
  }

  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    const parts = [];
    if (d) parts.push(d + UI.days);
    if (h) parts.push(h + UI.hours);
    if (m) parts.push(m + UI.minutes);
    parts.push((s % 60) + UI.seconds);
    return parts.join(" ");
  }

  // --- chat log -----------------------------------------------------------------------------------------
  function addUser(text) {
    const item = el("li", "msg user");
    item.append(el("span", "who", UI.you), el("div", "bubble", text));
    view.log.append(item);
    scrollDown();
  }

  function addLora(text, className = "") {
    const item = el("li", "msg lora " + className);
    item.append(el("span", "who", UI.oh_lora), el("div", "bubble", text));
    view.log.append(item);
    scrollDown();
    return item;
  }

  function addNote(item, text) {
    if (item && text) item.append(el("div", "note", text));
  }

  // kind: notice | warning | block
  function addSystem(text, kind = "notice", meta = null) {
    const item = el("li", "sys " + kind);
    item.dataset.kind = kind;
    const icon = kind === "block" ? "⛔ " : kind === "warning" ? "🚨 " : "💬 ";
    item.append(el("div", "sys-title", icon + (UI[kind] || UI.system)), el("div", "sys-text", text));
    if (meta) item.append(el("div", "sys-meta", meta));
    view.log.append(item);
    scrollDown();
    return item;
  }

  function sanctionMeta(sanction) {
    if (!sanction) return null;
    const parts = [];
    if (sanction.reason_text) parts.push(UI.reason + ": " + sanction.reason_text);
    const until = localTime(sanction.until_utc) || sanction.until_text;
    if (until) parts.push(UI.expires + ": " + until);
    return parts.length ? parts.join(" · ") : null;
  }

  function addMemoryAdded(item, result) {
    const added = result.memory_added || [];
    if (added.length) addNote(item, UI.memory_added_note + ": " + added.join(", "));
    return added.length > 0;
  }

  function showResult(result, shown) {
    if (!shown.reply && result.reply) {
      shown.reply = addLora(result.reply);
      addNote(shown.reply, result.memory_used ? UI.memory_used_note + ": " + result.memory_used : null);
    }
    if (!shown.system && result.system_message) {
      const sanction = result.sanction;
      const kind = result.blocked ? "block" : sanction && sanction.action === "warning" ? "warning" : "notice";
      shown.system = addSystem(result.system_message, kind, sanctionMeta(sanction));
    }
  }

  // --- one turn -------------------------------------------------------------------------------------------
  async function send(text) {
    if (state.busy || state.blocked) return;
    state.busy = true;
    view.send.disabled = true;
    view.send.textContent = UI.sending;
    setStatus("generating");
    let typing = null;
    const shown = { reply: null, system: null, draft: null };
    try {
      // The message is drawn (and leaves the input box) only once the server has taken it:
      // a refused one (rate limit, too long, busy, offline) stays in the box to be sent again.
      const response = await api("/api/chat", { json: { text } });
      if (view.input.value.trim() === text) view.input.value = "";
      addUser(text);
      typing = addLora("•••", "typing");
      if (state.paused) resumeFace();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) handleEvent(JSON.parse(line), shown, typing);
        }
      }
    } catch (error) {
      if (shown.draft) shown.draft.remove();
      const kept = typing ? null : UI.message_kept;
      if (error instanceof ApiError && error.code === "blocked" && error.block) {
        showBlocked(error.block);
      } else if (error instanceof ApiError && error.status === 429 && error.retryAfter) {
        addSystem(fill(UI.rate_limited, { seconds: error.retryAfter }), "notice", kept);
      } else {
        addSystem(error.message || UI.network_error, "notice", kept);
      }
    } finally {
      if (typing) typing.remove();
      state.busy = false;
      view.send.disabled = false;
      view.send.textContent = UI.send;
      if (!state.blocked && !state.paused) setStatus("waiting");
      view.input.focus();
    }
  }

  function handleEvent(event, shown, typing) {
    if (event.type === "draft") {
      typing.remove();
      if (!shown.draft) shown.draft = addLora("", "draft");
      shown.draft.querySelector(".bubble").textContent = event.text;
      scrollDown();
    } else if (event.type === "reply" || event.type === "done") {
      typing.remove();
      if (shown.draft) { shown.draft.remove(); shown.draft = null; }
      const result = event.result;
      showResult(result, shown);
      if (event.type === "done") {
        if (addMemoryAdded(shown.reply, result)) loadMemory();
        if (result.blocked) showBlocked(event.block);
      }
    } else if (event.type === "error") {
      typing.remove();
      addSystem(event.message, "notice");
    }
  }

  // --- the face ----------------------------------------------------------------------------------------------
  function overlay(text) {
    view.overlayText.textContent = text || "";
    view.overlay.classList.toggle("shown", Boolean(text));
  }

  function startFace() {
    if (state.blocked) return;
    state.faceOn = true;
    state.paused = false;
    view.frame.classList.remove("paused");
    overlay(UI.face_loading);
    view.face.src = "/api/face/stream?ts=" + Date.now();
  }

  function resumeFace() {
    state.paused = false;
    startFace();
  }

  function pauseFace(message) {
    state.paused = true;
    state.faceOn = false;
    view.frame.classList.add("paused");
    overlay(UI.face_paused);
    setStatus("ended");
    if (message) addSystem(message + "\n" + UI.idle_note, "notice");
  }

  view.face.addEventListener("load", () => { if (!state.paused) overlay(""); });
  view.face.addEventListener("error", () => {
    if (state.blocked || state.paused || !state.faceOn) return;
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => refreshState().then(() => { if (!state.paused && !state.blocked) startFace(); }), 3000);
  });

  async function loadFaces() {
    try {
      const data = await (await api("/api/faces")).json();
      view.picker.replaceChildren(...data.choices.map((c) => {
        const option = el("option", null, c.label);
        option.value = c.id;
        return option;
      }));
      if (data.current) view.picker.value = data.current;
      view.picker.disabled = data.choices.length < 2;
    } catch (_) { /* the picker stays empty */ }
  }

  view.picker.addEventListener("change", async () => {
    try {
      await api("/api/face", { json: { id: view.picker.value } });
      if (state.paused) resumeFace();
    } catch (error) {
      addSystem(error.message, "notice");
      loadFaces();
    }
  });

  // --- memory panel ----------------------------------------------------------------------------------------
  function renderMemory(items) {
    view.memoryCount.textContent = String(items.length);
    view.memoryEmpty.hidden = items.length > 0;
    view.memoryList.replaceChildren(...items.map((item) => {
      const row = el("li");
      const forget = el("button", "ghost-button small", UI.memory_forget);
      forget.type = "button";
      forget.addEventListener("click", () => forgetMemory(item));
      row.append(el("span", null, item), forget);
      return row;
    }));
  }

  async function loadMemory() {
    try {
      renderMemory((await (await api("/api/memory")).json()).items);
    } catch (_) { /* keep the old list */ }
  }

  async function forgetMemory(item) {
    try {
      const data = await (await api("/api/memory/forget", { json: { item } })).json();
      view.memoryNote.textContent = data.message;
      renderMemory(data.items);
    } catch (error) {
      view.memoryNote.textContent = error.message;
    }
  }

  function toggleMemory(open) {
    view.memoryPanel.hidden = !open;
    view.scrim.hidden = !open;
    view.memoryToggle.setAttribute("aria-expanded", String(open));
    if (open) { loadMemory(); view.memoryInput.focus(); }
  }

  view.memoryToggle.addEventListener("click", () => toggleMemory(view.memoryPanel.hidden));
  view.memoryClose.addEventListener("click", () => toggleMemory(false));
  view.scrim.addEventListener("click", () => toggleMemory(false));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") toggleMemory(false); });
  view.memoryForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const item = view.memoryInput.value.trim();
    if (!item) return;
    try {
      const data = await (await api("/api/memory", { json: { item } })).json();
      view.memoryNote.textContent = data.message;
      view.memoryInput.value = "";
      renderMemory(data.items);
    } catch (error) {
      view.memoryNote.textContent = error.message;
    }
  });

  // --- the developer line (which back-end serves each role), behind the ⓘ button ---------------------------
  view.backendToggle.addEventListener("click", () => {
    const open = view.backend.hidden;
    view.backend.hidden = !open;
    view.backendToggle.setAttribute("aria-expanded", String(open));
  });

  // --- block page ---------------------------------------------------------------------------------------------
  function showBlocked(block) {
    state.blocked = true;
    state.faceOn = false;
    view.face.removeAttribute("src");
    document.body.classList.add("is-blocked");
    view.blocked.hidden = false;
    toggleMemory(false);
    if (!block) { refreshState(); return; }
    view.blockedMessage.textContent = block.detail || "";
    view.blockedMessage.hidden = !block.detail;
    view.blockedReason.textContent = block.reason_text;
    view.blockedUntil.textContent = localTime(block.until) || block.until_text;
    view.blockedUntil.title = timeZoneName();
    const end = Date.now() + block.seconds_left * 1000;
    clearInterval(state.blockTimer);
    const tick = () => {
      const left = (end - Date.now()) / 1000;
      view.blockedLeft.textContent = duration(left);
      if (left <= 0) { clearInterval(state.blockTimer); refreshState(); }
    };
    tick();
    state.blockTimer = setInterval(tick, 1000);
  }

  function hideBlocked() {
    if (!state.blocked) return;
    state.blocked = false;
    clearInterval(state.blockTimer);
    document.body.classList.remove("is-blocked");
    view.blocked.hidden = true;
    startFace();
  }

  view.blockedRetry.addEventListener("click", () => refreshState());

  // --- state polling --------------------------------------------------------------------------------------------
  async function refreshState() {
    let data;
    try {
      data = await (await api("/api/state")).json();
    } catch (_) {
      return null;
    }
    if (data.blocked) {
      showBlocked(data.blocked);
      return data;
    }
    hideBlocked();
    if (!data.session && data.ended && !state.paused && !state.busy && ["idle", "evicted"].includes(data.ended.reason)) {
      pauseFace(data.ended.message);
    } else if (data.session && !state.busy) {
      setStatus(data.session.status === "generating" ? "generating" : "waiting");
    }
    const backend = data.backend || {};
    const names = [backend.reply, backend.embedder, backend.ethics].filter(Boolean);
    view.backend.textContent = UI.backend + ": " + [...new Set(names)].join(" · ");
    return data;
  }

  async function loadHistory() {
    try {
      const data = await (await api("/api/history?limit=20")).json();
      for (const turn of data.turns) {
        addUser(turn.text);
        const shown = { reply: null, system: null };
        showResult(turn, shown);
        addMemoryAdded(shown.reply, turn);
      }
    } catch (_) { /* a fresh page is fine */ }
  }

  view.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = view.input.value.trim();
    if (!text || state.busy) return;
    send(text);
  });

  async function main() {
    const data = await refreshState();
    if (data && data.blocked) return;
    addSystem(UI.welcome, "notice");
    await loadHistory();
    // the face stream never "finishes": start it after the page's load event, not before
    if (document.readyState !== "complete") await new Promise((r) => window.addEventListener("load", r, { once: true }));
    startFace();
    loadFaces();
    loadMemory();
    const pollMs = Math.max(500, 1000 * ((data && data.poll_s) || 10));
    setInterval(() => { if (!state.busy) refreshState(); }, pollMs);
    view.input.focus();
  }

  main();
})();
