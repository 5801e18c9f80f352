// Whether a team member's stored OpenPGP key lets them be a Response Manager now. Mail about a report is
// encrypted to its Response Manager, so without a usable key nobody may manage one. One rule, used by the
// assign action to refuse, by automatic assignment to pass over, and by the assign picker to explain, so the
// three cannot disagree.

/** What the rule reads of a stored member key (revoked keys are refused at upload, so none is stored). */
export interface StoredKeyFacts {
  fingerprint: string;
  /** ISO instant, or null when the key never expires. */
  expiresAt: string | null;
}

export type MemberKeyUsability =
  | { usable: true }
  | {
      usable: false;
      why: "no_key" | "expired";
      /** A few words for lists and the automatic choice's explanation: "no OpenPGP key". */
      short: string;
      /** A sentence that says what to do: shown when an assignment is refused. */
      sentence: string;
    };

/** Whether the member's key is usable at `now`, and if not, why in words. */
export function memberKeyUsability(key: StoredKeyFacts | null | undefined, now: Date): MemberKeyUsability {
  if (!key) {
    return {
      usable: false,
      why: "no_key",
      short: "no OpenPGP key",
      sentence: "No OpenPGP public key uploaded yet; upload one on the “My key” page.",
    };
  }
  const expires = key.expiresAt ? Date.parse(key.expiresAt) : Number.NaN;
  if (key.expiresAt && (Number.isNaN(expires) || expires <= now.getTime())) {
    const day = key.expiresAt.slice(0, 10);
    return {
      usable: false,
      why: "expired",
      short: `OpenPGP key expired on ${day}`,
      sentence: `The OpenPGP key ${key.fingerprint} expired on ${day}; upload a current one.`,
    };
  }
  return { usable: true };
}
