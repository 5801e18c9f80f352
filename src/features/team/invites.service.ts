import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { ROLE_LABELS } from "../../domain/permissions.ts";
import { sealedPlaceholder } from "../../domain/sealed-secrets.ts";
import { decideInvite, type InviteState, inviteExpiry, inviteState } from "../../domain/team-invites.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  findInviteByTokenHash,
  findOpenInviteByEmail,
  type InviteRow,
  insertInvite,
  listOpenInvites,
  lockInvite,
  updateInvite,
} from "./invites.repo.ts";
import { findUserByEmail, findUserById, type UserRow } from "./team.repo.ts";
import { inviteMemberSchema } from "./team.schema.ts";
import type { TeamService } from "./team.service.ts";

export type { InviteRow };

/** The outbox as invites use it: the mail is stored with the link sealed and leaves only from the delivery job. */
export interface InviteMailPort {
  queue(
    tx: Tx,
    mail: { reportId: null; to: string; subject: string; body: string; secrets: readonly string[] },
  ): Promise<void>;
}

/** An open invite as the team page lists it. */
export interface InviteListItem extends InviteRow {
  state: InviteState;
  invitedByName: string | null;
}

/** A link just issued: shown once to the admin who asked for it, mailed sealed, never stored. */
export interface IssuedInvite {
  invite: InviteRow;
  link: string;
}

/** The message for a link that leads nowhere: mistyped, or replaced by a re-send. Nothing more is told. */
export const INVITE_LINK_INVALID =
  "This invite link does not work: it may have been replaced by a newer invite or mistyped. Ask an admin to send you a new one.";

const linkProblem = (message: string) => new AppError("invite_link_invalid", 404, message);

/**
 * Invitations to the team: an admin names the person and the role, the person sets their own password through a
 * one-time link valid for a week. Only the link's hash is stored; the mail carries it sealed.
 */
