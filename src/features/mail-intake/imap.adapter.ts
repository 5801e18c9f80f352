import type { Logger } from "pino";
import { loadImapFlow } from "../../mail/mail-libraries.loader.ts";
import type { MailIntakeService, MailPollStatus } from "./mail-intake.service.ts";

/** The keyword set on every message the intake has imported (or found already imported). */
export const IMPORTED_KEYWORD = "$EmbargoImported";
/** The keyword on a message that could not be imported: it stays in place, marked, until an admin retries it. */
export const FAILED_KEYWORD = "$EmbargoFailed";

/**
 * How messages are marked. Servers that refuse custom keywords get system flags instead: \Seen for imported and
 * \Flagged for failed, so a person reading that mailbox with a mail client must not mark mail as read.
 */
function marksFor(keywords: boolean) {
  return keywords
    ? {
        imported: [IMPORTED_KEYWORD, "\\Seen"],
        failed: [FAILED_KEYWORD],
        pending: { unKeyword: IMPORTED_KEYWORD, not: { keyword: FAILED_KEYWORD } },
      }
    : { imported: ["\\Seen"], failed: ["\\Flagged"], pending: { seen: false, flagged: false } };
}
/** Messages fetched per poll; the rest wait for the next one, so one huge backlog cannot block a poll for long. */
const BATCH = 50;

/** Whether a host is this machine, where plain IMAP is acceptable. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** IMAP_URL taken apart: `imap://user:pass@host:port/INBOX` or `imaps://…`. */
export function imapSettings(url: string) {
  const u = new URL(url);
  const secure = u.protocol === "imaps:";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, "")) || "INBOX",
  };
}

/**
 * One poll of the intake mailbox: every message without our keyword is imported, and those imported (or seen
 * before) get the keyword and \Seen. A message that fails keeps no keyword, so it stays where it is for people to
 * see; the intake records the failure and skips it until an admin retries it.
 */
export async function pollMailbox(
  service: MailIntakeService,
  imapUrl: string,
  logger?: Logger,
): Promise<MailPollStatus> {
  const settings = imapSettings(imapUrl);
  const status: MailPollStatus = {
    at: new Date().toISOString(),
    ok: true,
    seen: 0,
    imported: 0,
    failed: 0,
    skipped: 0,
  };
  const ImapFlow = await loadImapFlow();
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.auth,
    logger: false,
    // imap:// to a loopback server stays plain; to any other host STARTTLS is required, so the password and the
    // mail never cross a network in the clear. imaps:// verifies certificates as usual.
    ...(settings.secure ? {} : { doSTARTTLS: !isLoopback(settings.host) }),
  });
  // A dropped connection is reported through the poll's own error; without a listener it would crash the process.
  client.on("error", (error: Error) => logger?.warn({ err: error }, "IMAP connection error"));
  try {
    await client.connect();
    const lock = await client.getMailboxLock(settings.mailbox);
    try {
      const flags = client.mailbox ? client.mailbox.permanentFlags : undefined;
      const keywords =
        !flags || flags.has("\\*") || (flags.has(IMPORTED_KEYWORD) && flags.has(FAILED_KEYWORD));
      const marks = marksFor(keywords);
      if (!keywords)
        status.warning = "The IMAP server does not allow keywords: imported mail is marked \\Seen.";
      // Mail an admin asked to retry loses its failure mark, so this poll picks it up again.
      const retries = await service.retriesIn(settings.mailbox);
      if (retries.length > 0) await client.messageFlagsRemove(retries.join(","), marks.failed, { uid: true });
      const found = await client.search(marks.pending, { uid: true });
      const uids = (Array.isArray(found) ? found : []).slice(0, BATCH);
      for (const uid of uids) {
        status.seen += 1;
        const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        // fetchOne answers false for a message deleted since the search.
        const source = message ? message.source : undefined;
        if (!source) continue;
        const result = await service.importMessage(source, { mailbox: settings.mailbox, uid });
        // A held reply is kept in the database for the team: like an imported one, it is not fetched again.
        if (
          result.outcome === "created" ||
          result.outcome === "appended" ||
          result.outcome === "held" ||
          result.outcome === "duplicate"
        ) {
          if (result.outcome !== "duplicate") status.imported += 1;
          await client.messageFlagsAdd(String(uid), marks.imported, { uid: true });
        } else {
          if (result.outcome === "failed") {
            status.failed += 1;
            logger?.warn({ uid, code: result.code, error: result.error }, "mail could not be imported");
          } else {
            status.skipped += 1; // failed before (its mark was lost); waits for an admin's retry
          }
          // Marked, it stays where it is without being fetched again at every poll.
          await client.messageFlagsAdd(String(uid), marks.failed, { uid: true });
        }
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } catch (error) {
    status.ok = false;
    status.error = error instanceof Error ? error.message.slice(0, 500) : "unknown error";
    client.close();
  }
  await service.recordPoll(status);
  return status;
}
