import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { hashPassword, passwordProblem } from "../../crypto/password.ts";
import { can } from "../../domain/permissions.ts";
import { createApiTokensService } from "./api-tokens.service.ts";
import {
  countActiveAdmins,
  deleteUserSessions,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  revokeUserApiTokens,
  type UserRow,
  updateUser,
} from "./team.repo.ts";
import { availabilitySchema, createMemberSchema, updateMemberSchema } from "./team.schema.ts";

/** One error per form field: a bad entry in the list of days is an error of the days field. */
function availabilityErrors(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    const name = key.replace(/^workingHours\.days\.\d+$/, "workingHours.days");
    if (!(name in out)) out[name] = message;
  }
  return out;
}

export type { UserRow };

export function createTeamService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const tokens = createApiTokensService({ db, clock });

  async function checkedPasswordHash(
    password: string | undefined,
    field = "password",
  ): Promise<string | null> {
    if (password === undefined || password === "") return null;
    const problem = passwordProblem(password);
    if (problem) throw badRequest("The password is too weak.", { [field]: problem });
    return hashPassword(password);
  }

  return {
    /** Reads take the caller's transaction when it has one: on PGlite the global handle would wait for it. */
    list: (tx: Db = db) => listUsers(tx),
    byId: (id: string, tx: Db = db) => findUserById(tx, id),
    byEmail: (email: string, tx: Db = db) => findUserByEmail(tx, email),
    countActiveAdmins: (tx: Db = db) => countActiveAdmins(tx),
    /** Assignment rotates by who was assigned longest ago; every assignment stamps the member. */
    recordAssignment: (tx: Tx, userId: string, now: Date) => updateUser(tx, userId, { lastAssignedAt: now }),

    /** Adds a team member; `actorId` null means the CLI or the first-admin setup. */
    createMember(actorId: string | null, input: unknown): Promise<UserRow> {
      return transaction(db, (tx) => this.createMemberIn(tx, actorId, input));
    },

    /** The same, inside a caller's transaction (the setup link uses itself up in the same one). */
    async createMemberIn(tx: Tx, actorId: string | null, input: unknown): Promise<UserRow> {
      const parsed = createMemberSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const { email, name, role, password, expertise } = parsed.data;
      const passwordHash = await checkedPasswordHash(password);
      if (await findUserByEmail(tx, email)) {
        throw new AppError("email_taken", 409, "A team member with this email already exists.", {
          email: "A team member with this email already exists.",
        });
      }
      const now = clock();
      const user = await insertUser(tx, { email, name, role, passwordHash, expertise, createdAt: now });
      await appendAuditEvent(
        tx,
        {
          actorType: actorId ? "user" : "system",
          actorId,
          action: "team.member_added",
          reportId: null,
          data: { userId: user.id, email, role },
        },
        now,
      );
      return user;
    },

    /** Changes role, activity, expertise or availability; never leaves the team without an active admin. */
    async updateMember(actorId: string, userId: string, input: unknown): Promise<UserRow> {
      const parsed = updateMemberSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const { password, ...rest } = parsed.data;
      const passwordHash = await checkedPasswordHash(password);
      return transaction(db, async (tx) => {
        const user = await findUserById(tx, userId);
        if (!user) throw notFound("Team member");
        const losesAdmin =
          user.role === "admin" &&
          user.active &&
          (rest.active === false || (rest.role && rest.role !== "admin"));
        if (losesAdmin && (await countActiveAdmins(tx)) <= 1) {
          throw conflict("last_admin", "This is the last active admin; make someone else an admin first.");
        }
        const values: Partial<UserRow> = { ...rest };
        if (passwordHash) values.passwordHash = passwordHash;
        const updated = await updateUser(tx, userId, values);
        // A new password or a deactivation ends every way in: sessions and API tokens alike.
        let tokensRevoked: string[] = [];
        if (rest.active === false || passwordHash) {
          await deleteUserSessions(tx, userId);
          tokensRevoked = await revokeUserApiTokens(tx, userId, clock());
        }
        const changed = Object.keys(values).filter((k) => k !== "passwordHash");
        if (passwordHash) changed.push("password");
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "team.member_updated",
            reportId: null,
            data: { userId, changed, role: updated.role, active: updated.active, tokensRevoked },
          },
          clock(),
        );
        return updated;
      });
    },

    /**
     * Sets when a member can be given reports: time zone, weekly hours and away periods. Admins set anyone's;
     * every member may set their own. The older `away_until` column is cleared here: the form showed it folded
     * into the away periods, so what was saved is the whole truth.
     */
    async updateAvailability(actor: CurrentUser, userId: string, input: unknown): Promise<UserRow> {
      if (actor.id !== userId && !can(actor.role, "team.manage")) {
        throw forbidden("Only admins can change another member's availability.");
      }
      const parsed = availabilitySchema.safeParse(input);
      if (!parsed.success) {
        throw badRequest(
          "Some availability fields are not valid.",
          availabilityErrors(zodFieldErrors(parsed.error)),
        );
      }
      const { timeZone, workingHours, awayPeriods } = parsed.data;
      return transaction(db, async (tx) => {
        const user = await findUserById(tx, userId);
        if (!user) throw notFound("Team member");
        const updated = await updateUser(tx, userId, {
          timeZone,
          workingHours,
          awayPeriods,
          awayUntil: null,
        });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "team.availability_updated",
            reportId: null,
            data: { userId, self: actor.id === userId, timeZone, workingHours, awayPeriods },
          },
          clock(),
        );
        return updated;
      });
    },

    /** API tokens: create with an expiry, list, revoke. */
    tokens,

    /** Issues an API bearer token by email (the CLI); only its hash is stored, so it is shown once. */
    async createApiToken(email: string, label = "cli", expiresDays?: number) {
      const { token, user, id, expiresAt } = await tokens.createForEmail(email, { label, expiresDays });
      return { token, user, id, expiresAt };
    },
  };
}

export type TeamService = ReturnType<typeof createTeamService>;
