// What this deployment can truthfully promise about mail and transport. Every page and the start-up output
// ask these rules, so no message says "we email you" on a server that sends none, or "over TLS" on http.

import { securityAddress } from "./pgp-keys.ts";

/** An outbox status that means the mail has not left this server (yet). */
export type UnsentStatus = "queued" | "sending" | "held";

/** Above this many waiting mails the count stops and says "more than": counting further only costs time. */
export const HELD_MAIL_COUNT_CAP = 1000;

/**
 * Which outbox rows the held-mail banner counts. Without SMTP every unsent mail waits for an admin. With SMTP,
 * queued mail is on its way; only mail held while SMTP was missing stays behind, and nothing sends it later.
 */
export function heldMailStatuses(smtpConfigured: boolean): readonly UnsentStatus[] {
  return smtpConfigured ? ["held"] : ["queued", "sending", "held"];
}

export interface HeldMailCount {
  smtpConfigured: boolean;
  /** The waiting mails counted, at most HELD_MAIL_COUNT_CAP. */
  count: number;
}

/** What the team's banner says, or null when mail flows and nothing was left behind. */
export interface HeldMailNotice {
  reason: "no_smtp" | "held_before_smtp";
  /** "no mail", "1 mail", "37 mails", "more than 1,000 mails". */
  waiting: string;
}

/** The banner stays up for as long as no mail can leave, even with an empty outbox: the next mail will wait too. */
export function heldMailNotice(held: HeldMailCount): HeldMailNotice | null {
  if (!Number.isInteger(held.count) || held.count < 0)
    throw new RangeError("count must be a whole number >= 0");
  if (held.smtpConfigured && held.count === 0) return null;
  return {
    reason: held.smtpConfigured ? "held_before_smtp" : "no_smtp",
    waiting: countMails(held.count),
  };
}

/** "no mail", "1 mail", "1,000 mails"; at the cap, "more than 1,000 mails" (the count stopped there). */
export function countMails(count: number): string {
  if (count <= 0) return "no mail";
  if (count >= HELD_MAIL_COUNT_CAP) return `more than ${HELD_MAIL_COUNT_CAP.toLocaleString("en-US")} mails`;
  return count === 1 ? "1 mail" : `${count.toLocaleString("en-US")} mails`;
}

/**
 * The receipt's sentence about mailing the tracking link. Without SMTP the mail would wait in the outbox with
 * the link sealed, so it never reaches the reporter: saying "we are also sending it" would be false.
 */
export function receiptMailNote(input: { gaveEmail: boolean; mailSent: boolean }): string {
  if (!input.gaveEmail) return "You gave no email address, so we cannot send it to you or recover it later.";
  if (input.mailSent) return "We are also sending it to the email address you gave.";
  return "This server does not send email at the moment, so the link will not reach you by email and cannot be recovered by email: this page is your only copy.";
}

/** The deployment's facts that decide which address researchers are told to write to. */
export interface MailDeployment {
  /** IMAP_URL without its password; null or absent when no mailbox is polled. */
  imapMailbox?: string | null | undefined;
  publicUrl: string;
  /** MAIL_FROM; null or absent means security@ the public host. */
  mailFrom?: string | null | undefined;
}

/**
 * The address researchers may write to: the configured security address, or, when the intake mailbox is read
 * (IMAP_URL), the address the intake key belongs to. Without either it is "": no page advertises an address
 * nobody reads, so every page that points reporters to us (the policy, a lost link) names the same one or none.
 */
export function reportingAddress(securityEmail: string, deployment: MailDeployment): string {
  const configured = securityEmail.trim();
  if (configured) return configured;
  const { imapMailbox, publicUrl, mailFrom } = deployment;
  return imapMailbox ? securityAddress("", publicUrl, mailFrom) : "";
}

/** Whether people reach this deployment over TLS, by the PUBLIC_URL they are given (a proxy may end TLS). */
export function servedOverHttps(publicUrl: string): boolean {
  try {
    return new URL(publicUrl).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * The warning for a PUBLIC_URL without TLS, or null over https. RFC 9116 (sections 2.5 and 3) requires
 * security.txt's web URIs to begin with https:// and the file itself to be served over https; ours would not.
 */
export function securityTxtTransportWarning(publicUrl: string): string | null {
  if (servedOverHttps(publicUrl)) return null;
  return `PUBLIC_URL is ${publicUrl}, which is not https: security.txt lists http:// addresses, which RFC 9116 forbids, and reports reach this server without TLS. Serve Embargo over HTTPS (for example behind a TLS proxy) and set PUBLIC_URL to its https:// address.`;
}
