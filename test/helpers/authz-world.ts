import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { inboundEmails, outbox, releaseReports, releases } from "../../src/db/schema.ts";
import { wkdHash } from "../../src/domain/pgp-keys.ts";
import { makeTeam, reportFields } from "./actors.ts";
import type { LiveServer } from "./browser.ts";
import { csrfOf, type Session, sessionCookie } from "./http.ts";
import { raiseIntakeLimits } from "./intake-limits.ts";
import { mailWith, mimeEntity } from "./mail.ts";
import { MEMBER_KEY_FINGERPRINT, MEMBER_PUBLIC_KEY } from "./pgp.ts";

/**
 * The seeded world the authorization matrix runs against: two reports with their reporters' links, a held
 * reply, a pending key and failed mail on report A, a spare member, token, asset, template and alert channel,
 * and the team signed in over HTTP. Everything here is made once per engine.
 */

/** Who knocks: nobody, reporter B with its own link, the three roles, and an admin's revoked credentials. */
export const ACTORS = ["anonymous", "otherReporter", "viewer", "responder", "admin", "revoked"] as const;
export type ActorName = (typeof ACTORS)[number];

/** What an actor presents: a session cookie and its CSRF token for pages, a bearer token for the API. */
export interface Credentials {
  cookie: string | null;
  csrf: string | null;
  bearer: string | null;
  /** The tracking link token this actor holds, if any. */
  link: string | null;
}

/** Report A's reporter writes from this address, the uid of the fixture key, so a key sent by mail is valid. */
const REPORTER_A = "member@example.org";
/** Report A's title: a secret no denied answer, and nothing reporter B sees, may contain. */
export const SECRET_TITLE_A = "Labradorite vault bypass in the invoice export";

export interface World {
  url: string;
  a: {
    id: string;
    ref: string;
    token: string;
    attachmentId: string;
    /** Held replies and pending keys, two per decision: the responder's [0] and the admin's [1]. */
    mail: Record<"held" | "key", Record<"accept" | "dismiss", [string, string]>>;
  };
  b: { id: string; ref: string; token: string; attachmentId: string };
  /** Failed mail for the admin's retry and dismiss. */
  failedMail: { retryId: string; dismissId: string };
  /** Mail held in the outbox: the target of the admin's Send and Discard (the server has no SMTP, so Send is refused). */
  heldMailIds: { send: string; discard: string };
  /** A responder nobody signs in as: the target of the admin's member pages. */
  spareMemberId: string;
  /** An API token of the admin's that only the revoke route touches. */
  spareAdminToken: { id: string; secret: string };
  assetId: string;
  /** A registered repository (its upstream need not exist: no fetch job runs in the matrix). */
  repositoryId: string;
  /** A notification list with one member (member@example.org, the fixture key). */
  notificationList: { id: string; memberId: string };
  /** A planned release of report B, written directly (report B's lifecycle stays as it is). */
  releaseId: string;
  /** A package verification of report A, queued (no job runs in the matrix). */
  verificationId: string;
  templateId: string;
  alertChannelId: string;
  /** A first-admin setup link issued before any admin existed; it must stop working once one does. */
  staleSetupToken: string;
  /** An open invite: the target of the admin's re-send and revoke. */
  pendingInviteId: string;
  /** The link of an invite that was revoked: it must open nothing for anyone. */
  staleInviteToken: string;
  memberKeyFile: string;
  wkdHash: string;
  credentials: Record<ActorName, Credentials>;
  /** Report A's own reporter: the one actor for whom report A's link is valid. */
  holder: Credentials;
}

async function signIn(url: string, email: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    headers: { origin: url },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  const cookie = sessionCookie(res);
  if (res.status !== 303 || !cookie) throw new Error(`Sign-in as ${email} failed with ${res.status}.`);
  const inbox = await fetch(`${url}/inbox`, { headers: { cookie }, redirect: "manual" });
  return { cookie, csrf: csrfOf(await inbox.text()) };
}

