import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { badRequest, conflict, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { can } from "../../domain/permissions.ts";
import { createApiTokenSchema } from "./api-tokens.schema.ts";
import {
  type ApiTokenRow,
  findApiToken,
  findUserByEmail,
  findUserById,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  type UserRow,
} from "./team.repo.ts";

export type { ApiTokenRow };

/** `actor` null is the CLI (an operator on the server), which may act for any member. */
type Actor = CurrentUser | null;

/** API bearer tokens: created with an expiry, listed without their secret, revoked by their owner or an admin. */
export function createApiTokensService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function issue(actor: Actor, user: UserRow | null, input: unknown) {
    const parsed = createApiTokenSchema.safeParse(input);
    if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
    if (!user) throw notFound("Team member");
    if (!user.active) throw conflict("member_disabled", "This team member is disabled.");
    const { label, expiresDays } = parsed.data;
    const token = `emb_${randomToken(32)}`;
    const now = clock();
    const expiresAt = new Date(now.getTime() + expiresDays * 86_400_000);
    const id = await transaction(db, async (tx) => {
      const row = await insertApiToken(tx, {
        userId: user.id,
        tokenHash: sha256Hex(token),
        label,
        createdAt: now,
        expiresAt,
      });
      await appendAuditEvent(
        tx,
        {
          actorType: actor ? "user" : "system",
          actorId: actor?.id ?? null,
          action: "team.api_token_created",
          reportId: null,
          data: { userId: user.id, tokenId: row.id, label, expiresAt: expiresAt.toISOString() },
        },
        now,
      );
      return row.id;
    });
    return { id, token, user, label, expiresAt };
  }

  return {
    /** The CLI issues a token for any member by email; the secret is returned once and only its hash kept. */
    createForEmail: async (email: string, input: unknown) =>
      issue(null, await findUserByEmail(db, email), input),

    /** A signed-in member issues a token for themself. */
    createOwn: async (actor: CurrentUser, input: unknown) =>
      issue(actor, await findUserById(db, actor.id), input),

    /** Tokens, newest first: one member's, or everyone's. */
    list: (userId?: string): Promise<ApiTokenRow[]> => listApiTokens(db, userId),

    /** Ends a token at once. Members revoke their own; admins (and the CLI) anyone's. */
    async revoke(actor: Actor, id: string): Promise<ApiTokenRow> {
      const token = await findApiToken(db, id);
      if (!token) throw notFound("API token");
      if (actor && actor.id !== token.userId && !can(actor.role, "team.manage")) {
        throw forbidden("Only admins can revoke another member's API token.");
      }
      const now = clock();
      return transaction(db, async (tx) => {
        if (!(await revokeApiToken(tx, id, now))) {
          throw conflict("token_revoked", "This API token was already revoked.");
        }
        await appendAuditEvent(
          tx,
          {
            actorType: actor ? "user" : "system",
            actorId: actor?.id ?? null,
            action: "team.api_token_revoked",
            reportId: null,
            data: { userId: token.userId, tokenId: id, reason: "revoked" },
          },
          now,
        );
        return { ...token, revokedAt: now };
      });
    },
  };
}

export type ApiTokensService = ReturnType<typeof createApiTokensService>;
