import type * as openpgp from "openpgp";
import type { Address, Email } from "postal-mime";
import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import { decompressionLimit, exceededDecompressionLimit, megabytes } from "../../crypto/openpgp-limits.ts";
import { headerValue, parseHeaderBlock, pgpStructureOf, splitEntity } from "../../domain/inbound-mail.ts";
import { ARMOR, allArmored, findArmored, htmlToText, replaceSpan } from "../../domain/inbound-text.ts";
import { loadPostalMime } from "../../mail/mail-libraries.loader.ts";
import {
  type CandidateKey,
  checkSignatures,
  readPublicKeys,
  type SignatureCheck,
} from "./inbound-signatures.adapter.ts";

/** The largest message the intake reads; bigger ones stay in the mailbox with a failure for the admins. */
export const MAX_INBOUND_BYTES = 35 * 1024 * 1024;
/** Per message: more or bigger attachments than this are not imported (the form's limits are stricter). */
export const EMAIL_ATTACHMENT_LIMITS = { maxFiles: 20, maxTotalBytes: 30 * 1024 * 1024 };
/** Longest text kept as a report description or message. */
export const MAX_INBOUND_TEXT = 200_000;

/** What the encrypted part of a PGP/MIME mail may unpack to: no more than a whole mail the intake reads. */
const ENTITY_LIMIT = {
  bytes: MAX_INBOUND_BYTES,
  refusal: `The encrypted part of the mail unpacks to more than ${MAX_INBOUND_BYTES / 1024 / 1024} MB, the largest mail the intake reads.`,
};
/** An encrypted block in the text: a longer text is kept whole as message.txt, counted with the attachments. */
const INLINE_LIMIT = {
  bytes: EMAIL_ATTACHMENT_LIMITS.maxTotalBytes,
  refusal: `The encrypted text of the mail unpacks to more than ${EMAIL_ATTACHMENT_LIMITS.maxTotalBytes / 1024 / 1024} MB, the most the intake imports per mail.`,
};

/** A message that can never be imported as it is: it stays in the mailbox and admins see why. */
export class InboundMailError extends Error {
  constructor(
    readonly code:
      | "too_large"
      | "malformed"
      | "undecryptable"
      | "no_sender"
      | "empty"
      | "too_many_attachments"
      | "sender_mismatch"
      | "automatic"
      | "rate_limited",
    message: string,
  ) {
    super(message);
  }
}

export type { CandidateKey, KeySource, SignatureCheck } from "./inbound-signatures.adapter.ts";

export interface InboundFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A message opened: decrypted where it was encrypted to us, its signature checked, its parts decoded. */
export interface OpenedMail {
  messageId: string | null;
  from: { address: string; name: string | null } | null;
  /** To, Cc and Delivered-To addresses, for plus-address threading. */
  recipients: string[];
  subject: string | null;
  inReplyTo: string | null;
  references: string | null;
  date: Date | null;
  text: string;
  attachments: InboundFile[];
  /** Armored public keys the sender attached (application/pgp-keys or a key block in the text). */
  publicKeys: string[];
  encryption: "none" | "pgp-mime" | "inline";
  signature: SignatureCheck;
}

const toBuffer = (content: ArrayBuffer | Uint8Array | string) =>
  typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content as ArrayBuffer);

function mailboxesOf(addresses: readonly Address[] | undefined): string[] {
  const out: string[] = [];
  for (const a of addresses ?? []) {
    if (a.group) out.push(...a.group.map((m) => m.address));
    else if (a.address) out.push(a.address);
  }
  return out.filter(Boolean);
}

function firstMailbox(address: Address | undefined): { address: string; name: string | null } | null {
  if (!address) return null;
  const box = address.group ? address.group[0] : address;
  if (!box?.address || !/^[^\s@]+@[^\s@]+$/.test(box.address)) return null;
  return { address: box.address.toLowerCase(), name: box.name?.trim() || null };
}

/** Text of a parsed entity: the plain part, or the HTML part reduced to text when there is no plain one. */
function textOf(mail: Email): string {
  if (mail.text?.trim()) return mail.text;
  if (!mail.html) return "";
  return htmlToText(mail.html);
}

/**
 * Decrypts one OpenPGP message in a mail. `limit` bounds what it may unpack to: a compressed message past it is
 * refused as too large (the mail is recorded as failed once, never retried by itself) before it fills memory.
 */
