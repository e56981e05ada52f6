/* The course site's own script (issue 17). No library, nothing loaded from elsewhere, nothing
   stored about the reader and nothing sent anywhere.

   - Search on demand: Material's search index and search worker load when the reader first
     opens search, not on every page view (they are the heaviest part of a page).
   - Listen: reads the page aloud with the browser's own speech synthesis, in the page's language.
   - This week: marks the current week and the next group from today's date (programs with a
     start date).
   - Offline: registers the site's service worker (sw.js) and says when the course is saved on
     this device.

   This file runs just before Material's bundle (templates/theme/main.html), at the end of the
   page, so the search wrappers are in place before Material asks for the index. */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("../../", script ? script.src : location.href);  // assets/javascripts/ → site

  /* --- Search on demand ---------------------------------------------------------------- */

  var searchWanted = /[?&]h=/.test(location.search);  // opened from a search result: highlight
  var waiting = [];

  function whenSearchWanted(go) {
    if (searchWanted) go(); else waiting.push(go);
  }

  function wantSearch() {
    if (searchWanted) return;
    searchWanted = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  var INDEX = /\/search\/search_index\.json(\?|$)/;
  var WORKER = /\/workers\/search\.[^\/]*\.js(\?|$)/;
  var xhr = XMLHttpRequest.prototype, open = xhr.open, send = xhr.send;
  xhr.open = function (method, url) {
    this.courseSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  xhr.send = function () {
    var request = this, args = arguments;
    if (request.courseSearchIndex) {
      whenSearchWanted(function () { send.apply(request, args); });
      return undefined;
    }
    return send.apply(request, args);
  };

  var RealWorker = window.Worker;
  if (RealWorker && typeof EventTarget === "function") {
    window.Worker = function (url, options) {
      if (searchWanted || !WORKER.test(String(url))) return new RealWorker(url, options);
      var proxy = new EventTarget(), real = null, queue = [];
      proxy.postMessage = function (message) {
        if (real) real.postMessage(message); else queue.push(message);
      };
      proxy.terminate = function () { if (real) real.terminate(); };
      whenSearchWanted(function () {
        real = new RealWorker(url, options);
        real.addEventListener("message", function (event) {
          proxy.dispatchEvent(new MessageEvent("message", { data: event.data }));
        });
        queue.splice(0).forEach(function (message) { real.postMessage(message); });
      });
      return proxy;
    };
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component=search-query]")) {
      wantSearch();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) wantSearch();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("label[for=__search]")) wantSearch();
  });

  /* --- Small helpers ------------------------------------------------------------------- */

  function words(element) {
    try { return JSON.parse(element.getAttribute("data-words")) || {}; } catch (e) { return {}; }
  }

  // Fill "Next group: %(title)s, %(date)s." with text and elements, into `target`.
  function fill(target, template, values) {
    target.textContent = "";
    template.split(/(%\(\w+\)s)/).forEach(function (part) {
      var name = /^%\((\w+)\)s$/.exec(part);
      var value = name ? values[name[1]] : part;
      if (value === undefined || value === null) return;
      target.appendChild(typeof value === "string" || typeof value === "number"
        ? document.createTextNode(String(value)) : value);
    });
  }

  /* --- Listen -------------------------------------------------------------------------- */

  var SKIP = "[data-listen], [hidden], .session-meta, .print-link, .headerlink, .ws-note, " +
    ".offline-note, .review-status, .this-week__data, [aria-hidden=true], script, style";
  var BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, blockquote, figcaption";

  function base(language) {
    return String(language || "").toLowerCase().replace("_", "-").split("-")[0];
  }

  function setupListen(box) {
    var synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;
    var text = words(box);
    var play = box.querySelector("[data-listen-play]");
    var label = box.querySelector("[data-listen-label]");
    var stop = box.querySelector("[data-listen-stop]");
    var status = box.querySelector("[data-listen-status]");
    var page = document.documentElement.lang || "en";
    var state = "idle", run = 0, current = null;

    // Only voices on this device: a remote voice would send the text to a speech service.
    function voiceFor(language) {
      var voices = (synth.getVoices() || []).filter(function (voice) {
        return voice.localService !== false && base(voice.lang) === base(language);
      });
      return voices.filter(function (voice) { return voice.default; })[0] || voices[0] || null;
    }

    function offer() {
      if (voiceFor(page)) box.hidden = false;
    }

    function mark(element) {
      if (current) current.classList.remove("listen-current");
      current = element;
      if (!element) return;
      element.classList.add("listen-current");
      var still = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (element.scrollIntoView) element.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
    }

    function show(next) {
      state = next;
      label.textContent = state === "playing" ? text.pause : state === "paused" ? text.resume : text.listen;
      play.setAttribute("aria-pressed", state === "idle" ? "false" : "true");
      stop.hidden = state === "idle";
      box.classList.toggle("is-active", state !== "idle");
    }

    function parts() {
      var article = box.closest("article") || document.querySelector("article") || document.body;
      var end = article.querySelector("[data-listen-end]");
      var found = [];
      article.querySelectorAll(BLOCKS).forEach(function (element) {
        if (end && (end.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)) return;
        if (element.closest(SKIP)) return;
        var outer = element.parentElement && element.parentElement.closest(BLOCKS);
        if (outer && article.contains(outer)) return;  // read as part of its list item or quote
        if (!element.getClientRects().length) return;  // not shown
        var said = (element.innerText || element.textContent || "").replace(/\s+/g, " ").trim();
        if (said) {
          var owner = element.closest("[lang]");
          found.push({ element: element, text: said, lang: owner ? owner.lang : page });
        }
      });
      return found;
    }

    function speak(list, index, id) {
      if (id !== run) return;
      if (index >= list.length) {
        mark(null);
        show("idle");
        status.textContent = "";
        return;
      }
      var part = list[index];
      var utterance = new SpeechSynthesisUtterance(part.text);
      utterance.lang = part.lang;
      var voice = voiceFor(part.lang) || voiceFor(page);
      if (voice) utterance.voice = voice;
      utterance.onend = function () { speak(list, index + 1, id); };
      utterance.onerror = function (event) {
        if (event.error !== "interrupted" && event.error !== "canceled") speak(list, index + 1, id);
      };
      mark(part.element);
      synth.speak(utterance);
    }

    function halt(message) {
      run += 1;
      synth.cancel();
      mark(null);
      show("idle");
      status.textContent = message || "";
    }

    play.addEventListener("click", function () {
      if (state === "idle") {
        run += 1;
        synth.cancel();
        show("playing");
        status.textContent = text.reading;
        speak(parts(), 0, run);
      } else if (state === "playing") {
        synth.pause();
        show("paused");
        status.textContent = text.paused;
      } else {
        synth.resume();
        show("playing");
        status.textContent = text.reading;
      }
    });
    stop.addEventListener("click", function () {
      halt(text.stopped);
      play.focus();
    });
    window.addEventListener("pagehide", function () { halt(""); });

    offer();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);
    else synth.onvoiceschanged = offer;
  }

  /* --- This week ----------------------------------------------------------------------- */

  function isoDay(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }

  function dayNumber(iso) {  // days since 1970-01-01, free of time zones and summer time
    var p = iso.split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000);
  }

  function weekOf(today, start) {
    var first = dayNumber(start);
    var monday = first - ((new Date(first * 86400000).getUTCDay() + 6) % 7);
    return Math.floor((dayNumber(today) - monday) / 7) + 1;
  }

  function setupThisWeek(box) {
    var text = words(box);
    var today = isoDay(new Date());
    var data = box.dataset;
    var seen = {};
    var sessions = Array.prototype.filter.call(document.querySelectorAll("a[data-session]"),
      function (link) {
        var key = link.getAttribute("href") + link.dataset.date;
        if (seen[key]) return false;
        seen[key] = true;
        return true;
      }).sort(function (a, b) { return a.dataset.date < b.dataset.date ? -1 : a.dataset.date > b.dataset.date ? 1 : 0; });
    var title = box.querySelector("[data-this-week-title]");
    var status = box.querySelector("[data-this-week-status]");
    var list = box.querySelector("[data-this-week-list]");
    var next = box.querySelector("[data-this-week-next]");
    var upcoming = sessions.filter(function (link) { return link.dataset.date >= today; })[0];

    function copy(link) {
      var a = document.createElement("a");
      a.href = link.getAttribute("href");
      a.textContent = link.textContent;
      return a;
    }

    list.textContent = "";
    next.textContent = "";
    status.textContent = "";
    if (today < data.start) {
      box.dataset.phase = "before";
      title.textContent = text.before_title;
      fill(status, text.before, { date: data.firstWhen });
      if (upcoming) fill(next, text.first, { title: copy(upcoming), date: upcoming.dataset.when });
    } else if (today > data.last) {
      box.dataset.phase = "after";
      title.textContent = text.after_title;
      fill(status, text.after, { date: data.lastWhen });
    } else {
      var week = Math.max(1, Math.min(+data.weeks, weekOf(today, data.start)));
      box.dataset.phase = "during";
      box.dataset.week = week;
      fill(title, text.during, { n: week, weeks: data.weeks });
      var mine = sessions.filter(function (link) { return +link.dataset.week === week; });
      mine.forEach(function (link) {
        var item = document.createElement("li");
        item.appendChild(document.createTextNode(link.dataset.when + ": "));
        item.appendChild(copy(link));
        if (link.dataset.date === today) {
          var badge = document.createElement("strong");
          badge.className = "this-week__today";
          badge.textContent = " " + text.today;
          item.appendChild(badge);
          item.classList.add("is-today");
        } else if (link.dataset.date < today) {
          item.classList.add("is-past");
        }
        list.appendChild(item);
      });
      if (!mine.length) status.textContent = text.none;
      if (upcoming) fill(next, text.next, { title: copy(upcoming), date: upcoming.dataset.when });
      var weekLink = document.querySelector("a[data-week-link='" + week + "']");
      if (weekLink) {
        var more = document.createElement("a");
        more.href = weekLink.getAttribute("href");
        more.className = "this-week__more";
        fill(more, text.week, { n: week });
        next.appendChild(document.createTextNode(" "));
        next.appendChild(more);
      }
      document.querySelectorAll("[data-week-row='" + week + "']").forEach(function (row) {
        row.classList.add("is-current");
        row.setAttribute("aria-current", "true");
        row.querySelectorAll("[data-now]").forEach(function (badge) { badge.hidden = false; });
      });
    }
    box.hidden = false;
  }

  /* --- Offline ------------------------------------------------------------------------- */

  function setupOffline() {
    var note = document.querySelector("[data-offline-note]");
    var text = note ? words(note) : {};
    if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
    if (script && script.getAttribute("data-offline") === "off") {  // `serve`: pages change
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        registrations.forEach(function (r) { if (r.scope === root.href) r.unregister(); });
      });
      return;
    }

    function say(state) {
      if (!note) return;
      var message = !navigator.onLine ? text.offline : text[state];
      if (!message) return;
      note.textContent = message;
      note.dataset.state = navigator.onLine ? state : "offline";
      note.hidden = false;
    }

    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "course-offline") say(event.data.state);
    });
    window.addEventListener("offline", function () { say("offline"); });
    window.addEventListener("online", function () { ask(); });

    function ask() {
      var worker = navigator.serviceWorker.controller;
      if (worker) worker.postMessage({ type: "course-offline-status" });
    }

    function register() {
      navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.pathname })
        .then(ask, function () { /* no offline copy: the site works as before */ });
    }

    if (!navigator.onLine) say("offline");
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
  }

  /* --- Wide tables -------------------------------------------------------------------- */

  // A table wider than the screen scrolls sideways (course.css): keyboard users can scroll it
  // once it takes the focus.
  function focusableWhenScrolling() {
    document.querySelectorAll("article table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
      else table.removeAttribute("tabindex");
    });
  }

  /* --- Start --------------------------------------------------------------------------- */

  focusableWhenScrolling();
  window.addEventListener("resize", focusableWhenScrolling);
  document.querySelectorAll("[data-this-week]").forEach(setupThisWeek);
  document.querySelectorAll("[data-listen]").forEach(setupListen);
  setupOffline();
})();
