import { describe, expect, it } from "vitest";
import { decideInvite, INVITE_DAYS, inviteExpiry, inviteState } from "./team-invites.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const open = { expiresAt: inviteExpiry(NOW), acceptedAt: null, revokedAt: null };

describe("team invites", () => {
  it("expire exactly seven days after the link was issued", () => {
    expect(INVITE_DAYS).toBe(7);
    expect(inviteExpiry(NOW).toISOString()).toBe("2026-03-09T09:00:00.000Z");
  });

  it("are pending up to the last millisecond and expired from the expiry on", () => {
    const expiry = open.expiresAt.getTime() - NOW.getTime();
    expect(inviteState(open, NOW)).toBe("pending");
    expect(inviteState(open, at(expiry - 1))).toBe("pending");
    expect(inviteState(open, at(expiry))).toBe("expired");
    expect(inviteState(open, at(expiry + 86_400_000 * 365))).toBe("expired");
  });

  it("stay accepted or revoked whatever the time, accepted winning over a later revocation", () => {
    const accepted = { ...open, acceptedAt: at(1000) };
    const revoked = { ...open, revokedAt: at(1000) };
    for (const when of [NOW, at(10 * 86_400_000)]) {
      expect(inviteState(accepted, when)).toBe("accepted");
      expect(inviteState(revoked, when)).toBe("revoked");
      expect(inviteState({ ...accepted, revokedAt: at(2000) }, when)).toBe("accepted");
    }
  });

  it("allow every action on a pending invite", () => {
    for (const action of ["accept", "revoke", "resend"] as const) {
      expect(decideInvite(action, open, NOW)).toEqual({ ok: true });
    }
  });

  it("refuse accepting an expired invite but allow re-sending or revoking it", () => {
    const later = at(INVITE_DAYS * 86_400_000);
    expect(decideInvite("accept", open, later)).toEqual({
      ok: false,
      reason: "This invite has expired. Ask an admin to send a new one.",
    });
    expect(decideInvite("resend", open, later)).toEqual({ ok: true });
    expect(decideInvite("revoke", open, later)).toEqual({ ok: true });
  });

  it("refuse every action on an accepted or revoked invite, saying which", () => {
    for (const action of ["accept", "revoke", "resend"] as const) {
      const used = decideInvite(action, { ...open, acceptedAt: NOW }, NOW);
      expect(used.ok).toBe(false);
      expect(!used.ok && used.reason).toMatch(/already used/);
      const revoked = decideInvite(action, { ...open, revokedAt: NOW }, NOW);
      expect(!revoked.ok && revoked.reason).toBe("This invite was revoked.");
    }
  });
});
