/* Listen and read: highlight the sentence being spoken and keep it in view; a click on a
   sentence or a chapter plays from there; speed (remembered across pages), skips, keyboard
   shortcuts, the place remembered per page, and a player docked in reach on a narrow screen.
   The page works without this script. */
(function () {
  "use strict";
  var audio = document.getElementById("narration");
  var data = document.getElementById("timings");
  if (!audio || !data) { return; }
  var cues = JSON.parse(data.textContent).cues; /* [id, start, end] in spoken order */
  var startOf = {};
  cues.forEach(function (cue) { if (!(cue[0] in startOf)) { startOf[cue[0]] = cue[1]; } });
  var shown = null;
  var captions = audio.getAttribute("data-captions");
  if (captions && window.location.protocol !== "file:") {
    /* The transcript as the player's captions track. Added here, not in the markup, because
       Chromium refuses a file: track ("unique security origin") and an audio element never
       shows captions itself: only scripts and assistive technology read them. */
    var track = document.createElement("track");
    track.kind = "captions";
    track.src = captions;
    track.srclang = document.documentElement.lang;
    track.label = document.title;
    track.default = true;
    audio.appendChild(track);
  }
  var quiet = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function cueAt(time) { /* the last cue that starts at or before `time` */
    var low = 0, high = cues.length - 1, found = -1;
    while (low <= high) {
      var mid = (low + high) >> 1;
      if (cues[mid][1] <= time + 0.001) { found = mid; low = mid + 1; } else { high = mid - 1; }
    }
    return found;
  }

  function inView(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function highlight(follow, always) {
    /* Mark the element of the cue at the current time; scroll it into view when `follow`
       and it just changed (or `always`, after a seek) and it is off screen. */
    var index = cueAt(audio.currentTime);
    var element = index < 0 ? null : document.getElementById(cues[index][0]);
    var changed = element !== shown;
    if (changed) {
      if (shown) { shown.classList.remove("speaking"); }
      if (element) { element.classList.add("speaking"); }
      shown = element;
    }
    if (element && follow && (changed || always) && !inView(element)) {
      element.scrollIntoView({ block: "center", behavior: quiet ? "auto" : "smooth" });
    }
  }

  function tick() {
    highlight(true);
    if (!audio.paused) { window.requestAnimationFrame(tick); }
  }

  function playFrom(seconds) {
    audio.currentTime = seconds;
    highlight(false);
    var playing = audio.play();
    if (playing && playing.catch) { playing.catch(function () {}); } /* autoplay refused */
  }

  audio.addEventListener("play", tick);
  audio.addEventListener("seeked", function () { highlight(true, true); });
  audio.addEventListener("timeupdate", function () { highlight(!audio.paused); });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (link && link.hasAttribute("data-start")) {
      playFrom(parseFloat(link.getAttribute("data-start"))); /* the link still jumps */
      return;
    }
    if (link) { return; } /* a link inside the text keeps its own meaning */
    var sentence = event.target.closest(".book .s");
    if (sentence && sentence.id in startOf) { playFrom(startOf[sentence.id]); }
  });
  /* ---------------------------------------------------------- a player a listener expects */
  var store = null;
  try { store = window.localStorage; } catch (error) { store = null; } /* file: or private */
  function remembered(key) {
    try { return store ? store.getItem(key) : null; } catch (error) { return null; }
  }
  function remember(key, value) {
    try { if (store) { if (value === null) { store.removeItem(key); } else { store.setItem(key, value); } } }
    catch (error) { /* storage full or refused: nothing is remembered */ }
  }

  var controls = document.querySelector(".player .controls");
  var speed = document.getElementById("speed");
  var SPEED = "exporter.speed";
  var PLACE = "exporter.place:" + window.location.pathname;
  function setSpeed(rate) {
    if (!(rate >= 0.5 && rate <= 3)) { return; }
    audio.playbackRate = rate;
    audio.defaultPlaybackRate = rate;
    if (speed) { speed.value = String(rate); }
  }
  setSpeed(parseFloat(remembered(SPEED) || "1"));
  audio.addEventListener("loadedmetadata", function () { setSpeed(parseFloat(speed.value)); });
  if (speed) {
    speed.addEventListener("change", function () {
      setSpeed(parseFloat(speed.value));
      remember(SPEED, speed.value);
    });
  }
  function skip(seconds) {
    var end = isFinite(audio.duration) ? audio.duration : Infinity;
    audio.currentTime = Math.max(0, Math.min(end, audio.currentTime + seconds));
  }
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("[data-skip]");
      if (button) { skip(parseFloat(button.getAttribute("data-skip"))); }
    });
  }

  /* Space plays or pauses, left and right arrows skip; never while a control, a field or the
     player itself has the keys, and never with a modifier (the browser's own shortcuts). */
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = event.target;
    if (target.closest && target.closest("a, button, input, select, textarea, audio, [contenteditable]")) { return; }
    if (event.key === " ") {
      event.preventDefault();
      if (audio.paused) { var playing = audio.play(); if (playing && playing.catch) { playing.catch(function () {}); } }
      else { audio.pause(); }
    } else if (event.key === "ArrowLeft") { event.preventDefault(); skip(-15); }
    else if (event.key === "ArrowRight") { event.preventDefault(); skip(30); }
  });

  /* The place in this page's narration, kept every few seconds, on pause and on leaving. */
  var resume = document.querySelector(".player .resume");
  var saved = 0;
  function keepPlace() {
    var near = audio.ended || (isFinite(audio.duration) && audio.duration - audio.currentTime < 5);
    remember(PLACE, near || audio.currentTime < 5 ? null : audio.currentTime.toFixed(1));
  }
  audio.addEventListener("timeupdate", function () {
    if (Math.abs(audio.currentTime - saved) >= 5) { saved = audio.currentTime; keepPlace(); }
  });
  audio.addEventListener("pause", keepPlace);
  audio.addEventListener("ended", keepPlace);
  window.addEventListener("pagehide", keepPlace);
  var place = parseFloat(remembered(PLACE) || "");
  function clock(seconds) {
    var whole = Math.round(seconds), h = Math.floor(whole / 3600), m = Math.floor(whole / 60) % 60;
    var s = ("0" + (whole % 60)).slice(-2);
    return h ? h + ":" + ("0" + m).slice(-2) + ":" + s : m + ":" + s;
  }
  function resumeAt() {
    if (!(place > 0) || (isFinite(audio.duration) && place >= audio.duration)) { return; }
    audio.currentTime = place;
    saved = place;
    if (resume) {
      resume.querySelector("span").textContent = resume.getAttribute("data-text").replace("{time}", clock(place));
      resume.hidden = false;
    }
  }
  if (place > 0) {
    if (audio.readyState >= 1) { resumeAt(); } else { audio.addEventListener("loadedmetadata", resumeAt, { once: true }); }
  }
  if (resume) {
    resume.querySelector("button").addEventListener("click", function () {
      audio.currentTime = 0;
      remember(PLACE, null);
      resume.hidden = true;
    });
    audio.addEventListener("play", function () { window.setTimeout(function () { resume.hidden = true; }, 4000); });
  }

  /* On a narrow screen the player docks at the bottom once its place scrolls out of view. */
  var player = document.getElementById("player");
  if (player && window.IntersectionObserver) {
    var spot = document.createElement("div");
    spot.className = "player-spot";
    player.parentNode.insertBefore(spot, player);
    var narrow = window.matchMedia("(max-width: 69.99rem)");
    new IntersectionObserver(function (seen) {
      var away = !seen[0].isIntersecting && seen[0].boundingClientRect.top < 0;
      player.classList.toggle("docked", away && narrow.matches);
      spot.style.height = away && narrow.matches ? player.offsetHeight + "px" : "";
    }).observe(spot);
  }
})();