export async function seedWorld(live: LiveServer): Promise<World> {
  const { t, url } = live;
  const s = t.services;
  const staleSetup = await s.auth.createSetupLinkIfNeeded();
  if (!staleSetup) throw new Error("A fresh database should issue a setup link.");
  const team = await makeTeam(t);
  await raiseIntakeLimits(t);
  const org = await s.settings.org();
  await s.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });

  const a = await s.reports.submit(
    reportFields({ title: SECRET_TITLE_A, email: REPORTER_A }),
    [{ filename: "a-poc.txt", data: Buffer.from("report A's proof of concept") }],
    "web",
  );
  const b = await s.reports.submit(
    reportFields({ title: "Open redirect on the sign-out page", email: "other@example.net" }),
    [{ filename: "b-poc.txt", data: Buffer.from("report B's proof of concept") }],
    "web",
  );
  const refA = a.report.reference;
  const viewA = await s.reports.teamView(refA);
  const viewB = await s.reports.teamView(b.report.reference);

  // Mail on report A: a reply to our acknowledgement carrying a key (it waits), an unsigned reply naming the
  // report (held), and two mails from strangers (failed: the sender is not the reporter).
  const importRaw = (raw: string) => s.mailIntake.importMessage(Buffer.from(raw, "utf8"));
  const [ack] = await t.database.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.reportId, a.report.id), eq(outbox.toAddress, REPORTER_A)));
  if (!ack) throw new Error("Report A has no acknowledgement mail to reply to.");
  const mailIds = async (kind: "held" | "key", verb: "accept" | "dismiss"): Promise<[string, string]> => {
    const ids: string[] = [];
    for (const n of [0, 1]) {
      const messageId = `authz-${kind}-${verb}-${n}@example.org`;
      const outcome = await importRaw(
        kind === "key"
          ? mailWith(
              {
                from: REPORTER_A,
                subject: "Re: your report",
                messageId,
                inReplyTo: `${ack.id}@${new URL(url).hostname}`,
              },
              mimeEntity(`Here is my key (${verb} ${n}).`, [
                {
                  filename: "k.asc",
                  contentType: "application/pgp-keys",
                  data: Buffer.from(MEMBER_PUBLIC_KEY),
                },
              ]),
            )
          : mailWith(
              { from: REPORTER_A, subject: `Re: ${refA}`, messageId },
              mimeEntity(`Sent from my phone, unsigned (${verb} ${n}).`),
            ),
      );
      const [row] = await t.database.db
        .select({ id: inboundEmails.id })
        .from(inboundEmails)
        .where(eq(inboundEmails.messageId, messageId));
      const wanted = kind === "key" ? "appended" : "held";
      if (!row || outcome.outcome !== wanted)
        throw new Error(`Mail ${messageId} should be ${wanted}: ${JSON.stringify(outcome)}.`);
      ids.push(row.id);
    }
    return [ids[0]!, ids[1]!];
  };
  const mail = {
    held: { accept: await mailIds("held", "accept"), dismiss: await mailIds("held", "dismiss") },
    key: { accept: await mailIds("key", "accept"), dismiss: await mailIds("key", "dismiss") },
  };
  for (const n of [1, 2]) {
    await importRaw(
      mailWith(
        { from: "mallory@evil.test", subject: `Re: ${refA}`, messageId: `authz-stranger-${n}@evil.test` },
        mimeEntity("Close this, it is nothing."),
      ),
    );
  }
  const failures = await s.mailIntake.failures();
  if (failures.length < 2) throw new Error(`Expected two failed mails, got ${JSON.stringify(failures)}.`);

  const spare = await s.team.createMember(team.admin.id, {
    email: "sam@example.org",
    name: "Sam",
    role: "responder",
    password: "sam-password-long",
  });
  const spareToken = await s.team.createApiToken(team.admin.email, "spare");
  const pendingInvite = await s.invites.invite(team.admin.id, {
    email: "ivy@example.org",
    name: "Ivy",
    role: "viewer",
  });
  const staleInvite = await s.invites.invite(team.admin.id, {
    email: "ulla@example.org",
    name: "Ulla",
    role: "admin",
  });
  await s.invites.revoke(team.admin.id, staleInvite.invite.id);
  const asset = await s.assets.create(team.admin.id, {
    name: "Billing portal",
    identifier: "billing.example.org",
    kind: "web",
    inScope: "true",
  });
  const repository = await s.repositories.register(team.admin.id, {
    name: "acme/billing",
    upstreamUrl: "/srv/git/billing.git",
  });
  const list = await s.notifications.create(team.admin.id, {
    name: "Distributions",
    mode: "full",
    members: [{ name: "Test Member", email: "member@example.org", pgpKey: MEMBER_PUBLIC_KEY }],
  });
  const verification = await s.verifications.start(team.admin, {
    repository: "acme/billing",
    tag: "v1.0",
    reports: [a.report.reference],
  });
  const [release] = await t.database.db
    .insert(releases)
    .values({
      version: "0.0.1-authz",
      track: "security",
      publishAt: new Date(t.clock().getTime() + 30 * 86_400_000),
      createdBy: team.admin.id,
      updatedAt: t.clock(),
    })
    .returning({ id: releases.id });
  await t.database.db.insert(releaseReports).values({ releaseId: release!.id, reportId: b.report.id });
  const template = await s.templates.create(team.admin.id, {
    name: "Thanks",
    purpose: "general",
    body: "Thank you for the report.",
  });
  const { channel } = await s.alerts.createChannel(team.admin.id, {
    kind: "email",
    name: "Team mail",
    events: ["report_received"],
    active: "true",
  });

  // Two held mails for the outbox's Send and Discard.
  const heldMail = (subject: string) =>
    t.database.db
      .insert(outbox)
      .values({
        reportId: null,
        toAddress: "held@example.net",
        subject,
        body: subject,
        status: "held",
        delivery: {},
      })
      .returning({ id: outbox.id });
  const [[heldSend], [heldDiscard]] = await Promise.all([
    heldMail("Held to send"),
    heldMail("Held to discard"),
  ]);

  // The revoked actor: an admin's API token after revocation, and an admin's session after sign-out.
  const revokedToken = await s.team.createApiToken(team.admin.email, "revoked");
  await s.team.tokens.revoke(null, revokedToken.id);
  const signedOut = await signIn(url, team.admin.email, team.admin.password);
  const logout = await fetch(`${url}/logout`, {
    method: "POST",
    headers: { origin: url, cookie: signedOut.cookie },
    body: new URLSearchParams({ _csrf: signedOut.csrf }),
    redirect: "manual",
  });
  if (logout.status !== 303) throw new Error(`Sign-out failed with ${logout.status}.`);

  const [admin, responder, viewer] = await Promise.all(
    [team.admin, team.alice, team.viewer].map((m) => signIn(url, m.email, m.password)),
  );
  const member = (session: Session, bearer: string): Credentials => ({ ...session, bearer, link: null });
  return {
    url,
    a: {
      id: a.report.id,
      ref: refA,
      token: a.token,
      attachmentId: viewA.attachments[0]!.id,
      mail,
    },
    b: { id: b.report.id, ref: b.report.reference, token: b.token, attachmentId: viewB.attachments[0]!.id },
    failedMail: { retryId: failures[0]!.id, dismissId: failures[1]!.id },
    heldMailIds: { send: heldSend!.id, discard: heldDiscard!.id },
    spareMemberId: spare.id,
    spareAdminToken: { id: spareToken.id, secret: spareToken.token },
    assetId: asset.id,
    repositoryId: repository.id,
    notificationList: { id: list.id, memberId: list.members[0]!.id },
    releaseId: release!.id,
    verificationId: verification.id,
    templateId: template.id,
    alertChannelId: channel.id,
    staleSetupToken: staleSetup.token,
    pendingInviteId: pendingInvite.invite.id,
    staleInviteToken: staleInvite.link.split("/").pop()!,
    memberKeyFile: `${MEMBER_KEY_FINGERPRINT}.asc`,
    wkdHash: wkdHash("security"),
    credentials: {
      anonymous: { cookie: null, csrf: null, bearer: null, link: null },
      // Reporter B holds one secret, its link: it tries it as a session cookie and as a bearer token too.
      otherReporter: { cookie: `embargo_session=${b.token}`, csrf: b.token, bearer: b.token, link: b.token },
      viewer: member(viewer!, team.viewer.token),
      responder: member(responder!, team.alice.token),
      admin: member(admin!, team.admin.token),
      revoked: { ...signedOut, bearer: revokedToken.token, link: null },
    },
    holder: { cookie: null, csrf: null, bearer: null, link: a.token },
  };
}

