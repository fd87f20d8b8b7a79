// The ranked ballot (templates/voting/ballot.html): an enhancement of the plain number
// fields, which work without JavaScript (the voter types 1, 2, 3... and the server checks
// them). With this script the list, the number fields and the line "candidates below this
// line are not ranked" always say the same thing, whichever way the voter ranks:
//
// - The list shows the ranked candidates first, in rank order, then the line, then the
//   unranked candidates in the ballot's own order (their place below the line means
//   nothing, so they keep the order the ballot gave them and can always be found there).
//   The line is always exactly between the two; it is at the top when nothing is ranked
//   and at the bottom when everything is.
// - The ranks are always 1..n without gaps or repeats, n the number of ranked candidates.
// - Typing a number in a field takes effect when the field is left (change) or on Enter
//   (Enter then ranks, it does not send the form; focus stays on the field, which has
//   moved with its candidate). The number is where the candidate is inserted: typing 1
//   puts the candidate first and shifts the others down, typing 2 on the first one moves
//   it to second place; a number beyond the ranked ones (or a gap) makes it the last
//   ranked. A number is rounded to a whole one; an empty field, 0 or less means "not
//   ranked": the candidate goes below the line and the others close up.
// - Dragging (mouse) a candidate above the line ranks it where it is dropped; dropping it
//   below the line unranks it. A drag always starts from the current order, including a
//   number typed but not yet applied (the field has not been left yet): it is applied
//   first, and so before the buttons act and before the form is sent.
// - Touch and keyboard: each candidate has "move up" and "move down" buttons (labels in
//   Arabic or English after <html lang>). Up swaps with the candidate above; from below
//   the line, up ranks the candidate last (just above the line). Down swaps with the one
//   below; down on the last ranked unranks it. Rank 1 cannot go up and an unranked
//   candidate cannot go down (aria-disabled, the button keeps the focus). Focus stays on
//   the pressed button, which moves with its candidate, so pressing again moves it again.
// - Each change is said in a polite live region ("name: rank 2", "name: not ranked").
// - Ranks given back by the server (the ballot shown again after "change") are read on
//   load: ordered by their number (ties in ballot order) and renumbered 1..n.
// - The form posts the same rank-<id> fields as without JavaScript, with 1..n or empty.
//   The submit listener here runs before pad.js's (this script is loaded first), so the
//   padding is computed on the final numbers.
// CSP: no inline style; the classes used are in style.css ("rank.js" block).
(function () {
  "use strict";
  var list = document.querySelector("ol.rankable");
  if (!list) { return; }
  var arabic = /^ar(-|$)/i.test(document.documentElement.lang || "");
  var words = arabic ? {
    line: "— المرشحون تحت هذا الخط بلا ترتيب —",
    up: function (name) { return "نقل " + name + " إلى الأعلى"; },
    down: function (name) { return "نقل " + name + " إلى الأسفل"; },
    rank: function (name, n) { return name + ": الترتيب " + n; },
    none: function (name) { return name + ": بلا ترتيب"; }
  } : {
    line: "— candidates below this line are not ranked —",
    up: function (name) { return "Move " + name + " up"; },
    down: function (name) { return "Move " + name + " down"; },
    rank: function (name, n) { return name + ": rank " + n; },
    none: function (name) { return name + ": not ranked"; }
  };
  var slice = function (nodes) { return Array.prototype.slice.call(nodes); };
  // the candidates in the ballot's order, as served
  var items = slice(list.children).filter(function (li) { return li.querySelector("input.rank"); });
  if (!items.length) { return; }
  var fields = items.map(function (li) { return li.querySelector("input.rank"); });
  var written = fields.map(function () { return null; });  // what this script last wrote
  var ranked = [];  // the ranked candidates (li), in rank order
  var form = list.closest("form");

  var separator = document.createElement("li");
  separator.className = "separator";
  separator.setAttribute("aria-hidden", "true");
  separator.textContent = words.line;
  list.insertBefore(separator, items[0]);

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  list.parentNode.insertBefore(status, list.nextSibling);

  function nameOf(li) {
    var label = li.querySelector("bdi") || li.querySelector("label") || li;
    return label.textContent.trim();
  }

  // a typed value as a rank: a whole number from 1, or null (not ranked)
  function parse(value) {
    var text = String(value).trim();
    if (text === "") { return null; }
    var n = Math.round(Number(text));
    return isFinite(n) && n >= 1 ? n : null;
  }

  function button(kind, li) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary move " + kind;
    b.textContent = kind === "up" ? "▲" : "▼";
    b.setAttribute("aria-label", words[kind](nameOf(li)));
    b.addEventListener("click", function () { move(li, kind === "up" ? -1 : 1); });
    return b;
  }
  items.forEach(function (li) {
    li.setAttribute("draggable", "true");
    var tools = document.createElement("span");
    tools.className = "rank-moves";
    tools.appendChild(button("up", li));
    tools.appendChild(button("down", li));
    li.appendChild(tools);
  });

  // Put the list in the order of `ranked`, renumber the fields, keep the focus.
  function render() {
    var active = document.activeElement;
    var wanted = ranked.concat([separator], items.filter(function (li) {
      return ranked.indexOf(li) < 0;
    }));
    wanted.forEach(function (li, i) {  // move only what is out of place
      var here = list.children[i] || null;
      if (here !== li) { list.insertBefore(li, here); }
    });
    items.forEach(function (li, i) {
      var k = ranked.indexOf(li);
      var value = k < 0 ? "" : String(k + 1);
      if (fields[i].value !== value) { fields[i].value = value; }
      written[i] = value;
      li.querySelector("button.up").setAttribute("aria-disabled", String(k === 0));
      li.querySelector("button.down").setAttribute("aria-disabled", String(k < 0));
    });
    if (active && active !== document.body && list.contains(active) && document.activeElement !== active) {
      active.focus();
    }
  }

  function announce(li) {
    var k = ranked.indexOf(li);
    status.textContent = k < 0 ? words.none(nameOf(li)) : words.rank(nameOf(li), k + 1);
  }

  // Apply the numbers typed since the last render (normally one field): insertion at the
  // typed place; several at once go in increasing order, so 1 then 2 end as 1, 2.
  function flush() {
    var typed = [];
    fields.forEach(function (field, i) {
      if (field.value !== written[i]) { typed.push({ li: items[i], rank: parse(field.value) }); }
    });
    if (!typed.length) { return; }
    typed.sort(function (a, b) { return (a.rank || 0) - (b.rank || 0); });
    typed.forEach(function (t) {
      var k = ranked.indexOf(t.li);
      if (k >= 0) { ranked.splice(k, 1); }
      if (t.rank !== null) { ranked.splice(Math.min(t.rank, ranked.length + 1) - 1, 0, t.li); }
    });
    render();
    announce(typed[typed.length - 1].li);
  }

  var pending = 0;
  function flushSoon() {  // after the focus has moved (change fires while it leaves)
    if (!pending) { pending = setTimeout(function () { pending = 0; flush(); }, 0); }
  }

  function move(li, step) {
    flush();
    var k = ranked.indexOf(li);
    if (step < 0) {
      if (k === 0) { return; }
      if (k < 0) { ranked.push(li); } else { ranked.splice(k - 1, 0, ranked.splice(k, 1)[0]); }
    } else {
      if (k < 0) { return; }
      ranked.splice(k, 1);
      if (k < ranked.length) { ranked.splice(k + 1, 0, li); }
    }
    render();
    announce(li);
  }

  // on load: the numbers already in the fields (ties in ballot order)
  ranked = items.filter(function (li, i) { return parse(fields[i].value) !== null; });
  ranked.sort(function (a, b) {
    var d = parse(fields[items.indexOf(a)].value) - parse(fields[items.indexOf(b)].value);
    return d || items.indexOf(a) - items.indexOf(b);
  });
  render();

  list.addEventListener("change", function (e) {
    if (e.target.classList.contains("rank")) { flushSoon(); }
  });
  list.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.classList.contains("rank")) {
      e.preventDefault();
      flush();
    }
  });
  if (form) { form.addEventListener("submit", flush); }

  var dragged = null;
  list.addEventListener("dragstart", function (e) {
    var li = e.target.closest ? e.target.closest("li") : null;
    if (!li || li.parentNode !== list || items.indexOf(li) < 0) { return; }
    flush();
    dragged = li;
    li.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", nameOf(li));
  });
  list.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
  });
  list.addEventListener("dragover", function (e) {
    if (dragged) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; }
  });
  list.addEventListener("drop", function (e) {
    if (!dragged) { return; }
    e.preventDefault();
    var li = dragged;
    var target = e.target.closest ? e.target.closest("li") : null;
    li.classList.remove("dragging");
    dragged = null;
    if (!target || target.parentNode !== list || target === li) { return; }
    var box = target.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    list.insertBefore(li, after ? target.nextSibling : target);
    // the new order: whatever is above the line, as it now stands
    ranked = [];
    for (var node = list.firstElementChild; node && node !== separator; node = node.nextElementSibling) {
      if (items.indexOf(node) >= 0) { ranked.push(node); }
    }
    render();
    announce(li);
  });
})();
