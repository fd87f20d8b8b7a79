// The ballot form's request has one length whatever is chosen: a network observer sees
// the length of a request despite TLS, and checked boxes add fields. Before the form is
// sent, a "pad" field fills it up to the length it would have with every box checked and
// every rank at its largest. Without JavaScript the form still works (SECURITY.md says
// what a network observer then learns: the number of marks, never which).
(function () {
  "use strict";
  var form = document.querySelector("form.ballot");
  if (!form) { return; }
  function encoded(pairs) {
    return pairs.map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    }).join("&").length;
  }
  function fields(largest) {
    var pairs = [], ranks = form.querySelectorAll("input.rank").length;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "pad" || el.disabled) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (largest || el.checked) { pairs.push([el.name, el.value]); }
      } else if (el.classList.contains("rank")) {
        pairs.push([el.name, largest ? String(ranks) : el.value]);
      } else if (el.type !== "submit") {
        pairs.push([el.name, el.value]);
      }
    });
    return pairs;
  }
  var pad = document.createElement("input");
  pad.type = "hidden";
  pad.name = "pad";
  form.appendChild(pad);
  form.addEventListener("submit", function () {
    pad.value = "";
    var missing = encoded(fields(true)) - encoded(fields(false));
    pad.value = new Array(Math.max(missing, 0) + 1).join("x");
  });
})();
