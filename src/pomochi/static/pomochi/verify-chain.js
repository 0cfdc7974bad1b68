// Recompute a community's audit chain in the member's own browser: the same algorithm as
// `pomochi verify_audit` (audit/chain.py), so a member need not trust the server.
//   hash_n   = SHA-256("<seq>|<prev_hash>|<payload_digest>")
//   digest_n = SHA-256(payload)           (format version 1)
//            = SHA-256(salt ‖ payload)    (version 2, salt = 32 hex digits)
// Web Crypto (crypto.subtle) where the page is a secure context; on a village's plain-HTTP
// network browsers withhold it, so a small SHA-256 in plain JavaScript stands in.
(function () {
  "use strict";
  var GENESIS = "0".repeat(64);
  var box = document.getElementById("chain-check");
  if (!box) return;
  var result = document.getElementById("chain-check-result");
  var encoder = new TextEncoder();

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  // FIPS 180-4 SHA-256 over bytes, for when crypto.subtle is not offered.
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  function sha256Plain(bytes) {
    var length = bytes.length, padded = new Uint8Array(((length + 72) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    var h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    var w = new Uint32Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var t = 0; t < 16; t++) w[t] = view.getUint32(offset + 4 * t);
      for (t = 16; t < 64; t++) {
        var a15 = w[t - 15], a2 = w[t - 2];
        var s0 = ((a15 >>> 7) | (a15 << 25)) ^ ((a15 >>> 18) | (a15 << 14)) ^ (a15 >>> 3);
        var s1 = ((a2 >>> 17) | (a2 << 15)) ^ ((a2 >>> 19) | (a2 << 13)) ^ (a2 >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
    }
    var out = new DataView(new ArrayBuffer(32));
    for (t = 0; t < 8; t++) out.setUint32(4 * t, h[t]);
    return out.buffer;
  }

  var subtle = window.crypto && window.crypto.subtle;
  box.dataset.engine = subtle ? "webcrypto" : "javascript";
  function sha256(text) {
    var bytes = encoder.encode(text);
    if (subtle) return subtle.digest("SHA-256", bytes).then(hex);
    return Promise.resolve(hex(sha256Plain(bytes)));
  }

  function fetchLinks(after) {
    var url = box.dataset.links + "?after=" + after;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  async function check() {
    var prev = GENESIS, seq = 0, payloads = 0, announced = null;
    for (;;) {
      var page = await fetchLinks(seq);
      if (announced === null) announced = page.head || { seq: 0, hash: GENESIS };
      var links = page.links.filter(function (link) { return link.seq <= announced.seq; });
      for (var i = 0; i < links.length; i++) {
        var link = links[i];
        if (link.seq !== seq + 1 || link.prev_hash !== prev) return { bad: link.seq, why: "link" };
        if (link.payload !== null) {
          var material = link.version === 1 ? link.payload : link.salt + link.payload;
          if (link.version === 2 && !/^[0-9a-f]{32}$/.test(link.salt || "")) {
            return { bad: link.seq, why: "digest" };
          }
          if ((await sha256(material)) !== link.payload_digest) return { bad: link.seq, why: "digest" };
          payloads++;
        }
        var hash = await sha256(link.seq + "|" + prev + "|" + link.payload_digest);
        if (hash !== link.hash) return { bad: link.seq, why: "link" };
        prev = hash;
        seq = link.seq;
      }
      result.textContent = say(box.dataset.progress, { entries: seq });
      if (seq >= announced.seq || links.length === 0) break;
    }
    if (seq !== announced.seq || prev !== announced.hash) return { bad: seq, why: "head" };
    return { entries: seq, payloads: payloads, head: prev };
  }

  document.getElementById("chain-check-start").addEventListener("click", function () {
    box.dataset.state = "running";
    check().then(function (outcome) {
      if (outcome.bad !== undefined) {
        box.dataset.state = "broken";
        var why = { link: box.dataset.whyLink, digest: box.dataset.whyDigest, head: box.dataset.whyHead }[outcome.why];
        result.textContent = say(box.dataset.broken, { seq: outcome.bad, why: why });
      } else {
        box.dataset.state = "ok";
        result.textContent = say(box.dataset.ok, outcome);
      }
    }).catch(function (error) {
      box.dataset.state = "failed";
      result.textContent = say(box.dataset.failed, { why: error.message });
    });
  });
})();
