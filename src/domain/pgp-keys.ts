import { createHash } from "node:crypto";

// OpenPGP rules that need no library and no clock: judging a parsed key, fingerprints, and the Web Key
// Directory's address hashing. The facts come from features/keys/pgp.ts, which reads keys with OpenPGP.js.

/** What a pasted key block turned out to be, as plain facts checked at one instant. */
export type KeyFacts =
  | { kind: "empty" }
  | { kind: "too_large"; maxChars: number }
  | { kind: "unreadable"; looksPrivate?: boolean }
  | { kind: "several"; count: number }
  | {
      kind: "key";
      isPrivate: boolean;
      fingerprint: string;
      userIds: readonly string[];
      createdAt: Date;
      /** null when the key never expires. */
      expiresAt: Date | null;
      revoked: boolean;
      /** The primary key's self-signature is valid at the instant checked (not revoked, not expired). */
      primaryValid: boolean;
      /** A (sub)key that may encrypt is valid at the instant checked. */
      canEncrypt: boolean;
      /** A (sub)key that may sign is valid at the instant checked. */
      canSign: boolean;
      /** For private keys: the secret material is protected by a passphrase. */
      passphraseProtected: boolean;
    };

export type KeyVerdict =
  | { ok: true; fingerprint: string; userIds: string[]; expiresAt: Date | null; warnings: string[] }
  | { ok: false; error: string };

/** Largest armored key we accept: real public keys with many signatures stay far below it. */
export const MAX_ARMORED_KEY_CHARS = 200_000;

const EXPORT_HINT = "gpg --armor --export you@example.org";

