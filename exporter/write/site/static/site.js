/* Listen and read: highlight the sentence being spoken and keep it in view; a click on a
   sentence or a chapter plays from there. The page works without this script. */
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
})();