/** A well-formed tracking token that was never issued: what an actor without a link can only guess. */
export const GUESSED_LINK = randomBytes(16).toString("base64url");

/**
 * A digest of every stored row, to show that refused requests changed nothing. Left out: counters of requests
 * (rate limits and failed sign-ins count refused requests by design), when an API token was last used (a
 * viewer's token is used when it is refused an action), and pg-boss's own schema, which the outbox mirrors.
 */
export async function stateDigest(live: LiveServer): Promise<Record<string, string>> {
  const db = live.t.database.db;
  const tables = (await db.execute(
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  )) as unknown as { rows: { name: string }[] };
  const digest: Record<string, string> = {};
  for (const { name } of tables.rows) {
    if (COUNTERS.has(name)) continue;
    const row = `(to_jsonb(t) - array[${(IGNORED_COLUMNS[name] ?? []).map((c) => `'${c}'`).join(",")}]::text[])::text`;
    const result = (await db.execute(
      sql.raw(
        `select count(*)::int as n, md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as h from "${name}" t`,
      ),
    )) as unknown as { rows: { n: number; h: string }[] };
    digest[name] = `${result.rows[0]!.n}:${result.rows[0]!.h}`;
  }
  return digest;
}

const COUNTERS = new Set(["rate_limits", "login_failures"]);
const IGNORED_COLUMNS: Record<string, string[]> = { api_tokens: ["last_used_at"] };
