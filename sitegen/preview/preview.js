// Only in `serve`: the findings panel stays folded across the reloads that follow each save
// once the editor has folded it (for this browser tab).
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("#preview-findings details");
  if (!panel) return;
  const key = "preview-findings-folded";
  if (sessionStorage.getItem(key) === "1") panel.open = false;
  panel.addEventListener("toggle", () => sessionStorage.setItem(key, panel.open ? "0" : "1"));
});
