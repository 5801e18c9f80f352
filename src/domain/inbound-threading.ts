// Threading rules for inbound mail: Message-ID lists, report references in subjects and plus-addresses, and
// how a message finds the report it belongs to. Pure: lookups are the caller's.

/** Upper bound on Message-ID lists, so a hostile References header costs little. */
export const MAX_MESSAGE_IDS = 100;

/** The <id> tokens of a Message-ID, In-Reply-To or References value, in order, at most MAX_MESSAGE_IDS. */
export function messageIdsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>\s]{1,250})>/g)) {
    ids.push(m[1]!);
    if (ids.length >= MAX_MESSAGE_IDS) break;
  }
  return ids;
}

/** A report reference (EMB-2026-0001) in a subject line, or null. */
export function referenceInSubject(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const m = /(?:^|[^A-Za-z0-9])(EMB-\d{4}-\d{4,9})(?![A-Za-z0-9])/i.exec(subject.slice(0, 1000));
  return m ? m[1]!.toUpperCase() : null;
}

/**
 * The reference carried by a plus-address of the security address (`security+EMB-2026-0001@example.org`).
 * Only the security address's own local part and domain count, so other addresses cannot steer threading.
 */
export function referenceInAddress(address: string, securityAddress: string): string | null {
  const at = address.lastIndexOf("@");
  const ourAt = securityAddress.lastIndexOf("@");
  if (at <= 0 || ourAt <= 0) return null;
  const domain = address.slice(at + 1).toLowerCase();
  if (domain !== securityAddress.slice(ourAt + 1).toLowerCase()) return null;
  const local = address.slice(0, at);
  const ourLocal = securityAddress.slice(0, ourAt).split("+")[0]!.toLowerCase();
  const plus = local.indexOf("+");
  if (plus < 0 || local.slice(0, plus).toLowerCase() !== ourLocal) return null;
  const tag = local.slice(plus + 1);
  return /^EMB-\d{4}-\d{4,9}$/i.test(tag) ? tag.toUpperCase() : null;
}

/** A Message-ID we gave an outgoing mail (`<outbox-uuid@our-host>`): the outbox row's id, or null. */
export function outboxIdOf(messageId: string, ourHost: string): string | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@(.+)$/i.exec(messageId);
  if (!m || m[2]!.toLowerCase() !== ourHost.toLowerCase()) return null;
  return m[1]!.toLowerCase();
}

/** How a message was matched to an existing report, strongest first. */
export type ThreadMatch =
  | { by: "message-id"; reportId: string }
  | { by: "plus-address" | "subject"; reference: string }
  | { by: "none" };

/**
 * Picks the report a message belongs to. A Message-ID we know (of our own mail, or of mail already imported) is
 * the strongest evidence; then the plus-address; then a reference in the subject. Lookups are the caller's.
 */
export function chooseThread(input: {
  /** In-Reply-To first, then References from newest to oldest. */
  referencedIds: readonly string[];
  reportIdForMessageId: (id: string) => string | null;
  recipients: readonly string[];
  securityAddress: string;
  subject: string | null;
}): ThreadMatch {
  for (const id of input.referencedIds) {
    const reportId = input.reportIdForMessageId(id);
    if (reportId) return { by: "message-id", reportId };
  }
  for (const address of input.recipients) {
    const reference = referenceInAddress(address, input.securityAddress);
    if (reference) return { by: "plus-address", reference };
  }
  const reference = referenceInSubject(input.subject);
  if (reference) return { by: "subject", reference };
  return { by: "none" };
}

/**
 * Whether a mail may join the report it matched. Answering one of our own Message-IDs shows the sender got our
 * mail; a plus-address or a reference in the subject anyone can type, so then only the report's own address may.
 */
export function mayJoinThread(
  match: ThreadMatch,
  sender: string | null | undefined,
  reporterEmail: string | null | undefined,
): boolean {
  if (match.by === "none") return false;
  if (match.by === "message-id") return true;
  return Boolean(sender && reporterEmail && sender.toLowerCase() === reporterEmail.toLowerCase());
}

