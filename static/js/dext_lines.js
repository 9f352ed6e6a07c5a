// The Dext stand-in's cost-item form: lines added and removed one at a time, and a running total
// computed as the stand-in computes what it sends (each line's amount and tax rounded to 2 places).
// Without this script all the rows show, and the totals are computed when the form is sent.
(function () {
  "use strict";
  var form = document.querySelector("[data-cost-item-form]");
  if (!form) { return; }
  var rates = JSON.parse(form.getAttribute("data-tax-rates") || "{}");
  var lines = Array.prototype.slice.call(form.querySelectorAll("[data-line]"));
  var add = form.querySelector("[data-add-line]");
  var total = form.querySelector("[data-running-total]");

  function field(line, name) { return line.querySelector("[name$='-" + name + "']"); }
  function filled(line) { return field(line, "description").value.trim() || field(line, "unit_amount").value.trim(); }
  function cents(value) { return Math.round(value * 100); }
  function money(c) { return (c < 0 ? "-" : "") + (Math.abs(c) / 100).toFixed(2); }

  function recount() {
    var kind = (form.querySelector("[name=line_amount_types]") || {}).value || "Exclusive";
    var amounts = 0, taxes = 0;
    lines.forEach(function (line) {
      if (line.hidden || !filled(line)) { return; }
      var amount = cents((parseFloat(field(line, "quantity").value) || 0) * (parseFloat(field(line, "unit_amount").value) || 0));
      var rate = (parseFloat(rates[field(line, "tax_type").value.trim()]) || 0) / 100;
      var tax = kind === "Exclusive" ? cents(amount / 100 * rate) : kind === "Inclusive" ? amount - cents(amount / 100 / (1 + rate)) : 0;
      amounts += amount; taxes += tax;
    });
    var sum = kind === "Inclusive" ? amounts : amounts + taxes;
    total.textContent = "Lines " + money(amounts) + ", tax " + money(taxes) + ", total " + money(sum) + " (" + kind.toLowerCase() + ").";
    total.hidden = false;
  }
  function refresh() {
    var shown = lines.filter(function (line) { return !line.hidden; });
    add.hidden = shown.length === lines.length;
    shown.forEach(function (line) { line.querySelector("[data-remove-line]").hidden = shown.length === 1; });
    recount();
  }

  lines.forEach(function (line, index) {
    if (index > 0 && !filled(line)) { line.hidden = true; }
    line.querySelector("[data-remove-line]").addEventListener("click", function () {
      field(line, "description").value = "";
      field(line, "unit_amount").value = "";
      line.hidden = true;
      refresh();
    });
  });
  add.addEventListener("click", function () {
    var next = lines.filter(function (line) { return line.hidden; })[0];
    if (next) { next.hidden = false; field(next, "description").focus(); }
    refresh();
  });
  form.addEventListener("input", recount);
  form.addEventListener("change", recount);
  refresh();
})();