async function decryptWith(
  armoredOrBinary: string | Uint8Array,
  decryptionKeys: readonly openpgp.PrivateKey[],
  verificationKeys: readonly openpgp.PublicKey[],
  limit: { bytes: number; refusal: string },
) {
  const pgp = await loadOpenpgp();
  let message: openpgp.Message<Uint8Array>;
  try {
    message =
      typeof armoredOrBinary === "string"
        ? ((await pgp.readMessage({ armoredMessage: armoredOrBinary })) as openpgp.Message<Uint8Array>)
        : await pgp.readMessage({ binaryMessage: armoredOrBinary });
  } catch {
    throw new InboundMailError(
      "malformed",
      "The OpenPGP message in this mail is damaged and cannot be read.",
    );
  }
  try {
    return await pgp.decrypt({
      message,
      decryptionKeys: [...decryptionKeys],
      ...(verificationKeys.length > 0 ? { verificationKeys: [...verificationKeys] } : {}),
      format: "binary",
      config: decompressionLimit(limit.bytes),
    });
  } catch (error) {
    if (exceededDecompressionLimit(error)) {
      throw new InboundMailError("too_large", `${limit.refusal} Nothing was imported.`);
    }
    const ids = message
      .getEncryptionKeyIDs()
      .map((id) => id.toHex().toUpperCase())
      .join(", ");
    throw new InboundMailError(
      "undecryptable",
      `The mail is encrypted, but not to any of our intake keys (it names key ID ${ids || "none"}).`,
    );
  }
}

/**
 * Opens one raw message: RFC 3156 encryption and signatures, inline PGP (encrypted or clear-signed text and
 * encrypted attachments), keys the sender attached. `keysFor` gives the keys we already trust for the sender.
 */
