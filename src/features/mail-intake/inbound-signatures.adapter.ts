import type * as openpgp from "openpgp";
import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";

/** How a signature on the message checked out. */
export type SignatureCheck =
  | { status: "unsigned" }
  | { status: "verified"; fingerprint: string; keySource: KeySource; signedAt: string | null }
  | { status: "unknown_key"; keyIds: string[] }
  | { status: "bad"; fingerprint: string; error: string };

/** Where the key that checked a signature came from: the reporter's key on file, or one sent with the mail. */
export type KeySource = "reporter" | "attached";

export interface CandidateKey {
  armored: string;
  source: KeySource;
}

/**
 * Checks signatures against the candidate keys. A signature by a key we do not have is reported as such, not as
 * bad: the reporter may simply not have sent their key yet.
 */
export async function checkSignatures(
  signatures: readonly {
    keyID: openpgp.KeyID;
    verified: Promise<true>;
    signature: Promise<openpgp.Signature>;
  }[],
  keys: readonly { key: openpgp.PublicKey; source: KeySource }[],
): Promise<SignatureCheck> {
  if (signatures.length === 0) return { status: "unsigned" };
  const unknown: string[] = [];
  for (const sig of signatures) {
    const holder = keys.find((k) => k.key.getKeys(sig.keyID).length > 0);
    if (!holder) {
      unknown.push(sig.keyID.toHex().toUpperCase());
      continue;
    }
    const fingerprint = holder.key.getFingerprint().toUpperCase();
    try {
      await sig.verified;
      const packet = (await sig.signature).packets[0];
      return {
        status: "verified",
        fingerprint,
        keySource: holder.source,
        signedAt: packet?.created ? packet.created.toISOString() : null,
      };
    } catch (error) {
      return {
        status: "bad",
        fingerprint,
        error: error instanceof Error ? error.message.slice(0, 300) : "the signature does not match",
      };
    }
  }
  return { status: "unknown_key", keyIds: unknown };
}

/** The candidate keys that can be read; an unreadable one is left out, not an error. */
export async function readPublicKeys(candidates: readonly CandidateKey[]) {
  const out: { key: openpgp.PublicKey; source: KeySource }[] = [];
  const pgp = await loadOpenpgp();
  for (const c of candidates) {
    try {
      for (const key of await pgp.readKeys({ armoredKeys: c.armored }))
        out.push({ key: key.toPublic(), source: c.source });
    } catch {
      // An unreadable attached key is simply not a candidate.
    }
  }
  return out;
}
