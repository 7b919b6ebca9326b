// The join page: camera preview, device choice, mute, and the Twilio room (or the demo twin).
(function () {
  "use strict";
  const room = document.getElementById("room");
  if (!room) return;
  const text = JSON.parse(document.getElementById("room-messages").textContent);
  const $ = (id) => document.getElementById(id);
  const preview = $("local-preview");
  let stream = null;
  let connection = null;

  function problem(message) {
    const box = $("media-problem");
    box.textContent = message;
    box.hidden = false;
  }

  if (!navigator.mediaDevices || !window.RTCPeerConnection) {
    $("no-webrtc").hidden = false;
    return;
  }

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
    $("media-problem").hidden = true;
    preview.srcObject = stream;
    await listDevices();
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    for (const [select, kind] of [[$("camera"), "videoinput"], [$("microphone"), "audioinput"]]) {
      const current = select.value;
      select.replaceChildren();
      devices.filter((d) => d.kind === kind).forEach((d, i) => {
        const option = new Option(d.label || `${kind} ${i + 1}`, d.deviceId);
        select.append(option);
      });
      if (current) select.value = current;
    }
  }

  function toggle(kind, button, onText, offText) {
    if (!stream) return;
    const tracks = kind === "audio" ? stream.getAudioTracks() : stream.getVideoTracks();
    const enabled = !tracks.every((t) => !t.enabled);
    tracks.forEach((t) => { t.enabled = !enabled; });
    button.setAttribute("aria-pressed", String(enabled));
    button.textContent = enabled ? onText : offText;
    if (connection) {
      const publications = kind === "audio" ? connection.localParticipant.audioTracks : connection.localParticipant.videoTracks;
      publications.forEach((p) => (enabled ? p.track.disable() : p.track.enable()));
    }
  }

  function startTimer() {
    const endsAt = new Date(room.dataset.endsAt);
    const timer = $("timer");
    let warned = false;
    timer.hidden = false;
    const tick = () => {
      const minutes = Math.max(0, Math.ceil((endsAt - new Date()) / 60000));
      timer.textContent = text.minutesLeft.replace("%(minutes)s", minutes);
      if (minutes <= 5 && !warned) {
        warned = true;
        timer.classList.add("ending");
        timer.textContent = text.endingSoon;
      }
    };
    tick();
    setInterval(tick, 15000);
  }

  function showRemote(participant) {
    $("waiting").hidden = true;
    const attach = (track) => {
      if (track.kind === "video" || track.kind === "audio") $("remote").append(track.attach());
    };
    participant.tracks.forEach((p) => p.track && attach(p.track));
    participant.on("trackSubscribed", attach);
  }

  async function join() {
    $("join").disabled = true;
    const response = await fetch(room.dataset.tokenUrl, {
      method: "POST",
      headers: { "X-CSRFToken": room.dataset.csrf },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) {
      problem(data.error);
      $("join").disabled = false;
      return;
    }
    room.classList.add("in-session");
    $("join").hidden = true;
    $("leave").hidden = false;
    startTimer();
    if (data.sandbox || !window.Twilio) return; // demo: the preview is the whole experience
    try {
      const tracks = stream ? stream.getTracks().map((t) => new Twilio.Video[t.kind === "audio" ? "LocalAudioTrack" : "LocalVideoTrack"](t)) : [];
      connection = await Twilio.Video.connect(data.token, { name: data.room, tracks });
    } catch (error) {
      problem(text.network);
      return;
    }
    connection.participants.forEach(showRemote);
    connection.on("participantConnected", showRemote);
    connection.on("participantDisconnected", () => {
      $("remote").querySelectorAll("video, audio").forEach((el) => el.remove());
      $("waiting").textContent = text.otherLeft;
      $("waiting").hidden = false;
    });
  }

  async function preflight() {
    const result = $("preflight-result");
    result.hidden = false;
    result.textContent = text.checking;
    const response = await fetch(room.dataset.preflightUrl, {
      method: "POST",
      headers: { "X-CSRFToken": room.dataset.csrf },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok || !data.token || !window.Twilio) {
      result.textContent = text.checkBad;
      return;
    }
    const test = Twilio.Video.runPreflight(data.token);
    test.on("completed", () => { result.textContent = text.checkGood; });
    test.on("failed", () => { result.textContent = text.checkBad; });
  }

  function leave() {
    if (connection) connection.disconnect();
    connection = null;
    room.classList.remove("in-session");
    $("leave").hidden = true;
    $("join").hidden = false;
    $("join").disabled = false;
  }

  $("camera").addEventListener("change", startPreview);
  $("microphone").addEventListener("change", startPreview);
  $("toggle-audio").addEventListener("click", (e) => toggle("audio", e.target, text.unmute, text.mute));
  $("toggle-video").addEventListener("click", (e) => toggle("video", e.target, text.cameraOn, text.cameraOff));
  if ($("join")) $("join").addEventListener("click", join);
  if ($("preflight")) $("preflight").addEventListener("click", preflight);
  if ($("leave")) $("leave").addEventListener("click", leave);
  startPreview();
})();
