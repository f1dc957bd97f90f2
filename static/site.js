// Progressive enhancement only: every page reads fully without this file.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

// On paper: the date it was printed, next to the site's name and the page's address
// (the template writes those). Set now and again just before printing.
function stampPrintDate() {
  // Plain "en" gets the order of the site's own dates ("3 December 2026"), not "December 3, 2026".
  var lang = document.documentElement.lang || "en";
  var date = new Date().toLocaleDateString(lang === "en" ? "en-GB" : lang,
                                           { day: "numeric", month: "long", year: "numeric" });
  document.querySelectorAll("[data-printed]").forEach(function (slot) {
    slot.querySelector(".printed-date").textContent = date;
    slot.hidden = false;
  });
}
stampPrintDate();
window.addEventListener("beforeprint", stampPrintDate);

// Glossary definitions show on hover and focus (CSS alone). This script:
// - places a definition above its line when there is room, so it never covers the
//   line being read (below it, as the stylesheet alone does, when there is not);
// - on touch screens, where there is no hover, makes a tap show the definition, with
//   a link onward to the glossary, instead of following the link at once;
// - lets Escape, or a tap elsewhere, close it (WCAG 1.4.13: dismissible).
var GAP = 6;

function place(term) {
  var tip = term.querySelector(".gloss-tip");
  var box = tip.offsetParent;
  if (!box) return;  // not shown
  var line = term.querySelector(".gloss-term").getBoundingClientRect();
  var origin = box.getBoundingClientRect();
  var height = tip.offsetHeight;
  var below = line.top - height - GAP < 0;  // no room above, inside the window
  tip.style.top = (below ? line.bottom - origin.top + GAP : line.top - origin.top - height - GAP) + "px";
}

function close(term) {
  term.classList.remove("gloss-open");
  var link = term.querySelector(".gloss-tip .gloss-more");
  if (link) link.remove();
}

function open(term) {
  document.querySelectorAll(".gloss-open").forEach(function (other) { if (other !== term) close(other); });
  var tip = term.querySelector(".gloss-tip");
  var source = term.querySelector(".gloss-term");
  if (!tip.querySelector(".gloss-more")) {
    var more = document.createElement("a");
    more.className = "gloss-more";
    more.setAttribute("href", source.getAttribute("href"));
    more.textContent = "More about \u201c" + source.textContent + "\u201d in the glossary";
    tip.append(" ", more);
  }
  term.classList.remove("gloss-dismissed");
  term.classList.add("gloss-open");
  place(term);
}

var touched = false;  // the last pointer to go down was a finger or a pen
document.addEventListener("pointerdown", function (event) {
  touched = event.pointerType === "touch" || event.pointerType === "pen";
  document.querySelectorAll(".gloss-open").forEach(function (term) {
    if (!term.contains(event.target)) close(term);  // a tap elsewhere
  });
}, true);

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".gloss:hover, .gloss:focus-within, .gloss-open").forEach(function (term) {
    close(term);
    term.classList.add("gloss-dismissed");
  });
});

document.querySelectorAll(".gloss").forEach(function (term) {
  var link = term.querySelector(".gloss-term");
  function reset() { term.classList.remove("gloss-dismissed"); }
  term.addEventListener("mouseleave", reset);
  term.addEventListener("focusout", function (event) {
    if (!term.contains(event.relatedTarget)) { reset(); if (!touched) close(term); }
  });
  term.addEventListener("mouseenter", function () { place(term); });
  link.addEventListener("focus", function () { place(term); });
  link.addEventListener("click", function (event) {
    if (!touched) return;  // a mouse click or Enter follows the link, as before
    event.preventDefault();
    if (term.classList.contains("gloss-open")) close(term); else open(term);
  });
});