export function createInvitesService(deps: {
  db: Db;
  clock: Clock;
  publicUrl: string;
  settings: SettingsService;
  team: TeamService;
  outbox: InviteMailPort;
}) {
  const { db, clock, publicUrl } = deps;

  async function mailLink(tx: Tx, invite: InviteRow, token: string, inviter: UserRow | null) {
    const org = await deps.settings.org(tx);
    const by = inviter ? `${inviter.name} invited you` : "You are invited";
    const body = [
      `Hello ${invite.name},`,
      "",
      `${by} to join the ${org.name} security team on Embargo as ${ROLE_LABELS[invite.role].toLowerCase()}.`,
      "",
      `Choose your password here to create your account. The link works once, until ${invite.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC:`,
      sealedPlaceholder(0, "private invite link"),
      "",
      "Keep the link to yourself: whoever opens it first becomes this member.",
      "If you did not expect this invitation, ignore this mail; no account exists until the link is used.",
      "",
    ].join("\n");
    await deps.outbox.queue(tx, {
      reportId: null,
      to: invite.email,
      subject: `Invitation to the ${org.name} security team`,
      body,
      secrets: [`${publicUrl}/invite/${token}`],
    });
  }

  async function audit(tx: Tx, actorId: string | null, action: string, data: Record<string, unknown>) {
    await appendAuditEvent(
      tx,
      { actorType: actorId ? "user" : "system", actorId, action, reportId: null, data },
      clock(),
    );
  }

  /** The hash a link's token is looked up by; a token no link of ours could hold is refused at once. */
  function hashOf(token: string): string {
    if (!token || token.length > 100) throw linkProblem(INVITE_LINK_INVALID);
    return sha256Hex(token);
  }

  /** The invite if it may be used now; otherwise a 404 that says why (used, revoked, expired or unknown). */
  function usableNow(invite: InviteRow | null): InviteRow {
    if (!invite) throw linkProblem(INVITE_LINK_INVALID);
    const verdict = decideInvite("accept", invite, clock());
    if (!verdict.ok) throw linkProblem(verdict.reason);
    return invite;
  }

  return {
    /** Pending and expired invites (accepted and revoked ones live on in the audit log). */
    async listOpen(): Promise<InviteListItem[]> {
      const [rows, members] = await Promise.all([listOpenInvites(db), deps.team.list()]);
      const names = new Map(members.map((m) => [m.id, m.name]));
      const now = clock();
      return rows.map((row) => ({
        ...row,
        state: inviteState(row, now),
        invitedByName: row.invitedBy ? (names.get(row.invitedBy) ?? null) : null,
      }));
    },

    /**
     * Invites a person: stores the invite with the link's hash, mails the link sealed, and returns it once so
     * the admin can also hand it over. One open invite per address; an expired one is replaced.
     */
    async invite(actorId: string, input: unknown): Promise<IssuedInvite> {
      const parsed = inviteMemberSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const { email, name, role, expertise } = parsed.data;
      const token = randomToken(16);
      const invite = await transaction(db, async (tx) => {
        const now = clock();
        if (await findUserByEmail(tx, email)) {
          const message = "A team member with this email already exists.";
          throw new AppError("email_taken", 409, message, { email: message });
        }
        const open = await findOpenInviteByEmail(tx, email);
        if (open && inviteState(open, now) === "pending") {
          const message =
            "An invite to this address is already pending. Re-send it under Pending invites to issue a new link.";
          throw new AppError("invite_pending", 409, message, { email: message });
        }
        if (open) {
          await updateInvite(tx, open.id, { revokedAt: now });
          await audit(tx, actorId, "team.invite_revoked", { inviteId: open.id, email, reason: "replaced" });
        }
        const created = await insertInvite(tx, {
          email,
          name,
          role,
          expertise,
          tokenHash: sha256Hex(token),
          invitedBy: actorId,
          createdAt: now,
          sentAt: now,
          expiresAt: inviteExpiry(now),
        });
        await audit(tx, actorId, "team.invite_created", {
          inviteId: created.id,
          email,
          role,
          expiresAt: created.expiresAt.toISOString(),
        });
        await mailLink(tx, created, token, await findUserById(tx, actorId));
        return created;
      });
      return { invite, link: `${publicUrl}/invite/${token}` };
    },

    /** Issues a new link for an open invite, valid a week from now; the old link stops working at once. */
    async resend(actorId: string, id: string): Promise<IssuedInvite> {
      const token = randomToken(16);
      const invite = await transaction(db, async (tx) => {
        const found = /^[0-9a-f-]{36}$/i.test(id) ? await lockInvite(tx, { id }) : null;
        if (!found) throw notFound("Invite");
        const now = clock();
        const verdict = decideInvite("resend", found, now);
        if (!verdict.ok) throw new AppError("invite_closed", 409, verdict.reason);
        const updated = await updateInvite(tx, id, {
          tokenHash: sha256Hex(token),
          sentAt: now,
          expiresAt: inviteExpiry(now),
        });
        await audit(tx, actorId, "team.invite_resent", {
          inviteId: id,
          email: found.email,
          expiresAt: updated.expiresAt.toISOString(),
        });
        await mailLink(tx, updated, token, await findUserById(tx, actorId));
        return updated;
      });
      return { invite, link: `${publicUrl}/invite/${token}` };
    },

    /** Withdraws an open invite: its link stops working and nobody is told. */
    async revoke(actorId: string, id: string): Promise<InviteRow> {
      return transaction(db, async (tx) => {
        const found = /^[0-9a-f-]{36}$/i.test(id) ? await lockInvite(tx, { id }) : null;
        if (!found) throw notFound("Invite");
        const verdict = decideInvite("revoke", found, clock());
        if (!verdict.ok) throw new AppError("invite_closed", 409, verdict.reason);
        const updated = await updateInvite(tx, id, { revokedAt: clock() });
        await audit(tx, actorId, "team.invite_revoked", { inviteId: id, email: found.email });
        return updated;
      });
    },

    /** The invite behind a link, for the page where the person sets a password; a 404 says why it cannot be used. */
    check: async (token: string) => usableNow(await findInviteByTokenHash(db, hashOf(token))),

    /**
     * Creates the member from the invite with the password they chose, and uses the invite up, in one
     * transaction. The invite row is locked first, so the same link submitted twice at once makes one member.
     * The person may correct the name the admin typed; without one the invite's name stays.
     */
    async accept(token: string, password: string, name?: string): Promise<UserRow> {
      if (!password) {
        throw new AppError("invalid_input", 400, "Choose a password.", { password: "Choose a password." });
      }
      return transaction(db, async (tx) => {
        const invite = usableNow(await lockInvite(tx, { tokenHash: hashOf(token) }));
        const user = await deps.team.createMemberIn(tx, null, {
          email: invite.email,
          name: name ?? invite.name,
          role: invite.role,
          expertise: invite.expertise,
          password,
        });
        const now = clock();
        await updateInvite(tx, invite.id, { acceptedAt: now, userId: user.id });
        await audit(tx, user.id, "team.invite_accepted", {
          inviteId: invite.id,
          userId: user.id,
          ...(user.name !== invite.name ? { name: user.name } : {}),
        });
        return user;
      });
    },
  };
}

export type InvitesService = ReturnType<typeof createInvitesService>;
