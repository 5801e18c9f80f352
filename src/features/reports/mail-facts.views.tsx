import { Csrf, formatDate } from "../../http/layout.tsx";

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

/**
 * Mail on a report that waits for a team member, as mail intake hands it over: replies held as unverified (with
 * why) and keys that came with replies. Declared here so the report page needs nothing from mail intake.
 */
export interface MailWaiting {
  held: readonly {
    id: string;
    fromAddress: string | null;
    subject: string | null;
    receivedAt: Date;
    reason: string;
    text: string;
  }[];
  keys: readonly { id: string; fingerprint: string; fromAddress: string | null; receivedAt: Date }[];
}

/** Held replies and pending keys, each with accept and dismiss forms for those who may act on the report. */
export function MailWaitingSection(props: {
  reference: string;
  waiting: MailWaiting;
  canAct: boolean;
  csrfToken: string | null;
}) {
  const { held, keys } = props.waiting;
  if (held.length === 0 && keys.length === 0) return null;
  const base = `/reports/${encodeURIComponent(props.reference)}/mail`;
  const forms = (id: string, path: string, accept: string) =>
    props.canAct && (
      <div class="row">
        <form method="post" action={`${base}/${id}/${path}accept`}>
          <Csrf token={props.csrfToken} />
          <button type="submit">{accept}</button>
        </form>
        <form method="post" action={`${base}/${id}/${path}dismiss`}>
          <Csrf token={props.csrfToken} />
          <button type="submit" class="secondary">
            Dismiss
          </button>
        </form>
      </div>
    );
  return (
    <section class="card" id="mail-waiting" aria-labelledby="mail-waiting-heading">
      <h2 id="mail-waiting-heading">Mail waiting for a decision</h2>
      {held.length > 0 && (
        <p class="hint">
          These replies name this report but are not proven to come from the reporter. They are not in the
          conversation. Accepting one adds it as the reporter's message; neither choice sends any mail.
        </p>
      )}
      <ol class="messages">
        {held.map((h) => (
          <li class="message unverified" id={`held-${h.id}`}>
            <header>
              <span>
                <strong class="message-label">Unverified reply</strong> · {h.fromAddress ?? "no sender"}
                {h.subject && <span class="small"> · {h.subject}</span>}
              </span>
              <time datetime={h.receivedAt.toISOString()}>{formatDate(h.receivedAt)}</time>
            </header>
            <p class="mail-facts small">
              <span class="badge sla-overdue">{h.reason}</span>
            </p>
            <div class="body">{h.text || "(attachments only)"}</div>
            {forms(h.id, "", "Accept as the reporter's message")}
          </li>
        ))}
        {keys.map((k) => (
          <li class="message unverified" id={`key-${k.id}`}>
            <header>
              <span>
                <strong class="message-label">New key for the reporter</strong> ·{" "}
                {k.fromAddress ?? "no sender"}
              </span>
              <time datetime={k.receivedAt.toISOString()}>{formatDate(k.receivedAt)}</time>
            </header>
            <p class="small">
              <span class="mono">{spaced(k.fingerprint)}</span> came with a reply. Mail to the reporter is not
              encrypted to it until you confirm it; compare the fingerprint with the reporter first.
            </p>
            {forms(k.id, "key/", "Confirm the key")}
          </li>
        ))}
      </ol>
    </section>
  );
}