export async function openInboundMail(
  raw: Buffer,
  options: {
    decryptionKeys: readonly openpgp.PrivateKey[];
    keysFor: (address: string) => Promise<CandidateKey[]>;
  },
): Promise<OpenedMail> {
  if (raw.length > MAX_INBOUND_BYTES)
    throw new InboundMailError("too_large", `The mail is larger than ${MAX_INBOUND_BYTES / 1024 / 1024} MB.`);
  const rawText = raw.toString("latin1");
  if (!/\r?\n\r?\n/.test(rawText) || parseHeaderBlock(splitEntity(rawText).header).length === 0)
    throw new InboundMailError("malformed", "The mail has no header section; it is not an RFC 5322 message.");
  const [pgp, { default: PostalMime }] = await Promise.all([loadOpenpgp(), loadPostalMime()]);
  const outer = await PostalMime.parse(raw);
  const from = firstMailbox(outer.from);
  if (!from) throw new InboundMailError("no_sender", "The mail has no usable From address.");

  let entity = rawText;
  let encryption: OpenedMail["encryption"] = "none";
  const known = await readPublicKeys(await options.keysFor(from.address));
  let signature: SignatureCheck = { status: "unsigned" };
  let decryptSignatures: Awaited<ReturnType<typeof decryptWith>>["signatures"] = [];

  const structure = pgpStructureOf(rawText);
  if (structure.kind === "malformed") throw new InboundMailError("malformed", structure.problem);
  if (structure.kind === "encrypted") {
    const result = await decryptWith(
      structure.entity.armored,
      options.decryptionKeys,
      known.map((k) => k.key),
      ENTITY_LIMIT,
    );
    entity = Buffer.from(result.data).toString("latin1");
    encryption = "pgp-mime";
    decryptSignatures = result.signatures;
  }
  const inner = structure.kind === "encrypted" ? pgpStructureOf(entity) : structure;
  if (inner.kind === "malformed") throw new InboundMailError("malformed", inner.problem);

  const parsed =
    structure.kind === "encrypted" ? await PostalMime.parse(Buffer.from(entity, "latin1")) : outer;
  // Protected headers: an encrypted part may carry the real subject while the outer one says "...".
  const innerSubject =
    structure.kind === "encrypted"
      ? headerValue(parseHeaderBlock(splitEntity(entity).header), "subject")
      : null;

  let text = textOf(parsed);
  const publicKeys: string[] = [];
  const attachments: InboundFile[] = [];
  for (const a of parsed.attachments) {
    const type = a.mimeType.toLowerCase();
    const data = toBuffer(a.content);
    if (type === "application/pgp-signature" || type === "application/pgp-encrypted") continue;
    if (
      type === "application/pgp-keys" ||
      /-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(data.toString("latin1", 0, 200))
    ) {
      publicKeys.push(data.toString("utf8"));
      continue;
    }
    attachments.push({ filename: a.filename ?? "attachment", contentType: type, data });
  }
  for (const block of allArmored(text, ARMOR.publicKey)) publicKeys.push(block);
  const attached = await readPublicKeys(
    publicKeys.map((armored) => ({ armored, source: "attached" as const })),
  );
  const candidates = [...known, ...attached];

  if (inner.kind === "signed") {
    const detached = await readSignatureOrFail(inner.entity.signature);
    if (candidates.length === 0) {
      signature = {
        status: "unknown_key",
        keyIds: detached.getSigningKeyIDs().map((id) => id.toHex().toUpperCase()),
      };
    } else {
      const verification = await pgp.verify({
        message: await pgp.createMessage({ binary: Buffer.from(inner.entity.signed, "latin1") }),
        signature: detached,
        verificationKeys: candidates.map((c) => c.key),
        expectSigned: false,
      });
      signature = await checkSignatures(verification.signatures, candidates);
    }
  } else if (structure.kind === "encrypted" && decryptSignatures.length > 0) {
    // Signed and encrypted in one OpenPGP message (RFC 3156 §6.2). A key attached inside the encrypted part
    // was not known while decrypting, so then the message is opened again with it among the verification keys.
    const verifying =
      attached.length > 0
        ? (
            await decryptWith(
              structure.entity.armored,
              options.decryptionKeys,
              candidates.map((c) => c.key),
              ENTITY_LIMIT,
            )
          ).signatures
        : decryptSignatures;
    signature = await checkSignatures(verifying, candidates);
  }

  // Inline PGP in the text: an encrypted block is decrypted in place; a clear-signed block is checked.
  const inlineMessage = findArmored(text, ARMOR.message);
  if (inlineMessage) {
    const result = await decryptWith(
      text.slice(inlineMessage.start, inlineMessage.end),
      options.decryptionKeys,
      candidates.map((c) => c.key),
      INLINE_LIMIT,
    );
    text = replaceSpan(text, inlineMessage, Buffer.from(result.data).toString("utf8"));
    if (encryption === "none") encryption = "inline";
    if (signature.status === "unsigned") signature = await checkSignatures(result.signatures, candidates);
  }
  const clearsigned = findArmored(text, ARMOR.clearsigned);
  if (clearsigned) {
    try {
      const message = await pgp.readCleartextMessage({
        cleartextMessage: text.slice(clearsigned.start, clearsigned.end),
      });
      const result = await pgp.verify({
        message,
        verificationKeys: candidates.map((c) => c.key),
        expectSigned: false,
      });
      if (signature.status === "unsigned") signature = await checkSignatures(result.signatures, candidates);
      text = replaceSpan(text, clearsigned, message.getText());
    } catch {
      if (signature.status === "unsigned")
        signature = { status: "bad", fingerprint: "", error: "The clear-signed text could not be read." };
    }
  }

  // Attachments encrypted on their own (file.txt.pgp, .gpg, .asc) are decrypted when they are for us. What they
  // unpack to counts against the mail's attachment total, so twenty small files cannot unpack to 30 MB each.
  let attachmentBytes = attachments.reduce((n, f) => n + f.data.length, 0);
  for (const file of attachments) {
    const looksEncrypted =
      /\.(pgp|gpg|asc)$/i.test(file.filename) ||
      file.data.toString("latin1", 0, 40).includes("BEGIN PGP MESSAGE");
    if (!looksEncrypted) continue;
    const room = Math.max(0, EMAIL_ATTACHMENT_LIMITS.maxTotalBytes - (attachmentBytes - file.data.length));
    try {
      const armored = file.data.toString("latin1").includes("-----BEGIN PGP MESSAGE-----");
      const result = await decryptWith(
        armored ? file.data.toString("latin1") : new Uint8Array(file.data),
        options.decryptionKeys,
        candidates.map((c) => c.key),
        {
          bytes: room,
          refusal: `The encrypted attachment ${file.filename.slice(0, 100)} unpacks to more than the ${megabytes(EMAIL_ATTACHMENT_LIMITS.maxTotalBytes)} of attachments the intake imports per mail.`,
        },
      );
      attachmentBytes += result.data.length - file.data.length;
      file.data = Buffer.from(result.data);
      file.filename = file.filename.replace(/\.(pgp|gpg|asc)$/i, "") || "attachment";
      file.contentType = "application/octet-stream";
      if (encryption === "none") encryption = "inline";
    } catch (error) {
      if (error instanceof InboundMailError && error.code === "too_large") throw error;
      // Not for us, or not OpenPGP at all: the file is kept as it came.
    }
  }

  text = text.replace(/\r\n/g, "\n").trim();
  if (text.length > MAX_INBOUND_TEXT) {
    // Nothing is cut away: the whole text is kept as a file next to the shortened one.
    attachments.push({ filename: "message.txt", contentType: "text/plain", data: Buffer.from(text, "utf8") });
    text = `${text.slice(0, MAX_INBOUND_TEXT)}\n[… the whole text is attached as message.txt]`;
  }
  return {
    messageId: outer.messageId?.replace(/^<|>$/g, "") || null,
    from,
    recipients: [
      ...mailboxesOf(outer.to),
      ...mailboxesOf(outer.cc),
      ...(outer.deliveredTo ? [outer.deliveredTo] : []),
    ].map((a) => a.toLowerCase()),
    subject:
      innerSubject && innerSubject !== "..." ? (parsed.subject ?? innerSubject) : (outer.subject ?? null),
    inReplyTo: outer.inReplyTo ?? null,
    references: outer.references ?? null,
    date: outer.date && !Number.isNaN(Date.parse(outer.date)) ? new Date(outer.date) : null,
    text,
    attachments,
    publicKeys,
    encryption,
    signature,
  };
}

async function readSignatureOrFail(armored: string): Promise<openpgp.Signature> {
  const pgp = await loadOpenpgp();
  try {
    return await pgp.readSignature({ armoredSignature: armored });
  } catch {
    throw new InboundMailError("malformed", "The PGP/MIME signature part is damaged and cannot be read.");
  }
}
