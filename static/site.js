// Progressive enhancement only: every page reads fully without this file.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

// Glossary definitions show on hover and focus (CSS alone). Escape hides the one
// showing, without moving focus or the pointer (WCAG 1.4.13: dismissible).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".gloss:hover, .gloss:focus-within").forEach(function (term) {
    term.classList.add("gloss-dismissed");
  });
});
document.querySelectorAll(".gloss").forEach(function (term) {
  function reset() { term.classList.remove("gloss-dismissed"); }
  term.addEventListener("mouseleave", reset);
  term.addEventListener("focusout", reset);
});
