/**
 * How a mail arrived, as mail intake records it for a report or a message. Declared here so the report page needs
 * nothing from mail intake: mail intake's details fit this shape.
 */
export interface MailArrival {
  encryption: "none" | "pgp-mime" | "inline";
  signature:
    | { status: "unsigned" }
    | { status: "verified"; fingerprint: string; keySource: "reporter" | "attached" }
    | { status: "unknown_key"; keyIds: string[] }
    | { status: "bad"; fingerprint: string };
  keyAdded?: string;
  otherSender?: boolean;
}

/** Spaced fingerprint, as people compare them. */
function spaced(fpr: string): string {
  return fpr.replace(/(.{4})/g, "$1 ").trim();
}

/** One line about how a mail arrived: encryption and signature, in words a reader can act on. */
export function mailFacts(details: MailArrival): { text: string; tone: "ok" | "warn" | "bad" }[] {
  const facts: { text: string; tone: "ok" | "warn" | "bad" }[] = [];
  facts.push(
    details.encryption === "pgp-mime"
      ? { text: "Encrypted (PGP/MIME)", tone: "ok" }
      : details.encryption === "inline"
        ? { text: "Encrypted (inline PGP)", tone: "ok" }
        : { text: "Not encrypted", tone: "warn" },
  );
  const s = details.signature;
  if (s.status === "verified") {
    facts.push({
      text: `Signature verified: ${spaced(s.fingerprint)} (${s.keySource === "reporter" ? "the reporter's key on file" : "a key sent with this mail, first seen here"})`,
      tone: s.keySource === "reporter" ? "ok" : "warn",
    });
  } else if (s.status === "bad") {
    facts.push({
      text: `Signature does NOT verify${s.fingerprint ? ` for ${spaced(s.fingerprint)}` : ""}`,
      tone: "bad",
    });
  } else if (s.status === "unknown_key") {
    facts.push({ text: `Signed by a key we do not have (key ID ${s.keyIds.join(", ")})`, tone: "warn" });
  } else {
    facts.push({ text: "Not signed", tone: "warn" });
  }
  if (details.keyAdded)
    facts.push({ text: `Reporter's key ${spaced(details.keyAdded)} kept for replies`, tone: "ok" });
  if (details.otherSender) facts.push({ text: "Sent from another address than the report's", tone: "warn" });
  return facts;
}

const TONE_CLASS = { ok: "sla-met", warn: "sla-due_soon", bad: "sla-overdue" } as const;

/** The badges of mailFacts, for the report page and the admin list. */
export function MailFacts(props: { details: MailArrival; from?: string | null }) {
  return (
    <p class="mail-facts small">
      {props.from && <span>By email from {props.from} · </span>}
      {mailFacts(props.details).map((f) => (
        <span class={`badge ${TONE_CLASS[f.tone]}`}>{f.text}</span>
      ))}
    </p>
  );
}
