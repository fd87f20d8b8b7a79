// The booth page: the choices of the plain ballot form, encrypted and signed here with
// CongressBooth (belenios.js) before anything is sent. The voter sees the tracker, then
// casts the encrypted ballot or audits it (Benaloh: the randomness is revealed, the ballot
// is discarded, and a fresh one is made). Without JavaScript the form posts the choices
// and the credential, and the server builds the ballot (the page says what that gives up).
//
// No inline script anywhere (the site's CSP is script-src 'self'); the only requests are
// GETs of the poll's election.json and public-credentials.json, and the cast form's POST
// of the encrypted ballot, which the voter sends. The credential never leaves the page.
(function () {
  "use strict";
  var form = document.getElementById("booth");
  if (!form) { return; }
  if (!window.CongressBooth || typeof BigInt === "undefined") {
    // a browser too old to encrypt: say so rather than post the credential to the server
    var old = form.querySelector(".booth-problem");
    old.textContent = document.documentElement.lang === "ar"
      ? "هذا المتصفح لا يستطيع تشفير الورقة: استعمل متصفحًا حديثًا، أو عطّل جافاسكربت لتصوّت بالطريقة التي يبني فيها الخادم الورقة."
      : "This browser cannot encrypt the ballot: use a recent browser, or turn JavaScript off to vote the way where the server builds the ballot.";
    old.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    return;
  }
  var B = window.CongressBooth;
  var ready = document.getElementById("booth-ready");
  var problem = form.querySelector(".booth-problem");
  var status = form.querySelector(".booth-status");
  var encryptButton = form.querySelector("button[type=submit]");
  var castForm = document.getElementById("booth-cast");
  var castInput = castForm.querySelector("input[name=ballot]");
  var auditButton = document.getElementById("booth-audit");
  var auditWrap = document.getElementById("booth-audit-wrap"); // a button's own display beats [hidden]
  var againButton = document.getElementById("booth-again");
  var changeButton = document.getElementById("booth-change");
  var audited = document.getElementById("booth-audited");
  var download = document.getElementById("booth-download");
  var trackerShown = ready.querySelector(".tracker");
  var choicesShown = ready.querySelector(".booth-choices");
  var trackerIntro = ready.querySelector(".booth-tracker-intro");
  var auditedIntro = ready.querySelector(".booth-audited-intro");
  var heading = ready.querySelector("h2");
  var MOTION = { y: "yes", n: "no", a: "abstain" }; // the radios' values -> the election's answers
  var loading = null; // the promise of {election, credentials}
  var ballot = null; // the ballot on the screen (its randomness is inside CongressBooth)
  var busy = false;
  var blobUrl = null;
  // the messages, translated by the server into the page's language (booth_messages.py)
  var MESSAGES = JSON.parse(document.getElementById("booth-messages").textContent);

  function text(code) {
    return MESSAGES[code] || MESSAGES.failed;
  }

  function codedError(code, message) {
    var e = new Error(message || code);
    e.code = code;
    return e;
  }

  function say(error) {
    var code = error && error.code;
    if (code === "too-few-marks" && form.querySelector("input[name=answer]")) { code = "no-answer"; }
    problem.textContent = text(MESSAGES[code] ? code : "failed");
    problem.hidden = false;
    if (!MESSAGES[code] && window.console) { window.console.warn("booth:", error); }
  }

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 409) { throw codedError("record-changed", url + " answered 409"); }
        if (!r.ok) { throw codedError("network", url + " answered " + r.status); }
        return r.text();
      }, function () { throw codedError("network"); });
  }

  // The poll's election and public credentials, fetched and prepared once (as soon as the
  // page loads, so that "encrypt" waits only for the ballot itself).
  function load() {
    if (!loading) {
      loading = Promise.all([
        fetchText(form.getAttribute("data-election")),
        fetchText(form.getAttribute("data-credentials"))
      ]).then(function (texts) {
        return B.parseElection(texts[0]).then(function (election) {
          var credentials = JSON.parse(texts[1]);
          if (!Array.isArray(credentials)) { throw codedError("network", "no credential list"); }
          B.prepare(election);
          return { election: election, credentials: credentials };
        });
      });
      loading.catch(function () { loading = null; }); // tried again at the next "encrypt"
    }
    return loading;
  }

  // The plaintext of the one question, in the order of the election's answers: for a
  // motion yes, no, abstain (by the radios' values), for an election the candidates in
  // ballot order (the page lists them in that order); the blank flag first when the
  // question allows a blank vote (set when nothing is chosen).
  function plaintext(election) {
    if (election.questions.length !== 1 || election.questions[0].type !== "homomorphic") {
      throw codedError("mismatch", "one homomorphic question expected");
    }
    var q = election.questions[0];
    var options = Array.prototype.slice.call(form.querySelectorAll("input.option"));
    var vector;
    if (form.querySelector("input[name=answer]")) {
      vector = q.answers.map(function () { return 0; });
      options.forEach(function (el) {
        var k = q.answers.indexOf(MOTION[el.value]);
        if (k < 0) { throw codedError("mismatch", "unknown answer " + el.value); }
        if (el.checked) { vector[k] = 1; }
      });
    } else {
      if (options.length !== q.answers.length) {
        throw codedError("mismatch", options.length + " candidates, " + q.answers.length + " answers");
      }
      vector = options.map(function (el) { return el.checked ? 1 : 0; });
    }
    if (q.blank) {
      var any = vector.some(function (v) { return v === 1; });
      vector.unshift(any ? 0 : 1);
    }
    return [vector];
  }

  function forgetBallot() {
    if (ballot) { B.forget(ballot); }
    ballot = null;
    castInput.value = "";
    if (blobUrl) { URL.revokeObjectURL(blobUrl); blobUrl = null; }
  }

  function setBusy(on) {
    busy = on;
    encryptButton.disabled = on;
    againButton.disabled = on;
    status.textContent = on ? text("encrypting") : "";
    status.hidden = !on;
  }

  // Back to the choices (after a problem, or when the voter wants to change them).
  function showChoices() {
    forgetBallot();
    ready.hidden = true;
    form.hidden = false;
  }

  // What the voter chose, read back from the form (text only, never markup).
  function showChosen() {
    choicesShown.textContent = "";
    var picked = Array.prototype.filter.call(
      form.querySelectorAll("input.option"), function (el) { return el.checked; }
    );
    var names = picked.map(function (el) { return el.parentNode.textContent.trim(); });
    if (!names.length) { names = [text("blank")]; }
    names.forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      choicesShown.appendChild(li);
    });
  }

  function showBallot(made) {
    ballot = made;
    showChosen();
    trackerShown.textContent = made.tracker;
    castInput.value = made.raw;
    trackerIntro.hidden = false;
    auditedIntro.hidden = true;
    castForm.hidden = false;
    auditWrap.hidden = false;
    audited.hidden = true;
    form.hidden = true;
    ready.hidden = false;
    heading.focus();
  }

  function encrypt() {
    if (busy) { return Promise.resolve(); }
    problem.hidden = true;
    forgetBallot();
    setBusy(true);
    var credential = form.querySelector("input[name=credential]").value;
    return load().then(function (loaded) {
      var vote = plaintext(loaded.election);
      return B.createBallot(loaded.election, credential, vote, {
        publicCredentials: loaded.credentials
      });
    }).then(function (made) {
      setBusy(false);
      showBallot(made);
    }, function (error) {
      setBusy(false);
      showChoices();
      say(error);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    encrypt();
  });

  auditButton.addEventListener("click", function () {
    if (!ballot) { return; }
    var json = B.auditJson(ballot);
    forgetBallot(); // this ballot can never be cast now
    castForm.hidden = true;
    auditWrap.hidden = true;
    trackerIntro.hidden = true;
    auditedIntro.hidden = false;
    audited.querySelector("textarea").value = json;
    blobUrl = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    download.href = blobUrl;
    audited.hidden = false;
  });

  againButton.addEventListener("click", function () { encrypt(); });

  changeButton.addEventListener("click", function () {
    showChoices();
    form.querySelector("input.option, input[name=credential]").focus();
  });

  castForm.addEventListener("submit", function (event) {
    if (!ballot || !castInput.value) { event.preventDefault(); return; }
    // the randomness goes with this page: the cast ballot can no longer be opened
    B.forget(ballot);
    castForm.querySelector("button[type=submit]").disabled = true;
  });

  load().catch(function () { /* said when the voter presses "encrypt" */ });
})();
