import { describe, expect, it } from "vitest";
import { imapSettings, isLoopback } from "./imap.adapter.ts";

describe("IMAP_URL", () => {
  it("reads login, host, port, TLS and mailbox, decoding escaped characters", () => {
    expect(
      imapSettings("imaps://intake%40example.org:p%40ss%2Fw@mail.example.org/Security%20Reports"),
    ).toEqual({
      host: "mail.example.org",
      port: 993,
      secure: true,
      auth: { user: "intake@example.org", pass: "p@ss/w" },
      mailbox: "Security Reports",
    });
    expect(imapSettings("imap://u:p@127.0.0.1:1143/INBOX")).toMatchObject({
      port: 1143,
      secure: false,
      mailbox: "INBOX",
    });
    expect(imapSettings("imap://u:p@127.0.0.1")).toMatchObject({ port: 143, mailbox: "INBOX" });
  });

  it("allows plain IMAP only to this machine", () => {
    for (const host of ["127.0.0.1", "127.3.2.1", "localhost", "LOCALHOST", "::1", "[::1]"])
      expect(isLoopback(host), host).toBe(true);
    for (const host of [
      "mail.example.org",
      "10.0.0.1",
      "128.0.0.1",
      "localhost.example.org",
      "127.0.0.1.nip.io",
      "::2",
    ])
      expect(isLoopback(host), host).toBe(false);
  });
});
