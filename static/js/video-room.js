// The join page: device check, waiting room and admission, the room itself (Twilio, or the demo
// twin through the server), chat, screen sharing, network quality, timer and reconnecting.
// Every change of state is captioned in #announce (an ARIA live region).
(function () {
  "use strict";
  const room = document.getElementById("room");
  if (!room) return;
  const text = JSON.parse(document.getElementById("room-messages").textContent);
  const $ = (id) => document.getElementById(id);
  const data = room.dataset;
  const role = data.role;
  const sandbox = data.sandbox === "1";
  const endsAt = new Date(data.endsAt);
  const preview = $("local-preview");
  let stream = null;
  let connection = null; // Twilio room (live)
  let dataTrack = null; // Twilio LocalDataTrack (live chat)
  let screenTrack = null;
  let inSession = false;
  let waiting = false;
  let reconnecting = false;
  let pollTimer = null;
  let lastChat = 0;
  let netLevel = null; // this side's network quality 0..5
  let lastOther = "";
  let leaving = false;

  function announce(message) {
    const live = $("announce");
    live.textContent = "";
    // A new text node a moment later makes screen readers read it even when it repeats.
    window.setTimeout(() => { live.textContent = message; }, 50);
  }

  function problem(message) {
    const box = $("media-problem");
    box.textContent = message;
    box.hidden = !message;
  }

  async function post(url, fields) {
    const body = new URLSearchParams(fields || {});
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": data.csrf },
      credentials: "same-origin",
      body,
    });
    const rtt = performance.now() - started;
    let json = {};
    try { json = await response.json(); } catch (e) { json = {}; }
    return { ok: response.ok, status: response.status, data: json, rtt };
  }

  if (!navigator.mediaDevices || !window.RTCPeerConnection) {
    $("no-webrtc").hidden = false;
    return;
  }

  // --- Device check ---------------------------------------------------------------------
  let meterContext = null;
  let meterTimer = null;

  async function startPreview() {
    const constraints = {
      video: $("camera").value ? { deviceId: { exact: $("camera").value } } : true,
      audio: $("microphone").value ? { deviceId: { exact: $("microphone").value } } : true,
    };
    if (stream) stream.getTracks().forEach((t) => t.stop());
    try {
      stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch (error) {
      problem(error.name === "NotAllowedError" ? text.noPermission : text.noDevice);
      return;
    }
    problem("");
    preview.srcObject = stream;
    startMeter();
    await listDevices();
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    for (const [select, kind] of [[$("camera"), "videoinput"], [$("microphone"), "audioinput"]]) {
      const current = select.value;
      select.replaceChildren();
      devices.filter((d) => d.kind === kind).forEach((d, i) => {
        select.append(new Option(d.label || `${kind} ${i + 1}`, d.deviceId));
      });
      if (current) select.value = current;
    }
  }

  function startMeter() {
    const meter = $("mic-level");
    if (!meter || !stream || !stream.getAudioTracks().length || !window.AudioContext) return;
    if (meterTimer) window.clearInterval(meterTimer);
    meterContext = meterContext || new AudioContext();
    const source = meterContext.createMediaStreamSource(stream);
    const analyser = meterContext.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    meterTimer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      meter.value = Math.min(100, Math.round(Math.sqrt(sum / samples.length) * 300));
    }, 120);
  }

  function speakerTest() {
    const context = new AudioContext();
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = 523;
    gain.gain.setValueAtTime(0.2, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 1.2);
    tone.connect(gain).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 1.2);
    announce(text.speakerPlaying);
    if (meterContext && meterContext.state === "suspended") meterContext.resume();
  }

  function verdict(message, good) {
    const result = $("preflight-result");
    result.hidden = false;
    result.textContent = message;
    result.classList.toggle("alert-error", !good);
    result.classList.toggle("alert-success", good);
    announce(message);
  }

  async function preflight() {
    verdict(text.checking, true);
    let answer;
    try {
      answer = await post(data.preflightUrl);
    } catch (e) {
      verdict(text.checkBad, false);
      return;
    }
    if (!answer.ok) { verdict(answer.data.error || text.checkBad, false); return; }
    if (answer.data.sandbox || !window.Twilio) {
      // The twin tests the way to SofaDoc only: a few round trips.
      let worst = answer.rtt;
      for (let i = 0; i < 2; i += 1) {
        try { worst = Math.max(worst, (await post(data.preflightUrl)).rtt); } catch (e) { worst = 1e9; }
      }
      if (worst > 5000) verdict(text.checkBad, false);
      else if (worst > 1500) verdict(text.checkSlow, false);
      else verdict(text.checkGoodTwin, true);
      return;
    }
    const test = Twilio.Video.runPreflight(answer.data.token);
    test.on("completed", (report) => {
      const stats = (report && report.stats) || {};
      const rtt = stats.rtt ? stats.rtt.average : 0;
      const loss = stats.packetLoss ? stats.packetLoss.average : 0;
      if (rtt > 400 || loss > 5) verdict(text.checkSlow, false);
      else verdict(text.checkGood, true);
    });
    test.on("failed", () => verdict(text.checkBad, false));
  }

  // --- Controls -------------------------------------------------------------------------
  function toggle(kind, button, onText, offText) {
    if (!stream) return;
    const tracks = kind === "audio" ? stream.getAudioTracks() : stream.getVideoTracks();
    const enabled = !tracks.every((t) => !t.enabled);
    tracks.forEach((t) => { t.enabled = !enabled; });
    button.setAttribute("aria-pressed", String(enabled));
    button.textContent = enabled ? onText : offText;
    if (connection) {
      const publications = kind === "audio" ? connection.localParticipant.audioTracks : connection.localParticipant.videoTracks;
      publications.forEach((p) => { if (p.trackName !== "screen") (enabled ? p.track.disable() : p.track.enable()); });
    }
    announce(button.textContent);
  }

  let timerInterval = null;
  function startTimer() {
    const timer = $("timer");
    let warned = false;
    timer.hidden = false;
    const tick = () => {
      const left = endsAt - new Date();
      const minutes = Math.max(0, Math.ceil(left / 60000));
      timer.textContent = text.minutesLeft.replace("%(minutes)s", minutes);
      if (minutes <= 5 && !warned) {
        warned = true;
        timer.classList.add("ending");
        announce(text.endingSoon);
      }
      if (left <= 0) { announce(text.sessionOver); leave(); }
    };
    tick();
    if (!timerInterval) timerInterval = window.setInterval(tick, 15000);
  }

  function showNet(id, level) {
    const badge = $(id);
    if (level === null || level === undefined) { badge.hidden = true; return; }
    badge.hidden = false;
    badge.dataset.level = level;
    // Short on the picture; the whole sentence for screen readers and on hover.
    badge.textContent = text["net" + level];
    badge.setAttribute("aria-label", `${text.netLabel}: ${text["net" + level]}`);
    badge.title = badge.getAttribute("aria-label");
  }

  function levelFromRtt(rtt) {
    if (rtt < 150) return 5;
    if (rtt < 300) return 4;
    if (rtt < 600) return 3;
    if (rtt < 1200) return 2;
    return 1;
  }

  // --- Chat -----------------------------------------------------------------------------
  function addChat(from, message) {
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = text.chatFrom.replace("%(who)s", from === role ? text.you : text[from] || from) + " ";
    item.append(who, document.createTextNode(message));
    $("chat-log").append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  async function sendChat(event) {
    event.preventDefault();
    const input = $("chat-text");
    const message = input.value.trim();
    if (!message) return;
    if (dataTrack) {
      dataTrack.send(JSON.stringify({ from: role, text: message }));
      addChat(role, message);
      input.value = "";
      return;
    }
    try {
      const answer = await post(data.chatUrl, { text: message });
      if (!answer.ok) { problem(answer.data.error); return; }
      lastChat = Math.max(lastChat, answer.data.n - 1); // the poll brings it back in order
      input.value = "";
      await poll();
    } catch (e) {
      problem(text.reconnecting);
    }
  }

  // --- Screen sharing (desktop) -----------------------------------------------------------
  async function share() {
    const button = $("share");
    if (screenTrack) { stopShare(); return; }
    let captured;
    try {
      captured = await navigator.mediaDevices.getDisplayMedia({ video: true });
    } catch (e) {
      return; // the person chose not to share
    }
    screenTrack = captured.getVideoTracks()[0];
    $("share-preview").srcObject = captured;
    $("share-tile").hidden = false;
    screenTrack.addEventListener("ended", stopShare);
    if (connection) {
      screenTrack.twilio = new Twilio.Video.LocalVideoTrack(screenTrack, { name: "screen" });
      connection.localParticipant.publishTrack(screenTrack.twilio);
    }
    button.setAttribute("aria-pressed", "true");
    button.textContent = text.shareStop;
    announce(text.shareStarted);
  }

  function stopShare() {
    if (!screenTrack) return;
    if (connection && screenTrack.twilio) connection.localParticipant.unpublishTrack(screenTrack.twilio);
    screenTrack.stop();
    screenTrack = null;
    $("share-tile").hidden = true;
    $("share-preview").srcObject = null;
    $("share").setAttribute("aria-pressed", "false");
    $("share").textContent = text.shareStart;
    announce(text.shareStopped);
  }

  // --- The room -------------------------------------------------------------------------
  function showWaiting(message) {
    $("waiting").textContent = message;
    $("waiting").hidden = false;
  }

  function showOther(state) {
    // state: "present", "reconnecting", "away"
    if (state === lastOther) return;
    const before = lastOther;
    lastOther = state;
    if (state === "present") {
      $("waiting").hidden = sandbox ? false : true;
      if (sandbox) showWaiting(text.otherJoined);
      if (before) announce(text.otherJoined);
    } else if (state === "reconnecting") {
      showWaiting(text.otherReconnecting);
      announce(text.otherReconnecting);
    } else if (before === "present" || before === "reconnecting") {
      showWaiting(text.otherLeft);
      announce(text.otherLeft);
    }
  }

  function coachPanel(status) {
    const admit = $("admit");
    if (!admit) return;
    const other = status.other || {};
    let message = $("client-state").dataset.away || $("client-state").textContent;
    $("client-state").dataset.away = message;
    if (other.waiting) message = text.clientWaiting;
    else if (status.admitted && other.present) message = text.otherJoined;
    else if (status.admitted && other.reconnecting) message = text.otherReconnecting;
    if ($("client-state").textContent !== message) {
      $("client-state").textContent = message;
      if (other.waiting) announce(text.clientWaiting);
    }
    admit.hidden = !other.waiting;
    $("mark-no-show").hidden = !status.can_mark_no_show;
  }

  async function poll() {
    let answer;
    try {
      answer = await post(data.statusUrl, { after: lastChat, net: netLevel === null ? "" : netLevel });
    } catch (e) {
      lostNetwork();
      return;
    }
    if (!answer.ok) return;
    const status = answer.data;
    if (sandbox || !connection) { netLevel = levelFromRtt(answer.rtt); }
    if (inSession || !connection) showNet("net-local", inSession ? netLevel : null);
    if (reconnecting) { regained(); return; }
    coachPanel(status);
    if (waiting && status.admitted) {
      waiting = false;
      $("waiting-room").hidden = true;
      announce(text.admitted);
      connect();
      return;
    }
    if (inSession && !status.holds_seat && !leaving) { rejoin(); return; }
    if (inSession) {
      const other = status.other || {};
      showOther(other.present ? "present" : other.reconnecting ? "reconnecting" : "away");
      if (sandbox) showNet("net-remote", other.present ? other.net : other.reconnecting ? 0 : null);
      (status.chat || []).forEach((m) => { if (m.n > lastChat) { lastChat = m.n; addChat(m.from, m.text); } });
    }
    if (status.over && inSession) { announce(text.sessionOver); leave(); }
  }

  function startPolling(ms) {
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = window.setInterval(poll, ms);
    poll();
  }

  function lostNetwork() {
    if (!inSession || reconnecting) return;
    reconnecting = true;
    room.classList.add("reconnecting");
    showWaiting(text.reconnecting);
    showNet("net-local", 0);
    announce(text.reconnecting);
  }

  function regained() {
    reconnecting = false;
    room.classList.remove("reconnecting");
    rejoin();
  }

  async function rejoin() {
    if (leaving || new Date() >= endsAt) return;
    if (connection) { try { connection.disconnect(); } catch (e) { /* already gone */ } connection = null; }
    inSession = false;
    await connect(true);
  }

  async function enter() {
    $("join").disabled = true;
    leaving = false;
    if (role !== "client") { await connect(); return; }
    let answer;
    try {
      answer = await post(data.waitUrl);
    } catch (e) {
      problem(text.network);
      $("join").disabled = false;
      return;
    }
    if (!answer.ok) { problem(answer.data.error); $("join").disabled = false; return; }
    $("join").hidden = true;
    $("leave").hidden = false;
    if (answer.data.admitted) { connect(); return; }
    waiting = true;
    $("waiting-room").hidden = false;
    announce(text.waitingForAdmit);
    startPolling(2000);
  }

  async function connect(again) {
    let answer;
    try {
      answer = await post(data.tokenUrl);
    } catch (e) {
      lostNetwork();
      return;
    }
    if (answer.data.waiting) { waiting = true; $("waiting-room").hidden = false; startPolling(2000); return; }
    if (!answer.ok) {
      problem(answer.data.error);
      $("join").hidden = false;
      $("join").disabled = false;
      $("leave").hidden = true;
      return;
    }
    problem("");
    inSession = true;
    room.classList.add("in-session");
    $("join").hidden = true;
    $("leave").hidden = false;
    $("chat").hidden = false;
    if (navigator.mediaDevices.getDisplayMedia && !window.matchMedia("(pointer: coarse)").matches) $("share").hidden = false;
    startTimer();
    announce(again ? text.reconnected : text.joined);
    if (!again && lastOther !== "present") showWaiting(role === "client" ? text.coachNotYet : text.clientNotYet);
    startPolling(sandbox ? 1500 : 5000);
    if (answer.data.sandbox || !window.Twilio) return;
    await connectTwilio(answer.data);
  }

  async function connectTwilio(grant) {
    try {
      const tracks = stream ? stream.getTracks().map((t) => new Twilio.Video[t.kind === "audio" ? "LocalAudioTrack" : "LocalVideoTrack"](t)) : [];
      dataTrack = new Twilio.Video.LocalDataTrack();
      tracks.push(dataTrack);
      connection = await Twilio.Video.connect(grant.token, {
        name: grant.room, tracks, networkQuality: { local: 1, remote: 1 },
      });
    } catch (error) {
      problem(text.network);
      lostNetwork();
      return;
    }
    const local = connection.localParticipant;
    local.on("networkQualityLevelChanged", (level) => { netLevel = level; showNet("net-local", level); });
    connection.participants.forEach(showRemote);
    connection.on("participantConnected", (p) => { showRemote(p); announce(text.otherJoined); });
    connection.on("participantDisconnected", () => {
      $("remote").querySelectorAll("video, audio").forEach((el) => el.remove());
      showNet("net-remote", null);
      showWaiting(text.otherLeft);
      announce(text.otherLeft);
    });
    connection.on("participantReconnecting", () => { showWaiting(text.otherReconnecting); announce(text.otherReconnecting); });
    connection.on("participantReconnected", () => { $("waiting").hidden = true; announce(text.otherJoined); });
    connection.on("reconnecting", () => lostNetwork());
    connection.on("reconnected", () => { reconnecting = false; room.classList.remove("reconnecting"); $("waiting").hidden = true; announce(text.reconnected); });
    connection.on("disconnected", (_room, error) => {
      connection = null;
      if (error && !leaving) { lostNetwork(); window.setTimeout(rejoin, 3000); }
    });
  }

  function showRemote(participant) {
    $("waiting").hidden = true;
    const attach = (track) => {
      if (track.kind === "video" || track.kind === "audio") $("remote").append(track.attach());
      if (track.kind === "data") track.on("message", (raw) => {
        try { const m = JSON.parse(raw); addChat(role === "coach" ? "client" : "coach", String(m.text)); } catch (e) { /* not ours */ }
      });
    };
    participant.tracks.forEach((p) => p.track && attach(p.track));
    participant.on("trackSubscribed", attach);
    participant.on("trackUnsubscribed", (track) => { if (track.detach) track.detach().forEach((el) => el.remove()); });
    participant.on("networkQualityLevelChanged", (level) => showNet("net-remote", level));
  }

  async function leave() {
    leaving = true;
    stopShare();
    if (connection) connection.disconnect();
    connection = null;
    dataTrack = null;
    inSession = false;
    waiting = false;
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = null;
    room.classList.remove("in-session");
    $("leave").hidden = true;
    $("join").hidden = new Date() >= endsAt;
    $("join").disabled = false;
    $("chat").hidden = true;
    if ($("waiting-room")) $("waiting-room").hidden = true;
    showNet("net-local", null);
    showNet("net-remote", null);
    lastOther = "";
    announce(text.left);
    try { await post(data.leaveUrl); } catch (e) { /* the seat frees itself after a while */ }
    if (role === "coach") startPolling(3000);
  }

  async function markNoShow() {
    const answer = await post(data.noShowUrl);
    if (!answer.ok) { problem(answer.data.error); return; }
    $("mark-no-show").hidden = true;
    announce(text.noShowMarked);
  }

  async function admitClient() {
    const answer = await post(data.admitUrl);
    if (!answer.ok) { problem(answer.data.error); return; }
    $("admit").hidden = true;
    $("client-state").textContent = text.clientAdmitted;
    announce(text.clientAdmitted);
  }

  $("camera").addEventListener("change", startPreview);
  $("microphone").addEventListener("change", startPreview);
  $("speaker-test").addEventListener("click", speakerTest);
  $("preflight").addEventListener("click", preflight);
  $("toggle-audio").addEventListener("click", (e) => toggle("audio", e.currentTarget, text.unmute, text.mute));
  $("toggle-video").addEventListener("click", (e) => toggle("video", e.currentTarget, text.cameraOn, text.cameraOff));
  if ($("join")) {
    $("join").addEventListener("click", enter);
    $("leave").addEventListener("click", leave);
    $("share").addEventListener("click", share);
    $("chat-form").addEventListener("submit", sendChat);
    if ($("admit")) {
      $("admit").addEventListener("click", admitClient);
      $("mark-no-show").addEventListener("click", markNoShow);
      startPolling(3000); // the coach sees a waiting client before joining
    }
    // Back online (or the lid opened): ask at once instead of waiting for the next beat.
    window.addEventListener("online", () => { if (inSession || reconnecting) poll(); });
    document.addEventListener("visibilitychange", () => { if (!document.hidden && (inSession || reconnecting)) poll(); });
  }
  startPreview();
})();
