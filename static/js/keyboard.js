// Mötesplats on-screen keyboard, for the kiosk's touchscreen only (which has no keyboard;
// phones have their own). When a text field gets focus a panel slides up at the bottom of
// the screen in the page's language and script: Swedish, English and Somali letters;
// Arabic and Dari (right to left); Tigrinya's Ge'ez syllables, picked as a consonant and
// then its vowel order. A key switches to digits and punctuation, another between Latin
// and the page's script, and phone number fields get a digits pad. Typing inserts at the
// caret and fires `input` events, as a real keyboard does. Labels of the special keys come
// from <body data-kb-…> (translated by the server). No framework, nothing from other hosts.
(function () {
  "use strict";
  var html = document.documentElement;
  var body = document.body;

  function text(name, fallback) { return body.getAttribute("data-kb-" + name) || fallback; }

  function chars(s) { return s.split(" "); }

  // Letters per script, row by row (a row is a space-separated string).
  var LATIN_SV = ["q w e r t y u i o p å", "a s d f g h j k l ö ä", "z x c v b n m -"];
  var LATIN_EN = ["q w e r t y u i o p", "a s d f g h j k l '", "z x c v b n m -"];
  var SCRIPTS = {
    "latin-sv": { rows: LATIN_SV, dir: "ltr", sample: "ABC", cases: true },
    "latin-en": { rows: LATIN_EN, dir: "ltr", sample: "ABC", cases: true },
    "latin-so": { rows: LATIN_EN, dir: "ltr", sample: "ABC", cases: true },
    // The Arabic PC layout's order, with the hamza forms, ى and ة on the last row.
    arabic: {
      rows: ["ض ص ث ق ف غ ع ه خ ح ج د", "ش س ي ب ل ا ت ن م ك ط ذ", "ئ ء ؤ ر ى ة و ز ظ أ إ آ"],
      dir: "rtl", sample: "أ ب ت", punctuation: "، ؟"
    },
    // The Persian layout: ک and ی (not Arabic ك ي), with پ چ ژ گ.
    persian: {
      rows: ["ض ص ث ق ف غ ع ه خ ح ج چ", "ش س ی ب ل ا ت ن م ک گ", "ظ ط ز ر ذ د پ و ژ آ ء ئ"],
      dir: "rtl", sample: "ا ب پ", punctuation: "، ؟"
    },
    // Ge'ez: the base consonants; each one's seven vowel orders follow it in Unicode.
    geez: {
      rows: ["ሀ ለ ሐ መ ረ ሰ ሸ ቀ ቐ በ ቨ ተ", "ቸ ኀ ነ ኘ አ ከ ኸ ወ ዐ ዘ ዠ የ", "ደ ጀ ገ ጠ ጨ ጰ ጸ ፀ ፈ ፐ"],
      dir: "ltr", sample: "ሀ ለ ሐ", syllabary: true, punctuation: "፣ ። ፧"
    }
  };
  var PAGE_SCRIPT = { sv: "latin-sv", en: "latin-en", so: "latin-so", ar: "arabic", fa: "persian", ti: "geez" };
  var SYMBOLS = ["1 2 3 4 5 6 7 8 9 0", "- ' . , ( ) / & + @", "? ! : ; \" #"];
  var PAD = ["1 2 3", "4 5 6", "7 8 9", "+ 0 -"];
  var SEPARATORS = " -\n";

  var lang = (html.lang || "sv").toLowerCase().split("-")[0];
  var home = PAGE_SCRIPT[lang] || "latin-en";
  var latin = SCRIPTS[home].cases ? home : "latin-sv";  // the other script of a non-Latin page

  var panel = null;     // built on first use
  var target = null;    // the field being typed into
  var script = home;    // which letters are showing
  var layer = "letters";  // letters | symbols | pad
  var shift = false;
  var consonant = null; // Ge'ez: the consonant whose vowel orders are showing

  function isKiosk() { return html.classList.contains("kiosk"); }

  var TEXT_TYPES = ["text", "search", "tel", "url", "email", "password", "number"];
  function typable(el) {
    if (!el || el.disabled || el.readOnly) return false;
    if (el.tagName === "TEXTAREA") return true;
    if (el.tagName !== "INPUT") return false;
    return TEXT_TYPES.indexOf((el.getAttribute("type") || "text").toLowerCase()) >= 0;
  }

  function numeric(el) {
    var mode = (el.getAttribute("inputmode") || "").toLowerCase();
    return el.type === "tel" || el.type === "number" || mode === "numeric" || mode === "tel" || mode === "decimal";
  }

  function caretWorks(el) {
    try { return typeof el.selectionStart === "number"; } catch (e) { return false; }
  }

  function announce(el, inputType, data) {
    var event;
    try { event = new InputEvent("input", { bubbles: true, inputType: inputType, data: data }); }
    catch (e) { event = document.createEvent("Event"); event.initEvent("input", true, false); }
    el.dispatchEvent(event);
  }

  function insert(chunk) {
    var el = target;
    if (!el) return;
    var selected = caretWorks(el) ? el.selectionEnd - el.selectionStart : 0;
    if (el.maxLength > 0 && el.value.length - selected + chunk.length > el.maxLength) return;
    if (caretWorks(el)) el.setRangeText(chunk, el.selectionStart, el.selectionEnd, "end");
    else el.value += chunk;
    announce(el, "insertText", chunk);
  }

  function erase() {
    var el = target;
    if (!el) return;
    if (!caretWorks(el)) {
      el.value = el.value.slice(0, -1);
    } else {
      var start = el.selectionStart, end = el.selectionEnd;
      if (start === end) {
        if (start === 0) return;
        var low = el.value.charCodeAt(start - 1);
        start -= (low >= 0xdc00 && low <= 0xdfff && start > 1) ? 2 : 1;  // a whole surrogate pair
      }
      el.setRangeText("", start, end, "end");
    }
    announce(el, "deleteContentBackward", null);
  }

  // Capitals by themselves where a name or a sentence starts.
  function autoShift() {
    if (!target || !SCRIPTS[script].cases || layer !== "letters") return false;
    var before = caretWorks(target) ? target.value.slice(0, target.selectionStart) : target.value;
    if (before === "") return true;
    if (target.tagName === "TEXTAREA") return /[.!?]\s$|\n$/.test(before);
    return SEPARATORS.indexOf(before.slice(-1)) >= 0;
  }

  function button(label, attrs, classes) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "osk-key" + (classes ? " " + classes : "");
    b.textContent = label;
    Object.keys(attrs || {}).forEach(function (name) { b.setAttribute(name, attrs[name]); });
    return b;
  }

  function row(keys, classes) {
    var r = document.createElement("div");
    r.className = "osk-row" + (classes ? " " + classes : "");
    keys.forEach(function (k) { r.appendChild(k); });
    return r;
  }

  function charKey(ch) {
    var shown = shift ? ch.toLocaleUpperCase(html.lang || undefined) : ch;
    return button(shown, { "data-char": shown });
  }

  function eraseKey() {
    var b = button("", { "data-action": "erase", "aria-label": text("erase", "Sudda") }, "osk-special osk-erase");
    var glyph = document.createElement("span");
    glyph.setAttribute("aria-hidden", "true");
    glyph.textContent = "⌫";
    b.appendChild(glyph);
    return b;
  }

  function spaceKey() {
    var label = text("space", "Mellanslag");
    return button(label, { "data-action": "space", "aria-label": label }, "osk-special osk-space");
  }

  function doneKey() {
    var label = text("done", "Klar");
    return button(label, { "data-action": "done", "aria-label": label }, "osk-special osk-done");
  }

  function bottomRow() {
    var keys = [];
    if (layer === "letters") {
      keys.push(button(text("digits", "123"), { "data-action": "symbols", "aria-label": text("symbols", "123") }, "osk-special"));
    } else {
      keys.push(button(SCRIPTS[script].sample, { "data-action": "letters", "aria-label": text("letters", "ABC") }, "osk-special"));
    }
    if (home !== latin) {
      var other = script === home ? latin : home;
      keys.push(button(SCRIPTS[other].sample, {
        "data-action": "script", "aria-label": text("script", "") + " " + SCRIPTS[other].sample
      }, "osk-special osk-script"));
    }
    keys.push(spaceKey(), doneKey());
    return row(keys, "osk-bottom");
  }

  function render() {
    var s = SCRIPTS[script];
    panel.innerHTML = "";
    panel.classList.toggle("osk-pad", layer === "pad");
    if (layer === "pad") {
      panel.setAttribute("dir", "ltr");
      var digitsOnly = target && target.type === "number";
      PAD.forEach(function (line, i) {
        var keys = chars(line).filter(function (ch) { return !digitsOnly || /\d/.test(ch); }).map(charKey);
        panel.appendChild(row(keys));
      });
      var last = [eraseKey(), doneKey()];
      if (!digitsOnly) last.unshift(spaceKey());
      panel.appendChild(row(last, "osk-bottom"));
      return;
    }
    panel.setAttribute("dir", s.dir);
    if (layer === "symbols") {
      var lines = SYMBOLS.slice();
      if (s.punctuation) lines[2] = s.punctuation + " " + lines[2];
      lines.forEach(function (line, i) {
        var keys = chars(line).map(function (ch) { return button(ch, { "data-char": ch }); });
        if (i === lines.length - 1) keys.push(eraseKey());
        var r = row(keys);
        r.setAttribute("dir", "ltr");  // digits run 1 … 0 from the left in every script
        panel.appendChild(r);
      });
      panel.appendChild(bottomRow());
      return;
    }
    if (s.syllabary) panel.appendChild(formsRow());
    s.rows.forEach(function (line, i) {
      var keys = chars(line).map(function (ch) {
        if (!s.syllabary) return charKey(ch);
        return button(ch, { "data-base": ch, "aria-pressed": String(ch === consonant) }, "osk-consonant");
      });
      if (i === s.rows.length - 1) {
        if (s.cases) keys.unshift(button("⇧", { "data-action": "shift", "aria-label": text("shift", "Stora bokstäver"), "aria-pressed": String(shift) }, "osk-special"));
        keys.push(eraseKey());
      }
      panel.appendChild(row(keys));
    });
    panel.appendChild(bottomRow());
  }

  // Ge'ez: the seven vowel orders of the chosen consonant (base + 0..6), or a hint.
  function formsRow() {
    if (!consonant) {
      var hint = document.createElement("p");
      hint.className = "osk-hint";
      hint.textContent = text("forms", "");
      return row([hint], "osk-forms");
    }
    var base = consonant.charCodeAt(0);
    var keys = [];
    for (var order = 0; order < 7; order++) {
      var form = String.fromCharCode(base + order);
      keys.push(button(form, { "data-char": form, "data-order": String(order + 1) }, "osk-form"));
    }
    return row(keys, "osk-forms");
  }

  function build() {
    panel = document.createElement("div");
    panel.className = "osk";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", text("label", ""));
    panel.setAttribute("aria-hidden", "true");
    panel.setAttribute("data-keyboard", "");
    panel.inert = true;
    // Keep the focus (and the caret) in the field while keys are pressed.
    panel.addEventListener("mousedown", function (e) { e.preventDefault(); });
    panel.addEventListener("click", press);
    body.appendChild(panel);
  }

  function press(e) {
    var key = e.target.closest && e.target.closest("button");
    if (!key || !target) return;
    var ch = key.getAttribute("data-char");
    var base = key.getAttribute("data-base");
    var action = key.getAttribute("data-action");
    if (ch !== null) {
      insert(ch);
      consonant = null;
      shift = autoShift();
    } else if (base !== null) {
      consonant = consonant === base ? null : base;
    } else if (action === "space") {
      insert(" ");
      shift = autoShift();
    } else if (action === "erase") {
      erase();
      shift = autoShift();
    } else if (action === "shift") {
      shift = !shift;
    } else if (action === "symbols") {
      layer = "symbols"; shift = false;
    } else if (action === "letters") {
      layer = "letters"; shift = autoShift();
    } else if (action === "script") {
      script = script === home ? latin : home;
      consonant = null;
      shift = autoShift();
    } else if (action === "done") {
      var field = target;
      close();
      field.blur();
      return;
    }
    if (document.activeElement !== target) target.focus({ preventScroll: true });
    render();
  }

  function open(el) {
    if (!panel) build();
    var again = target === el && panel.classList.contains("open");
    target = el;
    if (!again) {
      layer = numeric(el) ? "pad" : "letters";
      consonant = null;
      shift = autoShift();
    }
    render();
    panel.classList.add("open");
    panel.removeAttribute("aria-hidden");
    panel.inert = false;
    reserve(panel.offsetHeight);
    // Keep the field above the panel (its scroll margin is the panel's height).
    requestAnimationFrame(function () {
      if (target === el) el.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
  }

  // The room below the page for the panel. It grows at once, but shrinks only a moment
  // later: the tap that closed the panel (or switched fields) is still being delivered,
  // and a page that jumped under the finger would get its click somewhere else.
  var reserved = 0, shrinkTimer = null;
  function reserve(height) {
    clearTimeout(shrinkTimer);
    function apply() {
      reserved = height;
      html.classList.toggle("osk-open", height > 0);
      if (height > 0) html.style.setProperty("--osk-height", height + "px");
    }
    if (height >= reserved) apply();
    else shrinkTimer = setTimeout(apply, 400);
  }

  function close() {
    target = null;
    consonant = null;
    if (!panel) return;
    panel.classList.remove("open");
    panel.setAttribute("aria-hidden", "true");
    panel.inert = true;
    reserve(0);
  }

  document.addEventListener("focusin", function (e) {
    if (!isKiosk()) return;
    if (panel && panel.contains(e.target)) return;
    if (typable(e.target)) open(e.target);
    else close();
  });

  // A tap on the page outside a field takes the focus away: the panel goes with it.
  document.addEventListener("focusout", function () {
    if (!target) return;
    setTimeout(function () {
      var now = document.activeElement;
      if (!typable(now) && !(panel && panel.contains(now))) close();
    }, 0);
  });

  // A field that already has the focus when the page opens (autofocus, or a form shown
  // again with its problems) gets the keyboard at its first tap.
  document.addEventListener("pointerdown", function (e) {
    if (isKiosk() && typable(e.target) && e.target === document.activeElement && e.target !== target) open(e.target);
  });

  window.motesplatsKeyboard = { open: open, close: close };
})();
