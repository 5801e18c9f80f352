// Encrypts the whole report form, attachments included, to the intake key in the browser with OpenPGP.js
// (served from our own origin) and posts only the ciphertext and the proof-of-work solution. The server
// validates the decrypted report like any other; its field errors are shown here, next to what was typed.
// If encryption cannot work in this browser, the form falls back to its normal post and says so.
const form = document.querySelector("form.report-form[data-encrypt-to]");
const note = document.getElementById("encryption-note");

// The plain post is protected in transit only when this page came over https; the notes say which.
const plainPost = location.protocol === "https:" ? "over TLS (HTTPS)" : "unencrypted, over plain HTTP";

const FIELDS = [
  "title",
  "asset",
  "weakness",
  "description",
  "steps",
  "impact",
  "affectedVersions",
  "cvss",
  "email",
  "pgpKey",
  "name",
];

/** The server's order of the form's fields (REPORT_FORM_FIELDS); the summary lists problems in it, like the server. */
const ORDER = (form?.dataset.fieldOrder ?? "").split(" ").filter(Boolean);
const rank = (name) => {
  const at = ORDER.indexOf(name);
  return at === -1 ? ORDER.length : at;
};

const say = (text, warn = false) => {
  if (!note) return;
  note.textContent = text;
  note.classList.toggle("warn", warn);
};

const fallBack = (why) => {
  form.dataset.encrypt = "off";
  say(
    `Encryption in your browser is not available (${why}). Your report will be sent ${plainPost} instead, like without JavaScript.`,
    true,
  );
};

const base64 = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};

/** The same JSON report object a plain JSON submission sends; it never leaves the browser unencrypted. */
const collect = async () => {
  const report = {};
  for (const name of FIELDS) {
    const element = form.elements.namedItem(name);
    if (element && typeof element.value === "string") report[name] = element.value;
  }
  const credit = form.elements.namedItem("credit");
  if (credit?.value) report.credit = credit.value;
  const input = form.querySelector("input[type=file][name=attachments]");
  const files = input ? Array.from(input.files ?? []) : [];
  if (files.length > 0) {
    report.attachments = await Promise.all(
      files.map(async (file) => ({ filename: file.name, content: base64(await file.arrayBuffer()) })),
    );
  }
  return report;
};

/** The proof-of-work solution pow.js puts in the `altcha` field; empty when the page has no challenge. */
const powSolution = () => {
  const input = form.querySelector("input[name=altcha]");
  if (!input) return Promise.resolve("");
  if (input.value) return Promise.resolve(input.value);
  return new Promise((resolve) => {
    const check = () => {
      if (input.value) resolve(input.value);
      else setTimeout(check, 100);
    };
    check();
  });
};

const renewPow = (pow) => {
  if (!pow) return;
  for (const key of ["algorithm", "challenge", "salt", "signature", "maxnumber"]) {
    const input = form.querySelector(`[data-pow="${key}"]`);
    if (input) input.value = String(pow[key]);
  }
  form.dispatchEvent(new Event("embargo:pow-renew"));
};

const labelOf = (name) => {
  const label = form.querySelector(`label[for="${name}"]`) ?? form.querySelector(`#${name} legend`);
  return label ? (label.firstChild?.textContent ?? "").replace(/\(optional\)/, "").trim() : "";
};

const clearErrors = () => {
  document.getElementById("error-summary")?.remove();
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const element of form.querySelectorAll("[aria-invalid]")) {
    element.removeAttribute("aria-invalid");
    const ids = (element.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter((id) => !id.endsWith("-error"));
    if (ids.length > 0) element.setAttribute("aria-describedby", ids.join(" "));
    else element.removeAttribute("aria-describedby");
  }
};

