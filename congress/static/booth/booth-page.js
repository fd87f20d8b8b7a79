// The booth page: the choices of the plain ballot form, encrypted and signed here with
// CongressBooth (belenios.js) before anything is sent. The voter sees the tracker, then
// casts the encrypted ballot or audits it (Benaloh: the randomness is revealed, the ballot
// is discarded, and a fresh one is made). Without JavaScript the form posts the choices
// and the credential, and the server builds the ballot (the page says what that gives up).
(function () {
  "use strict";
  var form = document.getElementById("booth");
  if (!form || !window.CongressBooth) { return; }
  var B = window.CongressBooth;
  var ready = document.getElementById("booth-ready");
  var problem = form.querySelector(".booth-problem");
  var castForm = document.getElementById("booth-cast");
  var audited = document.getElementById("booth-audited");
  var arabic = document.documentElement.lang === "ar";
  var election = null;
  var credentials = null;
  var ballot = null;
  var MESSAGES = {
    "credential-format": ["بيانات الاعتماد غير مكتوبة كما يجب: 15 محرفًا على هيئة XXX-XXX-XXX-XXX-XXX.", "The credential is not written right: 15 characters as XXX-XXX-XXX-XXX-XXX."],
    "credential-character": ["في بيانات الاعتماد محرف غير معروف: تحقّق من كل محرف.", "The credential has an unknown character: check each one."],
    "credential-checksum": ["بيانات الاعتماد لا تصحّ: تحقّق من كل محرف.", "The credential does not check out: check each character."],
    "unknown-credential": ["بيانات الاعتماد هذه ليست لهذا الاقتراع.", "This credential is not one of this poll's."],
    "too-many-marks": ["اخترت أكثر مما يسمح به هذا الاقتراع.", "You chose more than this poll allows."],
    "too-few-marks": ["اختر مرشحًا واحدًا على الأقل، أو اترك الورقة بيضاء إن كان ذلك مسموحًا.", "Choose at least one, or leave the ballot blank where that is allowed."],
    "no-webcrypto": ["هذا المتصفح لا يتيح التشفير هنا (يلزم اتصال آمن https).", "This browser cannot encrypt here (a secure https connection is needed)."]
  };
  function say(error) {
    var text = MESSAGES[error && error.code];
    problem.textContent = text ? text[arabic ? 0 : 1] : (error && error.message) || String(error);
    problem.hidden = false;
  }
  function plaintext() {
    var options = Array.prototype.slice.call(form.querySelectorAll("input.option"));
    var vector = options.map(function (el) { return el.checked ? 1 : 0; });
    if (form.getAttribute("data-blank") === "1") {
      var any = vector.some(function (v) { return v === 1; });
      vector.unshift(any ? 0 : 1);
    }
    return [vector];
  }
  function load() {
    if (election) { return Promise.resolve(election); }
    return Promise.all([
      fetch(form.getAttribute("data-election"), { credentials: "same-origin" }).then(function (r) { return r.text(); }),
      fetch(form.getAttribute("data-credentials"), { credentials: "same-origin" }).then(function (r) { return r.text(); })
    ]).then(function (texts) {
      return B.parseElection(texts[0]).then(function (parsed) {
        election = parsed;
        credentials = JSON.parse(texts[1]);
        B.prepare(election);
        return election;
      });
    });
  }
  function encrypt() {
    problem.hidden = true;
    var credential = form.querySelector("input[name=credential]").value;
    return load().then(function (e) {
      return B.createBallot(e, credential, plaintext(), { publicCredentials: credentials });
    }).then(function (made) {
      ballot = made;
      ready.querySelector(".tracker").textContent = made.tracker;
      castForm.querySelector("input[name=ballot]").value = made.raw;
      audited.hidden = true;
      form.hidden = true;
      ready.hidden = false;
    }).catch(say);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    encrypt();
  });
  document.getElementById("booth-audit").addEventListener("click", function () {
    var text = B.auditJson(ballot);
    B.forget(ballot);
    castForm.querySelector("input[name=ballot]").value = "";
    castForm.hidden = true;
    audited.querySelector("textarea").value = text;
    var link = document.getElementById("booth-download");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    audited.hidden = false;
  });
  document.getElementById("booth-again").addEventListener("click", function () {
    castForm.hidden = false;
    encrypt();
  });
  castForm.addEventListener("submit", function () { if (ballot) { B.forget(ballot); } });
})();
