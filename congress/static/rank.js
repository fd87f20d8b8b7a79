// Ranking by drag: an enhancement of the plain number fields (which work without it).
// Candidates above the line are ranked in their order; those below stay unranked.
(function () {
  "use strict";
  var list = document.querySelector("ol.rankable");
  if (!list) { return; }
  var dir = document.documentElement.dir === "rtl";
  var separator = document.createElement("li");
  separator.className = "separator";
  separator.setAttribute("aria-hidden", "true");
  separator.textContent = dir ? "— المرشحون تحت هذا الخط بلا ترتيب —" : "— candidates below this line are not ranked —";
  var items = Array.prototype.slice.call(list.querySelectorAll("li"));
  var ranked = items.filter(function (li) { return li.querySelector("input.rank").value; });
  ranked.sort(function (a, b) {
    return Number(a.querySelector("input.rank").value) - Number(b.querySelector("input.rank").value);
  });
  list.insertBefore(separator, list.firstChild);
  ranked.reverse().forEach(function (li) { list.insertBefore(li, list.firstChild); });

  function renumber() {
    var n = 0, below = false;
    Array.prototype.forEach.call(list.children, function (li) {
      if (li === separator) { below = true; return; }
      li.querySelector("input.rank").value = below ? "" : String(++n);
    });
  }
  var dragged = null;
  Array.prototype.forEach.call(list.children, function (li) {
    if (li === separator) { return; }
    li.setAttribute("draggable", "true");
    li.addEventListener("dragstart", function (e) {
      dragged = li;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", li.querySelector("input.rank").id);
    });
  });
  list.addEventListener("dragover", function (e) { e.preventDefault(); });
  list.addEventListener("drop", function (e) {
    e.preventDefault();
    var target = e.target.closest("li");
    if (!dragged || !target || target === dragged) { return; }
    var box = target.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? target.nextSibling : target);
    dragged = null;
    renumber();
  });
})();
