// The life of an invitation to the team: pending until the person sets a password, expired after a week,
// or ended by an admin. Pure: the time is a parameter.

/** How long an invite link works: long enough to cover a week away, short enough that a forgotten one dies. */
export const INVITE_DAYS = 7;

export type InviteState = "pending" | "expired" | "accepted" | "revoked";

/** What the state of an invite depends on. */
export interface InviteFacts {
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

/** When a link issued at `now` stops working. */
export function inviteExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITE_DAYS * 86_400_000);
}

/** Accepted and revoked are final; otherwise the link works until (not at) its expiry. */
export function inviteState(invite: InviteFacts, now: Date): InviteState {
  if (invite.acceptedAt) return "accepted";
  if (invite.revokedAt) return "revoked";
  return now.getTime() < invite.expiresAt.getTime() ? "pending" : "expired";
}

export type InviteAction = "accept" | "revoke" | "resend";

/**
 * Whether an action is allowed, and if not, why in words for the person trying. Only a pending invite can be
 * accepted; an expired one can still be re-sent (a fresh link) or revoked (taken off the list); an accepted or
 * revoked one is history and allows nothing.
 */
export function decideInvite(
  action: InviteAction,
  invite: InviteFacts,
  now: Date,
): { ok: true } | { ok: false; reason: string } {
  const state = inviteState(invite, now);
  if (state === "accepted")
    return { ok: false, reason: "This invite was already used: the member has an account and can sign in." };
  if (state === "revoked") return { ok: false, reason: "This invite was revoked." };
  if (action === "accept" && state === "expired")
    return { ok: false, reason: "This invite has expired. Ask an admin to send a new one." };
  return { ok: true };
}
