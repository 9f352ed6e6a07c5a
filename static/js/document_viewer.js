// Zoom for the document beside the decision. Without this script the pages still show, fitted to
// their column, and the page links still move between them; the zoom buttons stay hidden.
(function () {
  "use strict";
  var STEP = 25, LEAST = 50, MOST = 300;
  document.querySelectorAll("[data-document-viewer]").forEach(function (viewer) {
    var pages = viewer.querySelector(".document-pages");
    var controls = viewer.querySelector("[data-zoom-controls]");
    if (!pages || !controls) { return; }
    var level = controls.querySelector("[data-zoom-level]");
    var zoom = 100;
    function set(value) {
      zoom = Math.min(MOST, Math.max(LEAST, value));
      pages.style.setProperty("--zoom", zoom + "%");
      level.textContent = zoom + "%";
    }
    controls.querySelector("[data-zoom=in]").addEventListener("click", function () { set(zoom + STEP); });
    controls.querySelector("[data-zoom=out]").addEventListener("click", function () { set(zoom - STEP); });
    controls.querySelector("[data-zoom=fit]").addEventListener("click", function () { set(100); });
    controls.hidden = false;
  });
})();
