import { describe, expect, it } from "vitest";
import {
  countMails,
  HELD_MAIL_COUNT_CAP,
  heldMailNotice,
  heldMailStatuses,
  receiptMailNote,
  reportingAddress,
  securityTxtTransportWarning,
  servedOverHttps,
} from "./mail-delivery.ts";

describe("heldMailStatuses", () => {
  it("counts every unsent mail without SMTP, and only mail left held with SMTP", () => {
    expect(heldMailStatuses(false)).toEqual(["queued", "sending", "held"]);
    expect(heldMailStatuses(true)).toEqual(["held"]);
  });
});

describe("heldMailNotice", () => {
  it("stays up without SMTP even when the outbox is empty: the next mail will wait too", () => {
    expect(heldMailNotice({ smtpConfigured: false, count: 0 })).toEqual({
      reason: "no_smtp",
      waiting: "no mail",
    });
    expect(heldMailNotice({ smtpConfigured: false, count: 3 })).toEqual({
      reason: "no_smtp",
      waiting: "3 mails",
    });
  });

  it("with SMTP, shows only while mail held from before is still there", () => {
    expect(heldMailNotice({ smtpConfigured: true, count: 0 })).toBeNull();
    expect(heldMailNotice({ smtpConfigured: true, count: 1 })).toEqual({
      reason: "held_before_smtp",
      waiting: "1 mail",
    });
  });

  it("refuses a count that is negative or not whole, instead of printing nonsense", () => {
    for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => heldMailNotice({ smtpConfigured: false, count })).toThrow(/whole number/);
    }
  });
});

describe("countMails", () => {
  it("says one, many, none, and 'more than' at the cap where counting stopped", () => {
    expect(countMails(0)).toBe("no mail");
    expect(countMails(1)).toBe("1 mail");
    expect(countMails(2)).toBe("2 mails");
    expect(countMails(999)).toBe("999 mails");
    expect(countMails(HELD_MAIL_COUNT_CAP)).toBe("more than 1,000 mails");
    expect(countMails(HELD_MAIL_COUNT_CAP + 5)).toBe("more than 1,000 mails");
  });
});

describe("receiptMailNote", () => {
  it("promises to email the link only when an address was given and SMTP is configured", () => {
    expect(receiptMailNote({ gaveEmail: true, mailSent: true })).toBe(
      "We are also sending it to the email address you gave.",
    );
  });

  it("without SMTP, says the link will not arrive by email and this page is the only copy", () => {
    const note = receiptMailNote({ gaveEmail: true, mailSent: false });
    expect(note).toContain("does not send email");
    expect(note).toContain("only copy");
    expect(note).not.toMatch(/we are (also )?sending/i);
  });

  it("without an address, says the link cannot be sent or recovered, whatever the mail setup", () => {
    for (const mailSent of [true, false]) {
      const note = receiptMailNote({ gaveEmail: false, mailSent });
      expect(note).toBe("You gave no email address, so we cannot send it to you or recover it later.");
    }
  });
});

describe("servedOverHttps and securityTxtTransportWarning", () => {
  it("accepts only https as TLS", () => {
    expect(servedOverHttps("https://security.example.org")).toBe(true);
    expect(servedOverHttps("HTTPS://security.example.org/")).toBe(true);
    expect(servedOverHttps("http://security.example.org")).toBe(false);
    expect(servedOverHttps("http://localhost:8080")).toBe(false);
  });

  it("treats a value that is no URL as not https, never as safe", () => {
    for (const bad of ["", "security.example.org", "https//broken", "javascript:alert(1)"]) {
      expect(servedOverHttps(bad), bad).toBe(false);
    }
  });

  it("warns on http, naming the URL, RFC 9116 and the fix; says nothing on https", () => {
    expect(securityTxtTransportWarning("https://security.example.org")).toBeNull();
    const warning = securityTxtTransportWarning("http://localhost:8080");
    expect(warning).toContain("http://localhost:8080");
    expect(warning).toContain("RFC 9116");
    expect(warning).toContain("https://");
  });
});

describe("reportingAddress", () => {
  const site = { publicUrl: "https://security.example.org" };

  it("names the configured security address, trimmed, whatever mail the server reads", () => {
    expect(reportingAddress("  Security@Acme.example ", site)).toBe("Security@Acme.example");
    expect(
      reportingAddress("security@acme.example", { ...site, imapMailbox: "imaps://bot@mail.example/INBOX" }),
    ).toBe("security@acme.example");
  });

  it("without a configured address, names none unless the intake mailbox is read", () => {
    for (const imapMailbox of [undefined, null, ""]) {
      expect(reportingAddress("", { ...site, imapMailbox }), String(imapMailbox)).toBe("");
      expect(reportingAddress(" \t\n ", { ...site, imapMailbox, mailFrom: "team@acme.example" })).toBe("");
    }
  });

  it("with the intake mailbox read, names the intake key's address: MAIL_FROM, else security@ the host", () => {
    const imap = { ...site, imapMailbox: "imaps://bot@mail.example/INBOX" };
    expect(reportingAddress("", { ...imap, mailFrom: " Team@Acme.example " })).toBe("team@acme.example");
    expect(reportingAddress("", imap)).toBe("security@security.example.org");
    expect(reportingAddress("", { ...imap, mailFrom: "  " })).toBe("security@security.example.org");
  });
});