function date(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The problems every key shares, whether it is a member's, a reporter's or the intake key. */
function commonProblem(facts: KeyFacts, now: Date): string | null {
  switch (facts.kind) {
    case "empty":
      return `Paste your ASCII-armored OpenPGP public key (the output of ${EXPORT_HINT}).`;
    case "too_large":
      return `This key block is too large (more than ${facts.maxChars.toLocaleString("en")} characters). Export the key without third-party signatures (gpg --export-options export-minimal).`;
    case "unreadable":
      return "This is not a readable OpenPGP key. Paste the whole ASCII-armored block, from -----BEGIN PGP PUBLIC KEY BLOCK----- to the -----END line.";
    case "several":
      return `This block holds ${facts.count} keys; paste exactly one.`;
    case "key":
      break;
  }
  if (facts.revoked) return "This key is revoked. Upload a key that is in use.";
  if (facts.expiresAt && facts.expiresAt.getTime() <= now.getTime())
    return `This key expired on ${date(facts.expiresAt)}. Extend its expiry (gpg --quick-set-expire) or upload a current key.`;
  if (facts.createdAt.getTime() > now.getTime() + 5 * 60_000)
    return "This key's creation date is in the future; check the clock of the machine that made it.";
  if (!facts.primaryValid) return "This key has no valid self-signature, so it cannot be trusted.";
  return null;
}

/** Email addresses named by user IDs such as "Ada <ada@example.org>" or a bare address, lowercased. */
export function userIdEmails(userIds: readonly string[]): string[] {
  const found: string[] = [];
  for (const uid of userIds) {
    const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(uid);
    const bare = /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(uid);
    const email = (angle?.[1] ?? bare?.[1])?.toLowerCase();
    if (email && !found.includes(email)) found.push(email);
  }
  return found;
}

/**
 * A public key someone wants others to encrypt to: a team member's or a reporter's. A private key is refused
 * outright, since it must never be pasted into a web page; a different user-ID email only warns, because
 * people often keep one key for several addresses.
 */
export function judgePublicKey(facts: KeyFacts, expectedEmail: string | null, now: Date): KeyVerdict {
  if ((facts.kind === "key" && facts.isPrivate) || (facts.kind === "unreadable" && facts.looksPrivate)) {
    return {
      ok: false,
      error: `This is a PRIVATE key. Never upload or share it: anyone holding it can read your mail. Paste the public key instead (${EXPORT_HINT}). If this block left your machine, treat the key as compromised and revoke it.`,
    };
  }
  const problem = commonProblem(facts, now);
  if (problem || facts.kind !== "key") return { ok: false, error: problem ?? "Unreadable key." };
  if (!facts.canEncrypt) {
    return {
      ok: false,
      error:
        "This key has no encryption subkey that is valid now, so nothing can be encrypted to it. Add one (gpg --quick-add-key <fingerprint> cv25519 encr) and upload the key again.",
    };
  }
  const warnings: string[] = [];
  const emails = userIdEmails(facts.userIds);
  const expected = expectedEmail?.trim().toLowerCase();
  if (expected && !emails.includes(expected)) {
    warnings.push(
      emails.length > 0
        ? `None of this key's user IDs is ${expected} (it names ${emails.join(", ")}). The key was accepted; make sure it is the right one.`
        : `This key's user IDs name no email address, so it does not say it belongs to ${expected}. The key was accepted; make sure it is the right one.`,
    );
  }
  return {
    ok: true,
    fingerprint: facts.fingerprint,
    userIds: [...facts.userIds],
    expiresAt: facts.expiresAt,
    warnings,
  };
}

/**
 * A private key an admin imports as the intake key: it must decrypt what researchers send and sign what we
 * publish, so both capabilities must be valid now.
 */
export function judgeIntakeKey(facts: KeyFacts, now: Date): KeyVerdict {
  if (facts.kind === "key" && !facts.isPrivate) {
    return {
      ok: false,
      error:
        "This is a public key. Import the private key (gpg --armor --export-secret-keys <fingerprint>), since the intake key must decrypt reports.",
    };
  }
  if (facts.kind === "unreadable") {
    return {
      ok: false,
      error:
        "This is not a readable OpenPGP private key. Paste the whole block, from -----BEGIN PGP PRIVATE KEY BLOCK----- to the -----END line.",
    };
  }
  if (facts.kind === "empty") return { ok: false, error: "Paste the ASCII-armored private key to import." };
  const problem = commonProblem(facts, now);
  if (problem || facts.kind !== "key") return { ok: false, error: problem ?? "Unreadable key." };
  if (!facts.canEncrypt)
    return {
      ok: false,
      error: "This key has no encryption subkey valid now, so reports could not be sent to it.",
    };
  if (!facts.canSign)
    return {
      ok: false,
      error: "This key has no signing (sub)key valid now, so security.txt could not be signed.",
    };
  return {
    ok: true,
    fingerprint: facts.fingerprint,
    userIds: [...facts.userIds],
    expiresAt: facts.expiresAt,
    warnings: [],
  };
}

/**
 * A repository's release-signing key: the public key that signs release tags, checked by package verification.
 * It must be public (a private key is refused, as for members) and able to sign now; it need not encrypt.
 */
export function judgeSigningKey(facts: KeyFacts, now: Date): KeyVerdict {
  if ((facts.kind === "key" && facts.isPrivate) || (facts.kind === "unreadable" && facts.looksPrivate))
    return {
      ok: false,
      error:
        "This is a PRIVATE key. Paste the public key that verifies the release tags (gpg --armor --export <fingerprint>); if this block left the release machine, revoke the key.",
    };
  const problem = commonProblem(facts, now);
  if (problem || facts.kind !== "key") return { ok: false, error: problem ?? "Unreadable key." };
  if (!facts.canSign)
    return {
      ok: false,
      error: "This key has no signing (sub)key valid now, so it cannot have signed a release.",
    };
  return {
    ok: true,
    fingerprint: facts.fingerprint,
    userIds: [...facts.userIds],
    expiresAt: facts.expiresAt,
    warnings: [],
  };
}

/** A fingerprint as hex, v4 (40 digits) or v6 (64); spaces allowed; anything else is null. */
export function normalizeFingerprint(text: string): string | null {
  if (typeof text !== "string" || text.length > 200) return null;
  const hex = text.replace(/\s+/g, "").toUpperCase();
  return /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : null;
}

/** "ABCD 1234 …" in groups of four, the way people compare fingerprints aloud. */
export function formatFingerprint(fingerprint: string): string {
  return (fingerprint.toUpperCase().match(/.{1,4}/g) ?? []).join(" ");
}

/**
 * The address the intake key belongs to: the configured security mailbox, else the sender of our mail
 * (MAIL_FROM), else security@ the site's host. One address, so signatures name the address mail comes from.
 */
export function securityAddress(securityEmail: string, publicUrl: string, mailFrom?: string | null): string {
  const configured = securityEmail.trim().toLowerCase();
  if (configured) return configured;
  const from = mailFrom?.trim().toLowerCase();
  if (from) return from;
  return `security@${new URL(publicUrl).hostname.toLowerCase()}`;
}

const ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769";

/** z-base-32 (RFC 6189 §5.1.6 alphabet), most significant bit first, as the Web Key Directory uses it. */
export function zbase32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The WKD hash of a local part: z-base-32 of SHA-1 over the ASCII-lowercased local part (draft-koch-openpgp-webkey-service §3.1). */
export function wkdHash(localPart: string): string {
  const lowered = localPart.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  return zbase32(createHash("sha1").update(lowered, "utf8").digest());
}

/** The local part and domain of an address; null when it is not of the form local@domain. */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}
