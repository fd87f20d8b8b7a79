// The booth of a verifiable poll (issue 16): Belenios 2.0 ballots encrypted, proved and
// signed in the voter's browser, so that the server never sees a choice in clear.
//
// This is the JavaScript twin of congress/core/belenios (ballot.py, proofs.py,
// credentials.py, groups.py, serialization.py) and follows the same specification
// ("Belenios specification, version 2.0", specification.pdf.gz of Debian's
// belenios-tool): a ballot made here is accepted by `congress.core.belenios.check_ballot`
// and by `belenios-tool election verify`, and its audit by `verify_audit`.
//
// One file, plain ES2020, no dependency, no build step, no network access, no eval: it
// runs under a CSP of script-src 'self' and defines one global, `CongressBooth` (under
// Node 20 it is also `module.exports`). Arithmetic is native BigInt; hashing (SHA-256,
// PBKDF2) is WebCrypto's `crypto.subtle`, hence async; randomness is
// `crypto.getRandomValues`, uniform in Z_q by rejection sampling. Web Crypto exists only
// in a secure context: the page must come over https (or from localhost).
//
//   const election = await CongressBooth.parseElection(electionJsonText);
//   CongressBooth.prepare(election);              // optional: build the tables early
//   const ballot = await CongressBooth.createBallot(election, credential, plaintext);
//   ballot.raw, ballot.tracker                    // what is cast, and its tracker
//   CongressBooth.auditJson(ballot)               // Benaloh audit instead of casting
//   CongressBooth.forget(ballot)                  // after casting: drop the randomness
//
// API (window.CongressBooth; "async" functions return promises):
//   async parseElection(rawText) -> election {raw, uuid, name, description, group,
//       publicKey, questions: [{type: "homomorphic", question, answers, min, max, blank,
//       size} | {type: "nonhomomorphic", question, answers, size, extra}], fingerprint}
//   prepare(election)                               build the fixed-base tables now
//   normalizeCredential(text) -> "XXX-XXX-XXX-XXX-XXX"   (BoothError if mistyped)
//   checkCredential(text) -> boolean
//   async deriveSecret(election, credential) -> BigInt     secret(c), never sent anywhere
//   async publicCredential(election, credential) -> decimal string, g^secret(c)
//   checkPlaintext(election, plaintext)             throws BoothError if not a possible vote
//   async createBallot(election, credential, plaintext, {publicCredentials, onProgress})
//       -> {raw, tracker, credential, plaintext}   (frozen; the randomness is kept apart)
//   auditJson(ballot) -> the audit JSON text; forget(ballot); async tracker(rawText)
//   groups, getGroup(name), BoothError, internals (arithmetic, JSON, for tests and benches)
//
// The plaintext is the Python API's (and belenios-tool's): one array per question; for a
// homomorphic question one 0/1 per answer, preceded by the blank flag when the question
// allows blank; for a non-homomorphic (ranked) question one integer 0..255 per answer.
// Wrong input throws a `CongressBooth.BoothError` whose `code` says what (for the page to
// translate), `question` which question (1-based, or null), and `message` says it in
// English.
//
// Speed: every exponentiation of a ballot has base g or the election key y, so both get
// fixed-base comb tables (Lim-Lee), built once per election and page (`prepare`). The
// simulated branches of the disjunctive proofs need (beta / g^M)^c for a ciphertext the
// booth made itself; knowing beta = y^r g^m, that is y^(r c) g^((m - M) c), so no
// exponentiation with any other base is left. Sliding-window exponentiation is used for
// the rest (membership of the election key). Exponentiation is not constant-time (nor is
// belenios' GMP); a voter's secrets live on the voter's own device.
(function (root) {
  "use strict";

  var subtle = root.crypto && root.crypto.subtle;
  var BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  var NUMBER = /^(0|[1-9][0-9]*)$/;
  var PBKDF2_ITERATIONS = 1000;

  // -- errors ------------------------------------------------------------------------

  class BoothError extends Error {
    constructor(code, message, question) {
      super(question ? "question " + question + ": " + message : message);
      this.name = "BoothError";
      this.code = code;
      this.question = question || null;
    }
  }

  // -- bytes, hex and bits -----------------------------------------------------------

  var HEX = [];
  for (var i = 0; i < 256; i++) { HEX.push((i < 16 ? "0" : "") + i.toString(16)); }
  var NIBBLE = new Int8Array(128).fill(-1);
  for (var d = 0; d < 16; d++) { NIBBLE["0123456789abcdef".charCodeAt(d)] = d; }

  function bytesToBigInt(bytes) {
    var s = "0x0";
    for (var k = 0; k < bytes.length; k++) { s += HEX[bytes[k]]; }
    return BigInt(s);
  }

  function bitLength(x) {
    if (x === 0n) { return 0; }
    var s = x.toString(16);
    return (s.length - 1) * 4 + (32 - Math.clz32(NIBBLE[s.charCodeAt(0)]));
  }

  // The bits of e >= 0, least significant first, in an array of at least `len` entries.
  function bitsOf(e, len) {
    var s = e.toString(16);
    var n = Math.max(len, s.length * 4);
    var bits = new Uint8Array(n);
    for (var k = 0, j = s.length - 1; j >= 0; j--, k += 4) {
      var v = NIBBLE[s.charCodeAt(j)];
      bits[k] = v & 1;
      bits[k + 1] = (v >> 1) & 1;
      bits[k + 2] = (v >> 2) & 1;
      bits[k + 3] = (v >> 3) & 1;
    }
    return bits;
  }

  var encoder = new TextEncoder();

  function utf8(s) { return encoder.encode(s); }

  function needCrypto() {
    if (!subtle || typeof root.crypto.getRandomValues !== "function") {
      throw new BoothError(
        "no-webcrypto",
        "this browser has no Web Crypto (a secure context, https or localhost, is needed)"
      );
    }
  }

  async function sha256(text) {
    needCrypto();
    return new Uint8Array(await subtle.digest("SHA-256", utf8(text)));
  }

  function base64(bytes) {
    var s = "";
    for (var k = 0; k < bytes.length; k++) { s += String.fromCharCode(bytes[k]); }
    return root.btoa(s);
  }

  // H_JSON of the specification: Base64 SHA-256 without padding (fingerprint, tracker).
  async function sha256B64(text) {
    return base64(await sha256(text)).replace(/=+$/, "");
  }

  // -- modular arithmetic ----------------------------------------------------------------

  // base^e mod m for e >= 0: left-to-right sliding window over odd powers.
  function modPow(base, e, m) {
    if (m === 1n) { return 0n; }
    if (e < 0n) { throw new RangeError("negative exponent"); }
    base %= m;
    if (base < 0n) { base += m; }
    if (e === 0n) { return 1n; }
    var n = bitLength(e);
    var w = n <= 32 ? 2 : n <= 128 ? 4 : n <= 768 ? 5 : 6;
    var odd = [base];
    if (w > 1) {
      var sq = base * base % m;
      for (var k = 1; k < 1 << (w - 1); k++) { odd.push(odd[k - 1] * sq % m); }
    }
    var bits = bitsOf(e, n);
    var r = 1n;
    var started = false;
    var t = n - 1;
    while (t >= 0) {
      if (!bits[t]) {
        if (started) { r = r * r % m; }
        t--;
        continue;
      }
      var low = Math.max(t - w + 1, 0);
      while (!bits[low]) { low++; }
      var value = 0;
      for (var b = t; b >= low; b--) { value = (value << 1) | bits[b]; }
      if (started) {
        for (var s = t; s >= low; s--) { r = r * r % m; }
        r = r * odd[value >> 1] % m;
      } else {
        r = odd[value >> 1];
        started = true;
      }
      t = low - 1;
    }
    return r;
  }

  // Jacobi symbol (a/n) for odd n > 0; for a prime n, 1 when a is a non-zero square.
  function jacobi(a, n) {
    a %= n;
    if (a < 0n) { a += n; }
    var result = 1;
    while (a !== 0n) {
      var tz = bitLength(a & -a) - 1;
      if (tz > 0) {
        a >>= BigInt(tz);
        var r8 = Number(n & 7n);
        if ((tz & 1) && (r8 === 3 || r8 === 5)) { result = -result; }
      }
      var tmp = a; a = n; n = tmp;
      if ((a & 3n) === 3n && (n & 3n) === 3n) { result = -result; }
      a %= n;
    }
    return n === 1n ? result : 0;
  }

  // Fixed-base comb (Lim-Lee) for a base of order q: an exponent of `nbits` bits is cut
  // into `teeth` pieces of a bits; `tables` tables of 2^teeth products of base^(2^(i a + j b))
  // make base^e cost about b squarings and a multiplications (b = a / tables).
  class FixedBase {
    constructor(base, p, nbits, teeth, tables) {
      var h = teeth;
      var a = Math.ceil(nbits / h);
      var b = Math.ceil(a / tables);
      var v = Math.ceil(a / b);
      this.p = p;
      this.h = h;
      this.a = a;
      this.b = b;
      this.v = v;
      this.base = base % p;
      // P[j][i] = base^(2^(i a + j b)), by repeated squaring in increasing order
      var P = [];
      for (var j = 0; j < v; j++) { P.push(new Array(h)); }
      var cur = this.base;
      var pos = 0;
      for (var i = 0; i < h; i++) {
        for (j = 0; j < v; j++) {
          var target = i * a + j * b;
          while (pos < target) { cur = cur * cur % p; pos++; }
          P[j][i] = cur;
        }
      }
      var size = 1 << h;
      this.tables = [];
      for (j = 0; j < v; j++) {
        var G = new Array(size);
        G[0] = 1n;
        for (var u = 1; u < size; u++) {
          var lowbit = u & -u;
          var idx = 31 - Math.clz32(lowbit);
          G[u] = u === lowbit ? P[j][idx] : G[u ^ lowbit] * P[j][idx] % p;
        }
        this.tables.push(G);
      }
    }

    // base^e for 0 <= e < 2^(teeth a) (callers reduce e mod q first).
    pow(e) {
      var h = this.h, a = this.a, b = this.b, v = this.v, p = this.p;
      var bits = bitsOf(e, h * a);
      for (var x = h * a; x < bits.length; x++) {
        if (bits[x]) { throw new RangeError("exponent too large for this table"); }
      }
      var r = 1n;
      var started = false;
      for (var k = b - 1; k >= 0; k--) {
        if (started) { r = r * r % p; }
        for (var j = v - 1; j >= 0; j--) {
          var off = j * b + k;
          if (off >= a) { continue; }
          var u = 0;
          for (var i = h - 1; i >= 0; i--) { u = (u << 1) | bits[i * a + off]; }
          if (u) {
            r = started ? r * this.tables[j][u] % p : this.tables[j][u];
            started = true;
          }
        }
      }
      return r;
    }
  }

  // -- groups (specification §5) -----------------------------------------------------------

  var TABLES = new Map(); // "p:base" -> FixedBase, a few at most (g of each group, keys)
  var MAX_TABLES = 6;

  class Group {
    constructor(name, p, q, g, embedding) {
      this.name = name;
      this.p = BigInt(p);
      this.q = BigInt(q);
      this.g = BigInt(g);
      this.embedding = embedding || null; // {padding, bitsPerInt}
      this.safePrime = this.p === 2n * this.q + 1n;
      this.qBits = bitLength(this.q);
      this.qBytes = Math.ceil(this.qBits / 8);
      this.topMask = (1 << (this.qBits - 8 * (this.qBytes - 1))) - 1;
      this.pKey = this.p.toString(36).slice(0, 16);
    }

    modq(x) {
      x %= this.q;
      return x < 0n ? x + this.q : x;
    }

    // The fixed-base table of `base` (g or an election key), built on first use.
    fixed(base) {
      var key = this.pKey + ":" + base.toString(36);
      var t = TABLES.get(key);
      if (t) {
        TABLES.delete(key);
        TABLES.set(key, t);
        return t;
      }
      // 256-bit exponents: 8 teeth, 4 tables (about 40 multiplications, 260 KB a table);
      // 2047-bit ones (RFC 3526): 8 teeth, 2 tables (about 380 multiplications).
      t = new FixedBase(base, this.p, this.qBits, 8, this.qBits <= 512 ? 4 : 2);
      TABLES.set(key, t);
      while (TABLES.size > MAX_TABLES) { TABLES.delete(TABLES.keys().next().value); }
      return t;
    }

    // base^e for an element of the group (order q): fixed-base when base is g or a key.
    pow(base, e, fixedBase) {
      e = this.modq(e);
      if (fixedBase) { return this.fixed(base).pow(e); }
      return modPow(base, e, this.p);
    }

    gPow(e) { return this.fixed(this.g).pow(this.modq(e)); }

    // What belenios checks of every group element it reads: 0 < x < p and x^q = 1.
    isElement(x) {
      if (typeof x !== "bigint" || x <= 0n || x >= this.p) { return false; }
      if (this.safePrime) { return jacobi(x, this.p) === 1; }
      return modPow(x, this.q, this.p) === 1n;
    }

    inZq(x) { return typeof x === "bigint" && x >= 0n && x < this.q; }

    // Uniform in Z_q: draw as many bits as q has, start again when the draw is >= q.
    randomExponent() {
      needCrypto();
      var bytes = new Uint8Array(this.qBytes);
      for (;;) {
        root.crypto.getRandomValues(bytes);
        bytes[0] &= this.topMask;
        var x = bytesToBigInt(bytes);
        if (x < this.q) {
          bytes.fill(0);
          return x;
        }
      }
    }

    // SHA256(prefix ‖ elements joined by commas) mod q: the Fiat-Shamir oracle.
    async hashToZq(prefix, elements) {
      var text = prefix + elements.map(String).join(",");
      return bytesToBigInt(await sha256(text)) % this.q;
    }

    // group_encode of §4.11.2: pack the small integers, then pad until a group element.
    encodeInts(values) {
      if (!this.embedding) {
        throw new BoothError(
          "no-embedding",
          "group " + this.name + " has no embedding for non-homomorphic answers"
        );
      }
      var bits = BigInt(this.embedding.bitsPerInt);
      var acc = 0n;
      for (var k = 0; k < values.length; k++) { acc = (acc << bits) + BigInt(values[k]); }
      acc <<= BigInt(this.embedding.padding);
      var limit = acc + (1n << BigInt(this.embedding.padding));
      for (; acc < limit; acc++) {
        if (this.isElement(acc)) { return acc; }
      }
      throw new BoothError("no-encoding", "no group element within the padding");
    }
  }

  var BELENIOS_2048 = new Group(
    "BELENIOS-2048",
    "20694785691422546401013643657505008064922989295751104097100884787057374219242" +
      "71740192223725449768433812906663313807895840496005438963628979639303877390572" +
      "28036059737494276713767776188985898727358650490811670993105358677809800307904" +
      "91654063777173764198678527273474476341835600035698305193144284561701911000786" +
      "73730733356412397173289791324047457883446826065232797464795113767265869358218" +
      "00463179220736688600526271863633860887968821207694323661494910029234443463732" +
      "22145884100586421050242120365433561201320481118852408731077014151666200162313" +
      "177169372189248078507711827842317498073276598828825169183103125680162072880719",
    "78571733251071885079927659812671450121821421258408794611510081919805623223441",
    "24023526775018522092276877035323999327122876573783649165100753187876632741463" +
      "53219320285676155269678799694668298749389095083896573425601900601068477164491" +
      "73547413728310461045868131451178164675540052740288984613986453266121505579709" +
      "71620161682703128864324566638348636357821061549184199825343151897406581868686" +
      "51151358576410138882215396016043228843603930989333662772848406593138406010231" +
      "67509576377798266510360682240663507669776402534625377308513317349519424896775" +
      "40525736590494924776314759915751987751777114814909204566002054781270547282381" +
      "40972518639858334115700568353695553423781475582491896050296680037745308460627",
    null
  );

  var RFC_3526_2048 = new Group(
    "RFC-3526-2048",
    "323170060713110073003389139264238282488179412411402391128420097514007417066343" +
      "542226196894173635693471179017379097041917546058732091950288537589861856221532" +
      "121754125149017745202702357960782362488842461894775876411059286460994117232454" +
      "266225221932305409190376805242355191256797158701170010580558776510388618472802" +
      "579760549035697325615261670813393617995413364765591603683178967290731783845896" +
      "806396719009772021941686472258710314113364293195361934716365332097170774482279" +
      "885885653692086452966360772502689555059283627511211740969729980684105543595848" +
      "66583291642136218231078990999448652468262416972035911852507045361090559",
    "16158503035655503650169456963211914124408970620570119556421004875700370853317" +
      "17711130984470868178467355895086895485209587730293660459751442687949309281107" +
      "66060877062574508872601351178980391181244421230947387938205529643230497058616" +
      "22713311261096615270459518840262117759562839857935058500529027938825519430923" +
      "64012898802745178486628076308354066968089977066823827958018415894836453658919" +
      "22948403198359504886010970843236129355157056682146597680967358182666048585387" +
      "24113994294282684604322648318038625134477752964181375560587048486499034205277" +
      "179792433291645821068109115539495499724326234131208486017955926253522680545279",
    "2",
    { padding: 8, bitsPerInt: 8 }
  );

  var GROUPS = { "BELENIOS-2048": BELENIOS_2048, "RFC-3526-2048": RFC_3526_2048 };

  function getGroup(name) {
    if (!Object.prototype.hasOwnProperty.call(GROUPS, name)) {
      throw new BoothError("bad-election", "unknown group: " + name);
    }
    return GROUPS[name];
  }

  // -- JSON as belenios writes it (serialization.py) ----------------------------------------

  var ESCAPES = {
    '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
  };

  function dumpString(s) {
    return '"' + s.replace(/["\\\x00-\x1f\x7f]/g, function (c) {
      return ESCAPES[c] || "\\u00" + HEX[c.charCodeAt(0)];
    }) + '"';
  }

  // Compact JSON in Yojson's spelling, object fields in insertion order; big numbers are
  // written by the caller as decimal strings.
  function dumps(v) {
    if (typeof v === "string") { return dumpString(v); }
    if (v === null) { return "null"; }
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) { throw new TypeError("cannot serialize " + v); }
      return String(v);
    }
    if (Array.isArray(v)) { return "[" + v.map(dumps).join(",") + "]"; }
    if (typeof v === "object") {
      return "{" + Object.keys(v).map(function (k) {
        return dumpString(k) + ":" + dumps(v[k]);
      }).join(",") + "}";
    }
    throw new TypeError("cannot serialize " + typeof v);
  }

  function ctJson(c) { return { alpha: c.alpha.toString(), beta: c.beta.toString() }; }

  function proofJson(pr) {
    return { challenge: pr.challenge.toString(), response: pr.response.toString() };
  }

  // -- the election (§4.9, §4.10) ---------------------------------------------------------

  function bad(message) { return new BoothError("bad-election", "election: " + message); }

  function isObject(x) { return x !== null && typeof x === "object" && !Array.isArray(x); }

  function str(o, name) {
    if (typeof o[name] !== "string") { throw bad(name + ": string expected"); }
    return o[name];
  }

  function int(o, name) {
    if (!Number.isSafeInteger(o[name])) { throw bad(name + ": integer expected"); }
    return o[name];
  }

  function strings(x, what) {
    if (!Array.isArray(x) || x.some(function (s) { return typeof s !== "string"; })) {
      throw bad(what + ": array of strings expected");
    }
    return x.slice();
  }

  function parseQuestion(x) {
    if (!isObject(x)) { throw bad("question: object expected"); }
    if (!("type" in x)) {
      if (x.blank != null && typeof x.blank !== "boolean") {
        throw bad("question: blank must be a boolean");
      }
      var q = {
        type: "homomorphic",
        question: str(x, "question"),
        answers: strings(x.answers, "answers"),
        min: int(x, "min"),
        max: int(x, "max"),
        blank: x.blank == null ? null : x.blank,
      };
      if (!(q.min >= 0 && q.min <= q.max)) { throw bad("question: need 0 <= min <= max"); }
      q.size = q.answers.length + (q.blank ? 1 : 0);
      return Object.freeze(q);
    }
    if (x.type !== "NonHomomorphic") { throw bad("question: unexpected type " + x.type); }
    if (!isObject(x.value)) { throw bad("question value: object expected"); }
    var answers = strings(x.value.answers, "answers");
    return Object.freeze({
      type: "nonhomomorphic",
      question: str(x.value, "question"),
      answers: answers,
      size: answers.length,
      extra: x.extra === undefined ? null : x.extra,
    });
  }

  // The election as published (the exact text: its fingerprint enters every proof).
  async function parseElection(raw) {
    if (typeof raw !== "string") { throw bad("the published JSON text is needed"); }
    var o;
    try {
      o = JSON.parse(raw);
    } catch (e) {
      throw bad("invalid JSON: " + e.message);
    }
    if (!isObject(o)) { throw bad("object expected"); }
    if (int(o, "version") !== 1) { throw bad("unsupported version " + o.version); }
    var group = getGroup(str(o, "group"));
    var uuid = str(o, "uuid");
    if (uuid.length < 14 || Array.prototype.some.call(uuid, function (c) {
      return BASE58.indexOf(c) < 0;
    })) {
      throw bad(uuid + " is not a valid uuid");
    }
    var pk = str(o, "public_key");
    if (pk.length > 2000 || !NUMBER.test(pk)) { throw bad("public_key: decimal number expected"); }
    var y = BigInt(pk);
    if (!group.isElement(y)) { throw bad("public key is not in the group"); }
    if (!Array.isArray(o.questions)) { throw bad("questions: array expected"); }
    var questions = o.questions.map(parseQuestion);
    if (!group.embedding && questions.some(function (q) { return q.type !== "homomorphic"; })) {
      throw bad("group " + group.name + " cannot embed non-homomorphic answers");
    }
    var optional = function (name) {
      return o[name] == null ? null : str(o, name);
    };
    return Object.freeze({
      raw: raw,
      uuid: uuid,
      name: str(o, "name"),
      description: str(o, "description"),
      group: group,
      publicKey: y,
      questions: Object.freeze(questions),
      administrator: optional("administrator"),
      credentialAuthority: optional("credential_authority"),
      fingerprint: await sha256B64(raw),
    });
  }

  // Build the fixed-base tables of g and of the election key now (a few tens of ms), for
  // example while the voter reads the ballot, instead of during the first encryption.
  function prepare(election) {
    election.group.fixed(election.group.g);
    election.group.fixed(election.publicKey);
  }

  // -- credentials (§4.8, credentials.py) ---------------------------------------------------

  function checkRaw(raw) {
    var value = 0;
    for (var k = 0; k < 15; k++) {
      var digit = BASE58.indexOf(raw[k]);
      if (digit < 0) { return false; }
      value = k < 14 ? (value * 58 + digit) % 53 : (value + digit) % 53;
    }
    return value === 0;
  }

  // The printed form XXX-XXX-XXX-XXX-XXX of a credential as typed (spaces dropped, dashes
  // added), or a BoothError saying what is wrong with it.
  function normalizeCredential(text) {
    if (typeof text !== "string") {
      throw new BoothError("credential-format", "the credential must be text");
    }
    var s = text.replace(/\s+/g, "");
    var raw;
    if (s.length === 19 && s[3] === "-" && s[7] === "-" && s[11] === "-" && s[15] === "-") {
      raw = s.replace(/-/g, "");
    } else if (s.length === 15) {
      raw = s;
    } else {
      throw new BoothError(
        "credential-format", "a credential has 15 characters, written XXX-XXX-XXX-XXX-XXX"
      );
    }
    var wrong = Array.prototype.filter.call(raw, function (c) { return BASE58.indexOf(c) < 0; });
    if (raw.length !== 15 || wrong.length) {
      throw new BoothError(
        "credential-character",
        "this credential has characters no credential uses (" +
          (wrong.join(" ") || "-") + "); 0, O, I and l never appear in one"
      );
    }
    if (!checkRaw(raw)) {
      throw new BoothError(
        "credential-checksum", "this credential is mistyped (its checksum does not match)"
      );
    }
    return [0, 3, 6, 9, 12].map(function (k) { return raw.slice(k, k + 3); }).join("-");
  }

  function checkCredential(text) {
    try {
      normalizeCredential(text);
      return true;
    } catch (e) {
      return false;
    }
  }

  // secret(c): PBKDF2-HMAC-SHA256(c, salt = uuid, 1000 iterations, 32 bytes) mod q.
  async function deriveSecret(election, credential) {
    var c = normalizeCredential(credential);
    needCrypto();
    var key = await subtle.importKey("raw", utf8(c), "PBKDF2", false, ["deriveBits"]);
    var bits = await subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: utf8(election.uuid), iterations: PBKDF2_ITERATIONS },
      key,
      256
    );
    return bytesToBigInt(new Uint8Array(bits)) % election.group.q;
  }

  // public(c) = g^secret(c), as a decimal string (the public credential of this election).
  async function publicCredential(election, credential) {
    return election.group.gPow(await deriveSecret(election, credential)).toString();
  }

  // -- plaintexts (ballot.py check_plaintext) -----------------------------------------------

  function checkPlaintext(election, plaintext) {
    var qs = election.questions;
    if (!Array.isArray(plaintext)) {
      throw new BoothError("plaintext-shape", "the vote must be an array, one entry per question");
    }
    if (plaintext.length !== qs.length) {
      throw new BoothError(
        "plaintext-shape",
        "this election has " + qs.length + " question(s); " + plaintext.length + " answer(s) given"
      );
    }
    qs.forEach(function (q, i) {
      var n = i + 1;
      var m = plaintext[i];
      if (!Array.isArray(m) || m.length !== q.size) {
        throw new BoothError("answer-size", q.size + " values expected", n);
      }
      if (!m.every(Number.isSafeInteger)) {
        throw new BoothError("not-integer", "every value must be a whole number", n);
      }
      if (q.type === "nonhomomorphic") {
        var top = 1 << election.group.embedding.bitsPerInt;
        var v = m.find(function (x) { return x < 0 || x >= top; });
        if (v !== undefined) {
          throw new BoothError(
            "value-out-of-range", "each value must be from 0 to " + (top - 1) + " (" + v + " given)", n
          );
        }
        return;
      }
      if (!m.every(function (x) { return x === 0 || x === 1; })) {
        throw new BoothError("not-0-or-1", "each value must be 0 or 1", n);
      }
      var marks = m;
      if (q.blank) {
        marks = m.slice(1);
        if (m[0] === 1) {
          if (marks.some(function (x) { return x === 1; })) {
            throw new BoothError("blank-with-marks", "a blank vote marks nothing else", n);
          }
          return;
        }
      }
      var total = marks.reduce(function (s, x) { return s + x; }, 0);
      if (total > q.max) {
        throw new BoothError(
          "too-many-marks", "at most " + q.max + " mark(s) allowed, " + total + " given", n
        );
      }
      if (total < q.min) {
        throw new BoothError(
          "too-few-marks",
          "at least " + q.min + " mark(s) needed, " + total + " given" +
            (q.blank ? " (or a blank vote)" : ""),
          n
        );
      }
    });
  }

  // -- proofs (proofs.py), with the booth's own secrets -------------------------------------

  // Context of one ballot: group, key, and the fixed-base powers.
  function ctxOf(election) {
    var group = election.group;
    var y = election.publicKey;
    var gt = group.fixed(group.g);
    var yt = group.fixed(y);
    return {
      group: group,
      y: y,
      p: group.p,
      q: group.q,
      gPow: function (e) { return gt.pow(group.modq(e)); },
      yPow: function (e) { return yt.pow(group.modq(e)); },
    };
  }

  function randomProof(ctx) {
    return { challenge: ctx.group.randomExponent(), response: ctx.group.randomExponent() };
  }

  // Commitments of a simulated proof for "ct encrypts g^target" where ct = (g^r, y^r g^m):
  // A = g^response alpha^challenge = g^t and B = y^response (beta / g^target)^challenge
  // = y^t g^((m - target) challenge), t = response + r challenge.
  function simulated(ctx, pr, r, m, target) {
    var t = pr.response + r * pr.challenge;
    var b = ctx.yPow(t);
    if (m !== target) { b = b * ctx.gPow(BigInt(m - target) * pr.challenge) % ctx.p; }
    return [ctx.gPow(t), b];
  }

  function encrypt(ctx, r, m) {
    var beta = ctx.yPow(r);
    if (m === 1) { beta = beta * ctx.group.g % ctx.p; }
    else if (m !== 0) { beta = beta * ctx.gPow(BigInt(m)) % ctx.p; }
    return { alpha: ctx.gPow(r), beta: beta };
  }

  // iprove(S, r, index, values) of §4.12: ct encrypts g^values[index], hiding which.
  async function iprove(ctx, s, ct, r, index, values) {
    var m = values[index];
    var proofs = new Array(values.length);
    var commitments = new Array(2 * values.length);
    var total = 0n;
    for (var j = 0; j < values.length; j++) {
      if (j === index) { continue; }
      var pr = randomProof(ctx);
      var ab = simulated(ctx, pr, r, m, values[j]);
      proofs[j] = pr;
      commitments[2 * j] = ab[0];
      commitments[2 * j + 1] = ab[1];
      total += pr.challenge;
    }
    var w = ctx.group.randomExponent();
    commitments[2 * index] = ctx.gPow(w);
    commitments[2 * index + 1] = ctx.yPow(w);
    var h = await ctx.group.hashToZq("prove|" + s + "|" + ct.alpha + "," + ct.beta + "|", commitments);
    var challenge = ctx.group.modq(h - total);
    proofs[index] = { challenge: challenge, response: ctx.group.modq(w - r * challenge) };
    return proofs;
  }

  // overall_proof and blank_proof of §4.13 (blank allowed).
  async function blankProve(ctx, s, r0, m0, rSum, mSum, lo, hi) {
    var group = ctx.group;
    var blank, w, h, ch, sim, a0, b0, aS, bS;
    sim = randomProof(ctx);
    w = group.randomExponent();
    if (m0 === 0) {
      var simS = simulated(ctx, sim, rSum, mSum, 0);
      aS = simS[0]; bS = simS[1];
      a0 = ctx.gPow(w); b0 = ctx.yPow(w);
      h = await group.hashToZq("bproof0|" + s + "|", [a0, b0, aS, bS]);
      ch = group.modq(h - sim.challenge);
      blank = [{ challenge: ch, response: group.modq(w - r0 * ch) }, sim];
    } else {
      var sim0 = simulated(ctx, sim, r0, m0, 0);
      a0 = sim0[0]; b0 = sim0[1];
      aS = ctx.gPow(w); bS = ctx.yPow(w);
      h = await group.hashToZq("bproof0|" + s + "|", [a0, b0, aS, bS]);
      ch = group.modq(h - sim.challenge);
      blank = [sim, { challenge: ch, response: group.modq(w - rSum * ch) }];
    }
    var k = hi - lo + 1;
    var proofs = new Array(k + 1);
    var commitments = new Array(2 * (k + 1));
    var trueIndex = m0 === 1 ? 0 : mSum - lo + 1;
    var total = 0n;
    for (var i = 0; i <= k; i++) {
      if (i === trueIndex) { continue; }
      var pr = randomProof(ctx);
      var ab = i === 0 ? simulated(ctx, pr, r0, m0, 1) : simulated(ctx, pr, rSum, mSum, lo + i - 1);
      proofs[i] = pr;
      commitments[2 * i] = ab[0];
      commitments[2 * i + 1] = ab[1];
      total += pr.challenge;
    }
    w = group.randomExponent();
    commitments[2 * trueIndex] = ctx.gPow(w);
    commitments[2 * trueIndex + 1] = ctx.yPow(w);
    h = await group.hashToZq("bproof1|" + s + "|", commitments);
    ch = group.modq(h - total);
    var rTrue = trueIndex === 0 ? r0 : rSum;
    proofs[trueIndex] = { challenge: ch, response: group.modq(w - rTrue * ch) };
    return { overall: proofs, blank: blank };
  }

  // Schnorr proof of knowledge of x, with challenge H(prefix ‖ g^w): signatures and raweg.
  async function schnorr(ctx, x, prefix) {
    var w = ctx.group.randomExponent();
    var challenge = await ctx.group.hashToZq(prefix, [ctx.gPow(w)]);
    return { challenge: challenge, response: ctx.group.modq(w - x * challenge) };
  }

  // -- ballots (§4.11, §4.14, §4.15; ballot.py create_ballot) ------------------------------

  async function homomorphicAnswer(ctx, q, s0, m, progress) {
    var group = ctx.group;
    var rs = m.map(function () { return group.randomExponent(); });
    var cts = m.map(function (v, k) { return encrypt(ctx, rs[k], v); });
    var individual = [];
    for (var k = 0; k < cts.length; k++) {
      individual.push(await iprove(ctx, s0, cts[k], rs[k], m[k], [0, 1]));
      progress(1);
    }
    var s = s0 + "|" + cts.map(function (c) { return c.alpha + "," + c.beta; }).join(",");
    var o = { choices: cts.map(ctJson), individual_proofs: individual.map(function (ps) {
      return ps.map(proofJson);
    }) };
    var first = q.blank ? 1 : 0;
    var sumA = 1n, sumB = 1n, rSum = 0n, mSum = 0;
    for (k = first; k < cts.length; k++) {
      sumA = sumA * cts[k].alpha % ctx.p;
      sumB = sumB * cts[k].beta % ctx.p;
      rSum += rs[k];
      mSum += m[k];
    }
    if (q.blank) {
      var both = await blankProve(ctx, s, rs[0], m[0], rSum, mSum, q.min, q.max);
      o.overall_proof = both.overall.map(proofJson);
      o.blank_proof = both.blank.map(proofJson);
    } else {
      var values = [];
      for (var v = q.min; v <= q.max; v++) { values.push(v); }
      var overall = await iprove(ctx, s, { alpha: sumA, beta: sumB }, rSum, mSum - q.min, values);
      o.overall_proof = overall.map(proofJson);
    }
    progress(1);
    return { json: o, randomness: rs };
  }

  async function nonHomomorphicAnswer(ctx, q, s0, m, progress) {
    var r = ctx.group.randomExponent();
    var xi = ctx.group.encodeInts(m);
    var ct = { alpha: ctx.gPow(r), beta: ctx.yPow(r) * xi % ctx.p };
    var proof = await schnorr(
      ctx, r, "raweg|" + s0 + "|" + ctx.y + "," + ct.alpha + "," + ct.beta + "|"
    );
    progress(1);
    return { json: { choices: ctJson(ct), proof: proofJson(proof) }, randomness: [r] };
  }

  var SECRETS = new WeakMap(); // created ballot -> its randomness (never enumerable)

  // Encrypt, prove and sign a vote: {raw, tracker, credential, plaintext}. The randomness
  // stays in the booth for auditJson() and is dropped by forget().
  // options.publicCredentials: the poll's published list (strings, "cred" or
  // "cred,weight"); when given, a credential not on it is refused before any work.
  // options.onProgress(done, total): called as the proofs are made (to show progress).
  async function createBallot(election, credential, plaintext, options) {
    options = options || {};
    if (!election || !(election.group instanceof Group) || typeof election.raw !== "string") {
      throw new BoothError(
        "bad-election", "an election from CongressBooth.parseElection is needed"
      );
    }
    checkPlaintext(election, plaintext);
    var sk = await deriveSecret(election, credential);
    var ctx = ctxOf(election);
    var cred = ctx.gPow(sk).toString();
    if (options.publicCredentials) {
      var known = options.publicCredentials.some(function (c) {
        return String(c).split(",")[0] === cred;
      });
      if (!known) {
        throw new BoothError(
          "unknown-credential", "this credential is not one of this poll's credentials"
        );
      }
    }
    var steps = 1;
    election.questions.forEach(function (q) {
      steps += q.type === "homomorphic" ? q.size + 1 : 1;
    });
    var done = 0;
    var progress = function (n) {
      done += n;
      if (options.onProgress) { options.onProgress(done, steps); }
    };
    var s0 = election.fingerprint + "|" + cred;
    var answers = [];
    var randomness = [];
    for (var i = 0; i < election.questions.length; i++) {
      var q = election.questions[i];
      var a = q.type === "homomorphic"
        ? await homomorphicAnswer(ctx, q, s0, plaintext[i], progress)
        : await nonHomomorphicAnswer(ctx, q, s0, plaintext[i], progress);
      answers.push(a.json);
      randomness.push(a.randomness);
    }
    var unsigned = {
      election_uuid: election.uuid,
      election_hash: election.fingerprint,
      credential: cred,
      answers: answers,
    };
    var digest = await sha256B64(dumps(unsigned));
    var signature = await schnorr(ctx, sk, "sig|" + digest + "|");
    unsigned.signature = { hash: digest, proof: proofJson(signature) };
    var raw = dumps(unsigned);
    progress(1);
    var created = Object.freeze({
      raw: raw,
      tracker: await sha256B64(raw),
      credential: cred,
      plaintext: Object.freeze(plaintext.map(function (m) { return Object.freeze(m.slice()); })),
    });
    SECRETS.set(created, randomness);
    return created;
  }

  // The Benaloh audit of a created ballot, exactly as ballot.py's CreatedBallot.audit_json
  // writes it: {"ballot": raw, "plaintext": [[...]], "randomness": [["..."]]}. An audited
  // ballot must not be cast: the booth discards it and encrypts afresh.
  function auditJson(created) {
    var rs = SECRETS.get(created);
    if (!rs) {
      throw new BoothError(
        "no-randomness", "this ballot's randomness is gone (it was cast or forgotten)"
      );
    }
    return dumps({
      ballot: created.raw,
      plaintext: created.plaintext.map(function (m) { return m.slice(); }),
      randomness: rs.map(function (r) { return r.map(String); }),
    });
  }

  // Drop a ballot's randomness (after casting it: whoever holds it can read the vote).
  function forget(created) { SECRETS.delete(created); }

  // The smart ballot tracker of a ballot's text: Base64 SHA-256 without padding.
  function tracker(raw) { return sha256B64(raw); }

  var api = Object.freeze({
    specification: "Belenios 2.0",
    BoothError: BoothError,
    groups: Object.freeze({ "BELENIOS-2048": BELENIOS_2048, "RFC-3526-2048": RFC_3526_2048 }),
    getGroup: getGroup,
    parseElection: parseElection,
    prepare: prepare,
    normalizeCredential: normalizeCredential,
    checkCredential: checkCredential,
    deriveSecret: deriveSecret,
    publicCredential: publicCredential,
    checkPlaintext: checkPlaintext,
    createBallot: createBallot,
    auditJson: auditJson,
    forget: forget,
    tracker: tracker,
    // the building blocks, for tests and measurements
    internals: Object.freeze({
      modPow: modPow,
      jacobi: jacobi,
      bitLength: bitLength,
      FixedBase: FixedBase,
      Group: Group,
      dumps: dumps,
      dumpString: dumpString,
      sha256B64: sha256B64,
      clearTables: function () { TABLES.clear(); },
    }),
  });

  root.CongressBooth = api;
  if (typeof module === "object" && module && module.exports) { module.exports = api; }
})(typeof globalThis !== "undefined" ? globalThis : this);
