// Solves the report form's proof-of-work challenge (altcha v1 format: find n with SHA-256(salt + n) ===
// challenge) so the server applies the normal rate limit. Without JavaScript the form still posts, under a
// stricter limit. encrypt-report.js sends the form itself when it encrypts: it marks the form with
// data-encrypt="on", waits for the solution in the `altcha` field, and after a refused try puts a fresh
// challenge in the fields and fires "embargo:pow-renew".
(() => {
  const form = document.querySelector("form.report-form");
  if (!form || !window.crypto?.subtle) return;
  const field = (name) => form.querySelector(`[data-pow="${name}"]`);
  const payloadInput = field("payload");
  if (!payloadInput) return;
  const encoder = new TextEncoder();
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  const solve = async (params) => {
    for (let n = 0; n <= params.max; n += 1) {
      const digest = await crypto.subtle.digest(params.algorithm, encoder.encode(params.salt + n));
      if (hex(digest) === params.challenge) return n;
    }
    return null;
  };

  let round = 0;
  let solution;
  const start = () => {
    round += 1;
    const mine = round;
    const params = {
      algorithm: field("algorithm").value,
      challenge: field("challenge").value,
      salt: field("salt").value,
      signature: field("signature").value,
      max: Number(field("maxnumber").value) || 1000000,
    };
    payloadInput.value = "";
    solution = solve(params).then((number) => {
      if (number === null || mine !== round) return;
      payloadInput.value = btoa(
        JSON.stringify({
          algorithm: params.algorithm,
          challenge: params.challenge,
          number,
          salt: params.salt,
          signature: params.signature,
        }),
      );
      form.dispatchEvent(new Event("embargo:pow-solved"));
    });
  };
  start();
  form.addEventListener("embargo:pow-renew", start);

  let submitting = false;
  // A fast typist may submit before the work is done: wait for it, then submit for real.
  form.addEventListener("submit", (event) => {
    if (submitting || payloadInput.value || form.dataset.encrypt === "on") return;
    event.preventDefault();
    solution.then(() => {
      submitting = true;
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  });
})();
