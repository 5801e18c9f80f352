// Secrets a stored mail body must not hold (private tracking links): the body keeps a placeholder, the secret is
// sealed beside it, and the delivery job puts it in only when the mail is sent.

/** What kind of link a placeholder stands for, so an admin reading the outbox knows what the mail carries. */
export const SEALED_KINDS = [
  "private tracking link",
  "private invite link",
  "personal acknowledgement link",
] as const;
export type SealedKind = (typeof SEALED_KINDS)[number];

/** The text stored, and shown to admins, where the n-th secret (from 0) goes in at delivery. */
export function sealedPlaceholder(index: number, kind: SealedKind = "private tracking link"): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError("A sealed secret's index must be a non-negative integer.");
  return `[${kind} ${index + 1}, sealed]`;
}

/**
 * The body with every placeholder replaced by its secret, for the delivery job alone. The text is split, never
 * matched as a pattern, so a secret containing `$&` or a placeholder of its own cannot change another part.
 * Throws when a secret has no placeholder: such mail would silently lose a link the reporter needs.
 */
export function fillSealed(body: string, secrets: readonly string[]): string {
  let parts = [body];
  secrets.forEach((secret, index) => {
    const placeholders = SEALED_KINDS.map((kind) => sealedPlaceholder(index, kind)).filter((placeholder) =>
      parts.some((p, i) => i % 2 === 0 && p.includes(placeholder)),
    );
    if (placeholders.length === 0) throw new Error(`The mail has no place for sealed secret ${index + 1}.`);
    // Replace inside the text that is still body, never inside a secret already put in.
    for (const placeholder of placeholders) {
      parts = parts.flatMap((p, i) => (i % 2 === 1 ? [p] : interleave(p.split(placeholder), secret)));
    }
  });
  return parts.join("");
}

/** [a, b, c] with `between` → [a, between, b, between, c]: body text at even positions, secrets at odd ones. */
function interleave(pieces: readonly string[], between: string): string[] {
  return pieces.flatMap((piece, i) => (i === 0 ? [piece] : [between, piece]));
}
