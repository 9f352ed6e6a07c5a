// Keyboard shortcuts in the inbox: j/k move between bills, x chooses one, a approves the chosen
// (or the current) bills, r chooses and asks for the rejection's comment, o opens, ? shows help.
// Without this script every action is still a link, a checkbox or a button.
(function () {
  "use strict";
  var form = document.querySelector("[data-inbox-form]");
  var help = document.getElementById("keyboard-help");
  if (!form || !help) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tbody tr"));
  var current = -1;

  function move(by) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("current"); }
    current = Math.min(rows.length - 1, Math.max(0, current + by));
    rows[current].classList.add("current");
    rows[current].querySelector("a").focus();
  }
  function box(row) { return row.querySelector("input[type=checkbox]"); }
  function chosen() { return rows.filter(function (row) { return box(row).checked; }); }
  function chooseCurrent() {
    if (current >= 0 && !chosen().length) { box(rows[current]).checked = true; }
    return chosen().length > 0;
  }
  function submit(decision) {
    var button = form.querySelector("button[name=decision][value=" + decision + "]");
    if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
  }

  document.querySelectorAll("[data-keyboard-help]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { help.showModal(); });
  });
  help.querySelector("[data-close]").addEventListener("click", function () { help.close(); });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey || help.open) { return; }
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) { return; }
    var key = event.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "x" && current >= 0) { box(rows[current]).checked = !box(rows[current]).checked; }
    else if (key === "o" && current >= 0) { rows[current].querySelector("a").click(); }
    else if (key === "a") { if (chooseCurrent()) { submit("approve"); } }
    else if (key === "r") { if (chooseCurrent()) { document.getElementById("bulk-comment").focus(); } }
    else if (key === "?") { help.showModal(); }
    else { return; }
    event.preventDefault();
  });
})();