/** The same summary and per-field messages the server renders for the plain form. */
const showErrors = (message, fields) => {
  clearErrors();
  // A stable sort: fields in form order, then anything the form has no field for, as the server sent it.
  const entries = Object.entries(fields ?? {}).sort(([a], [b]) => rank(a) - rank(b));
  if (entries.length === 0) entries.push(["", message]);
  // The field's own error now says what the live check said; one message is enough.
  if (fields?.cvss) document.getElementById("cvss-check")?.replaceChildren();
  const summary = document.createElement("div");
  summary.className = "form-errors";
  summary.id = "error-summary";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  const heading = document.createElement("h2");
  heading.textContent =
    entries.length === 1 ? "Please correct this problem" : `Please correct these ${entries.length} problems`;
  const list = document.createElement("ul");
  for (const [name, text] of entries) {
    const item = document.createElement("li");
    const element = name ? document.getElementById(name) : null;
    if (element && form.contains(element)) {
      const link = document.createElement("a");
      link.href = `#${name}`;
      link.textContent = labelOf(name) ? `${labelOf(name)}: ${text}` : text;
      item.append(link);
      const error = document.createElement("p");
      error.className = "field-error";
      error.id = `${name}-error`;
      error.textContent = text;
      if (element.tagName === "FIELDSET") element.append(error);
      else element.after(error);
      element.setAttribute("aria-invalid", "true");
      const ids = (element.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
      element.setAttribute("aria-describedby", [...ids, error.id].join(" "));
    } else {
      item.textContent = text;
    }
    list.append(item);
  }
  summary.append(heading, list);
  form.before(summary);
  summary.focus();
};

if (form && window.crypto?.subtle && window.fetch && window.Blob?.prototype.arrayBuffer) {
  // From here on this script sends the form; pow.js only solves the challenge.
  form.dataset.encrypt = "on";
  const ready = (async () => {
    const openpgp = await import(form.dataset.openpgp);
    const answer = await fetch(form.dataset.encryptTo, { headers: { accept: "application/pgp-keys" } });
    if (!answer.ok) throw new Error("our public key could not be loaded");
    const key = await openpgp.readKey({ armoredKey: await answer.text() });
    return { openpgp, key };
  })();
  ready.then(
    ({ key }) =>
      say(
        `Your report, attachments included, is encrypted in your browser to our intake key (fingerprint ${key
          .getFingerprint()
          .toUpperCase()
          .replace(/(.{4})(?=.)/g, "$1 ")}) before it is sent.`,
      ),
    () => fallBack("the encryption library or our key could not be loaded"),
  );

  const button = form.querySelector("button[type=submit]");
  let busy = false;
  form.addEventListener("submit", async (event) => {
    if (form.dataset.encrypt !== "on") return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    const label = button?.textContent;
    if (button) {
      button.disabled = true;
      button.textContent = "Encrypting…";
    }
    try {
      let encrypted;
      try {
        const { openpgp, key } = await ready;
        const report = await collect();
        encrypted = await openpgp.encrypt({
          message: await openpgp.createMessage({ text: JSON.stringify(report) }),
          encryptionKeys: key,
          // Attachments travel as base64 inside the JSON: compressing before encrypting takes that back out,
          // so a full 25 MB of files fits the request limit.
          config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
        });
      } catch {
        fallBack("encrypting the report failed");
        showErrors(`Your report was not sent yet. Press “Send report” again to send it ${plainPost}.`);
        return;
      }
      if (button) button.textContent = "Sending…";
      const altcha = await powSolution();
      let response;
      try {
        response = await fetch(form.dataset.encryptedAction, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ encrypted, altcha }),
          cache: "no-store",
          credentials: "same-origin",
        });
      } catch {
        showErrors("We could not reach the server. Check your connection and press “Send report” again.");
        return;
      }
      const answer = await response.json().catch(() => ({}));
      if (
        response.ok &&
        typeof answer.receiptUrl === "string" &&
        answer.receiptUrl.startsWith("/report/receipt/")
      ) {
        // Like the plain form's redirect: the receipt is its own page, shown once, and a reload sends nothing.
        window.location.assign(answer.receiptUrl);
        return;
      }
      renewPow(answer.pow);
      showErrors(
        answer.error?.message ?? `The report could not be sent (error ${response.status}). Please try again.`,
        answer.error?.fields,
      );
    } finally {
      busy = false;
      if (button?.isConnected) {
        button.disabled = false;
        button.textContent = label;
      }
    }
  });
}
