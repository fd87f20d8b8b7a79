// Live quorum without reloading the page: fetch it every 10 seconds and swap the panel.
// A person can pause it (WCAG 2.2.1); without JavaScript the page has a reload link.
(function () {
  "use strict";
  var panel = document.getElementById("quorum-panel");
  var pause = document.getElementById("quorum-pause");
  if (!panel || !pause || !window.fetch) { return; }
  var extra = pause.parentNode;
  extra.hidden = false;
  var running = true;
  var label = pause.textContent;
  pause.addEventListener("click", function () {
    running = !running;
    pause.textContent = running ? label : pause.getAttribute("data-resume");
  });
  function update() {
    if (!running) { return; }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("quorum-panel");
        if (fresh && fresh.innerHTML !== panel.innerHTML) {
          panel.className = fresh.className;
          panel.innerHTML = fresh.innerHTML;
        }
      })
      .catch(function () { /* a weak connection: try again next time */ });
  }
  window.setInterval(update, 10000);
})();
