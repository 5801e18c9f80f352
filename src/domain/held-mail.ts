// Mail held while no SMTP server was configured, sent later by an admin's decision: which of it can still leave
// as it was meant to, and when sending it all at once needs the admin to confirm that old mail goes too.

import { SEALED_KINDS } from "./sealed-secrets.ts";

/** Held mail older than this is sent in bulk only when the admin confirms it: a receipt a week late confuses. */
export const HELD_MAIL_MAX_AGE_DAYS = 7;
const DAY_MS = 86_400_000;

/** A held mail as the decision needs it. */
export interface HeldMailFacts {
  id: string;
  createdAt: Date;
  body: string;
  /** Whether its sealed secrets are still stored (and open under the data key). */
  secretsKept: boolean;
  /** Whether how to deliver it (recipient, plain text, message) was kept with it. */
  deliveryKept: boolean;
}

const PLACEHOLDER = new RegExp(
  `\\[(?:${SEALED_KINDS.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}) \\d+, sealed\\]`,
);

/** Whether a stored body has a place where a sealed secret goes in at delivery. */
export function hasSealedPlaceholder(body: string): boolean {
  return PLACEHOLDER.test(body);
}

/** Why a held mail cannot be sent as it was meant to, or null when it can. */
export function heldMailRefusal(
  mail: Pick<HeldMailFacts, "body" | "secretsKept" | "deliveryKept">,
): string | null {
  if (hasSealedPlaceholder(mail.body) && !mail.secretsKept)
    return "Not sent: its private link was sealed and is no longer stored, so the mail would carry a placeholder instead of the link. Discard it; the recipient can ask for a new link.";
  if (!mail.deliveryKept)
    return "Not sent: it was held before Embargo kept how to deliver it (recipient key, plain text), so it could leave unencrypted or without its message. Forward it by hand or discard it.";
  return null;
}

/** Whether a held mail is older than HELD_MAIL_MAX_AGE_DAYS at `now`. */
export function isOldHeldMail(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() > HELD_MAIL_MAX_AGE_DAYS * DAY_MS;
}

/** Whole days since a mail was written, for the page ("12 days old"); never negative. */
export function heldMailAgeDays(createdAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / DAY_MS));
}

/** What sending held mail does: which leave, which are refused and why, or that the admin must confirm first. */
export type HeldSendDecision =
  | { kind: "send"; ids: string[]; refused: { id: string; reason: string }[] }
  | { kind: "confirm_old"; old: number; total: number };

/**
 * Sending a set of held mails. In bulk (`bulk`), old mail goes only when `confirmedOld` names exactly how many
 * old mails the admin saw (a count that changed since means the admin did not see these); otherwise nothing is
 * sent and the admin is asked. `recentOnly` leaves old mail held. A mail chosen on its own is its own
 * confirmation. Mail that cannot leave as meant is refused, with its reason, and stays held.
 */
export function decideHeldSend(input: {
  mails: readonly HeldMailFacts[];
  now: Date;
  bulk: boolean;
  recentOnly?: boolean;
  confirmedOld?: number | null;
}): HeldSendDecision {
  const refused: { id: string; reason: string }[] = [];
  const sendable: HeldMailFacts[] = [];
  for (const mail of input.mails) {
    const reason = heldMailRefusal(mail);
    if (reason) refused.push({ id: mail.id, reason });
    else sendable.push(mail);
  }
  const old = sendable.filter((m) => isOldHeldMail(m.createdAt, input.now));
  if (input.bulk && input.recentOnly) {
    const recent = sendable.filter((m) => !isOldHeldMail(m.createdAt, input.now));
    return { kind: "send", ids: recent.map((m) => m.id), refused };
  }
  if (input.bulk && old.length > 0 && input.confirmedOld !== old.length)
    return { kind: "confirm_old", old: old.length, total: sendable.length };
  return { kind: "send", ids: sendable.map((m) => m.id), refused };
}