/** In-Reply-To, then References newest first, without repeats: the order in which threading tries them. */
export function referencedIds(inReplyTo: string | null, references: string | null): string[] {
  // The newest References matter most, so a long list is cut at its old end, not its new one.
  const refs = [...(references ?? "").matchAll(/<([^<>\s]{1,250})>/g)]
    .map((m) => m[1]!)
    .slice(-MAX_MESSAGE_IDS);
  const ids = [...messageIdsIn(inReplyTo), ...refs.reverse()];
  return [...new Set(ids)].slice(0, MAX_MESSAGE_IDS);
}

/** Why a reply that named its report only by subject or plus-address waits for a team member. */
export type HoldReason = "unsigned" | "no_key_on_file" | "unknown_key" | "bad_signature" | "other_key";

/** The part of a mail's signature check the threading decision reads. */
export type SignatureVerdict =
  | { status: "verified"; fingerprint: string }
  | { status: "unsigned" }
  | { status: "unknown_key" }
  | { status: "bad" };

/** What becomes of a mail that matched a report: joins it, waits as an unverified reply, or is refused. */
export type ThreadDecision =
  | { decision: "new" }
  | { decision: "join" }
  | { decision: "hold"; reason: HoldReason }
  | { decision: "refuse" };

const normalFingerprint = (fpr: string) => fpr.replace(/\s+/g, "").toUpperCase();

/**
 * Decides whether a matched mail joins its report. A subject or plus-address anyone can type and a From anyone
 * can forge, so they join only with a valid signature by the key on file for that report's reporter; otherwise the
 * mail is held for a team member. Answering our own (unguessable) Message-ID, or a mail already imported, joins.
 */
export function decideThread(input: {
  match: ThreadMatch;
  sender: string | null | undefined;
  reporterEmail: string | null | undefined;
  signature: SignatureVerdict;
  /** The fingerprint of the key on file for the report's reporter, or null when there is none. */
  reporterKeyFingerprint: string | null;
}): ThreadDecision {
  const { match, signature } = input;
  if (match.by === "none") return { decision: "new" };
  if (!mayJoinThread(match, input.sender, input.reporterEmail)) return { decision: "refuse" };
  if (match.by === "message-id") return { decision: "join" };
  if (signature.status === "unsigned") return { decision: "hold", reason: "unsigned" };
  if (signature.status === "bad") return { decision: "hold", reason: "bad_signature" };
  if (!input.reporterKeyFingerprint) return { decision: "hold", reason: "no_key_on_file" };
  if (signature.status === "unknown_key") return { decision: "hold", reason: "unknown_key" };
  const onFile = normalFingerprint(input.reporterKeyFingerprint);
  if (!onFile || normalFingerprint(signature.fingerprint) !== onFile)
    return { decision: "hold", reason: "other_key" };
  return { decision: "join" };
}

/** What becomes of a key a mail carried: kept as the reporter's, held for a team member, or ignored. */
export type KeyDecision = "adopt" | "pending" | "none";

/**
 * Decides about a checked key that came with a mail. The first mail of a new report makes the reporter, so its
 * key has no one to hijack and is kept; on a reply a new key would redirect our encrypted mail, so a team member
 * confirms it first. A key equal to the one on file changes nothing.
 */
export function decideKey(input: {
  newReport: boolean;
  attachedFingerprint: string | null;
  onFileFingerprint: string | null;
}): KeyDecision {
  if (!input.attachedFingerprint || !normalFingerprint(input.attachedFingerprint)) return "none";
  if (input.newReport) return "adopt";
  if (
    input.onFileFingerprint &&
    normalFingerprint(input.onFileFingerprint) === normalFingerprint(input.attachedFingerprint)
  )
    return "none";
  return "pending";
}
