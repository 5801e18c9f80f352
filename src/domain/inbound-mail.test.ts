import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import {
  automaticMailReason,
  bounceDiagnostic,
  bouncedOutboxIds,
  chooseThread,
  decideKey,
  decideThread,
  type HeaderField,
  headerValue,
  MAX_HEADER_FIELDS,
  MAX_MESSAGE_IDS,
  mayJoinThread,
  messageIdsIn,
  outboxIdOf,
  parseContentType,
  parseHeaderBlock,
  pgpStructureOf,
  referencedIds,
  referenceInAddress,
  referenceInSubject,
  splitEntity,
  splitMultipart,
  stripQuotedTail,
  titleFromSubject,
  toCrlf,
} from "./inbound-mail.ts";

/** Joins lines with CRLF, the wire form of mail. */
const crlf = (...lines: string[]) => lines.join("\r\n");
/** Joins lines with a bare LF, as some mailers and mbox files store mail. */
const lf = (...lines: string[]) => lines.join("\n");

const SECURITY = "security@example.org";
const OUR_HOST = "embargo.example.org";
const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";

/** A signature block that looks like a real one; structure tests never verify it. */
const ARMORED_SIGNATURE = crlf(
  "-----BEGIN PGP SIGNATURE-----",
  "",
  "iHUEARYKAB0WIQQ2pJ6zRk8oV1c3uY6dEbS0n0ZJmAUCZ2x0AAAKCRCdEbS0n0ZJ",
  "mN1BAP9Ys3tEU4pXU7a2Gm2lYc0mU0vH2eN8C+M3xF4n5uL7vwD/Yp1lT8h3zQ==",
  "=AbCd",
  "-----END PGP SIGNATURE-----",
);

const ARMORED_MESSAGE = crlf(
  "-----BEGIN PGP MESSAGE-----",
  "",
  "hF4DxWk2y3C0n5ISAQdAmXkq0Vd1H7lQn0nS6VYbq8m4f3Zb6xK9U0yJm2c3W2Uw",
  "0sBVAQkCEOXnW1rZ5e0sZbq3dB0=",
  "=xY7z",
  "-----END PGP MESSAGE-----",
);

/** The first part of a signed message, exactly as a mailer sends it (CRLF, trailing spaces kept). */
const SIGNED_PART = crlf(
  'Content-Type: text/plain; charset="utf-8"',
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "I found an XSS in /search.=20",
  "Steps:  ",
  "1. open the page",
  "",
);

function signedMessage(
  options: {
    contentType?: string;
    signedPart?: string;
    signaturePart?: string;
    extraPart?: string;
    boundary?: string;
  } = {},
): string {
  const b = options.boundary ?? "sig-7Hq2";
  return crlf(
    "From: Reporter <reporter@example.net>",
    `To: ${SECURITY}`,
    "Subject: XSS in search",
    "MIME-Version: 1.0",
    options.contentType ??
      `Content-Type: multipart/signed; micalg=pgp-sha256;\r\n protocol="application/pgp-signature"; boundary="${b}"`,
    "",
    "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)",
    `--${b}`,
    options.signedPart ?? SIGNED_PART,
    `--${b}`,
    options.signaturePart ??
      crlf(
        'Content-Type: application/pgp-signature; name="signature.asc"',
        "Content-Description: OpenPGP digital signature",
        'Content-Disposition: attachment; filename="signature.asc"',
        "",
        ARMORED_SIGNATURE,
        "",
      ),
    ...(options.extraPart === undefined ? [] : [`--${b}`, options.extraPart]),
    `--${b}--`,
    "epilogue that nobody reads",
    "",
  );
}

function encryptedMessage(
  options: { contentType?: string; secondPart?: string; onlyFirstPart?: boolean } = {},
): string {
  const b = "enc-Zx81";
  const second =
    options.secondPart ??
    crlf(
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      "Content-Description: OpenPGP encrypted message",
      "",
      ARMORED_MESSAGE,
      "",
    );
  return crlf(
    "From: reporter@example.net",
    `To: ${SECURITY}`,
    "Subject: ...",
    options.contentType ??
      `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"`,
    "",
    "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)",
    `--${b}`,
    "Content-Type: application/pgp-encrypted",
    "Content-Description: PGP/MIME version identification",
    "",
    "Version: 1",
    "",
    ...(options.onlyFirstPart ? [] : [`--${b}`, second]),
    `--${b}--`,
    "",
  );
}

describe("splitEntity", () => {
  it("splits at the first empty CRLF line and keeps the body byte for byte", () => {
    const raw = crlf("Subject: hi", "From: a@example.net", "", "body line 1  ", "", "body line 3");
    expect(splitEntity(raw)).toEqual({
      header: crlf("Subject: hi", "From: a@example.net"),
      body: crlf("body line 1  ", "", "body line 3"),
    });
  });

  it("splits at the first empty line when lines end in a bare LF", () => {
    expect(splitEntity(lf("Subject: hi", "", "body", "", "more"))).toEqual({
      header: "Subject: hi",
      body: lf("body", "", "more"),
    });
  });

  it("accepts a mixed LF then CRLF blank line as the separator", () => {
    expect(splitEntity("Subject: hi\n\r\nbody")).toEqual({ header: "Subject: hi", body: "body" });
  });

  it("treats a message without any empty line as all header and no body", () => {
    const raw = crlf("Subject: hi", "From: a@example.net");
    expect(splitEntity(raw)).toEqual({ header: raw, body: "" });
  });

  it("gives a message that starts with an empty line no header, even when a blank line follows later", () => {
    expect(splitEntity(crlf("", "Subject: looks like a header", "", "rest"))).toEqual({
      header: "",
      body: crlf("Subject: looks like a header", "", "rest"),
    });
  });

  it("gives a message that starts with an empty line no header when no other blank line follows", () => {
    expect(splitEntity("\r\nonly body text")).toEqual({ header: "", body: "only body text" });
    expect(splitEntity("\nonly body text")).toEqual({ header: "", body: "only body text" });
  });

  it("handles the empty string", () => {
    expect(splitEntity("")).toEqual({ header: "", body: "" });
  });

  it("keeps latin1 (binary) bytes in the body unchanged", () => {
    const binary = "\u0000\u00ff\u00e4\u0080\r\u00fe";
    expect(splitEntity(`X: 1\r\n\r\n${binary}`).body).toBe(binary);
  });
});

describe("parseHeaderBlock", () => {
  it("reads fields with their names as written and trimmed values", () => {
    expect(parseHeaderBlock(crlf("Subject:   Hello  ", "X-Mixed-Case: v"))).toEqual([
      { name: "Subject", value: "Hello" },
      { name: "X-Mixed-Case", value: "v" },
    ]);
  });

  it("unfolds continuation lines that start with a space or a tab into one space", () => {
    const fields = parseHeaderBlock(
      crlf("Subject: first", "   second", "\tthird", "Content-Type: multipart/signed;", "\tboundary=x"),
    );
    expect(fields).toEqual([
      { name: "Subject", value: "first second third" },
      { name: "Content-Type", value: "multipart/signed; boundary=x" },
    ]);
  });

  it("unfolds a value that starts on the next line without a leading space", () => {
    expect(parseHeaderBlock(crlf("Content-Transfer-Encoding:", " base64"))).toEqual([
      { name: "Content-Transfer-Encoding", value: "base64" },
    ]);
  });

  it("ignores whitespace-only continuation lines instead of leaving trailing spaces", () => {
    expect(parseHeaderBlock(crlf("A: 1", " ", "\t", "B: 2"))).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
  });

  it("reads bare-LF header blocks the same as CRLF ones", () => {
    const text = ["Subject: a", " b", "From: x@example.net"];
    expect(parseHeaderBlock(lf(...text))).toEqual(parseHeaderBlock(crlf(...text)));
    expect(parseHeaderBlock(lf(...text))).toHaveLength(2);
  });

  it("ignores lines without a colon or with an empty name", () => {
    expect(parseHeaderBlock(crlf("From nobody Mon Jan 1 2026", ": no name", "X: kept"))).toEqual([
      { name: "X", value: "kept" },
    ]);
  });

  it("ignores header names with spaces, control characters or non-ASCII bytes", () => {
    const fields = parseHeaderBlock(
      crlf("Bad Name: 1", "Bad\u0001Name: 2", "N\u00e4me: 3", "Good!#$%&'*+-.^_`|~Name: 4"),
    );
    expect(fields).toEqual([{ name: "Good!#$%&'*+-.^_`|~Name", value: "4" }]);
  });

  it("does not move the continuation of an ignored line onto the field before it", () => {
    // Another MIME parser keeps " ; boundary=x" with "garbage"; gluing it to Content-Type would make the two
    // parsers disagree about the structure of the same message.
    const fields = parseHeaderBlock(
      crlf("Content-Type: multipart/signed", "garbage line", " ; boundary=x", "X-After: y"),
    );
    expect(fields).toEqual([
      { name: "Content-Type", value: "multipart/signed" },
      { name: "X-After", value: "y" },
    ]);
  });

  it("keeps the value after the first colon whole, colons included", () => {
    expect(parseHeaderBlock("Date: Mon, 1 Jan 2026 10:00:00 +0000")).toEqual([
      { name: "Date", value: "Mon, 1 Jan 2026 10:00:00 +0000" },
    ]);
  });

  it("reads a leading indented line as a field when there is nothing to continue", () => {
    expect(parseHeaderBlock(crlf(" X-First: 1", "Y: 2"))).toEqual([
      { name: "X-First", value: "1" },
      { name: "Y", value: "2" },
    ]);
  });

  it("keeps duplicate fields in order so the first can win", () => {
    const fields = parseHeaderBlock(crlf("Subject: first", "Subject: second"));
    expect(fields.map((f) => f.value)).toEqual(["first", "second"]);
  });

  it("returns no fields for an empty block", () => {
    expect(parseHeaderBlock("")).toEqual([]);
  });

  it("caps a header block of 5000 fields at MAX_HEADER_FIELDS, quickly", () => {
    const block = Array.from({ length: 5000 }, (_, i) => `X-Field-${i}: value ${i}`).join("\r\n");
    const started = performance.now();
    const fields = parseHeaderBlock(block);
    expect(performance.now() - started).toBeLessThan(500);
    expect(fields).toHaveLength(MAX_HEADER_FIELDS);
    expect(fields[0]).toEqual({ name: "X-Field-0", value: "value 0" });
    expect(fields.at(-1)).toEqual({
      name: `X-Field-${MAX_HEADER_FIELDS - 1}`,
      value: `value ${MAX_HEADER_FIELDS - 1}`,
    });
  });

  it("still unfolds the last field under the cap", () => {
    const lines = Array.from({ length: MAX_HEADER_FIELDS }, (_, i) => `X-${i}: v`);
    lines.push(" folded", "X-Over: dropped");
    const fields = parseHeaderBlock(crlf(...lines));
    expect(fields).toHaveLength(MAX_HEADER_FIELDS);
    expect(fields.at(-1)!.value).toBe("v folded");
  });

  it("handles a single field folded over many lines without slowing down", () => {
    const block = `X-Long: start\r\n${Array.from({ length: 20_000 }, () => " x").join("\r\n")}`;
    const started = performance.now();
    const [field] = parseHeaderBlock(block);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(field!.value.length).toBe("start".length + 20_000 * 2);
  });
});

describe("headerValue", () => {
  const fields: HeaderField[] = [
    { name: "Subject", value: "first" },
    { name: "SUBJECT", value: "second" },
    { name: "Content-Type", value: "text/plain" },
  ];

  it("finds a field by case-insensitive name", () => {
    expect(headerValue(fields, "content-type")).toBe("text/plain");
    expect(headerValue(fields, "CONTENT-TYPE")).toBe("text/plain");
  });

  it("returns the first of duplicate fields", () => {
    expect(headerValue(fields, "subject")).toBe("first");
  });

  it("returns null when the field is missing", () => {
    expect(headerValue(fields, "in-reply-to")).toBeNull();
    expect(headerValue([], "subject")).toBeNull();
  });

  it("returns an empty value as an empty string, not null", () => {
    expect(headerValue([{ name: "Subject", value: "" }], "subject")).toBe("");
  });

  it("takes the first duplicate Content-Type of a parsed raw header", () => {
    const fields2 = parseHeaderBlock(
      crlf("Content-Type: multipart/signed; boundary=a", "Content-Type: text/plain"),
    );
    expect(headerValue(fields2, "Content-Type")).toBe("multipart/signed; boundary=a");
  });
});

describe("parseContentType", () => {
  it("reads a missing or empty value as text/plain without parameters", () => {
    expect(parseContentType(null)).toEqual({ type: "text/plain", params: {} });
    expect(parseContentType("")).toEqual({ type: "text/plain", params: {} });
  });

  it("lower-cases the type and parameter names but not parameter values", () => {
    const ct = parseContentType('MULTIPART/Signed; Protocol="Application/PGP-Signature"; BOUNDARY=AbC');
    expect(ct.type).toBe("multipart/signed");
    expect({ ...ct.params }).toEqual({ protocol: "Application/PGP-Signature", boundary: "AbC" });
  });

  it("removes quotes and undoes backslash escapes in quoted values", () => {
    const ct = parseContentType('text/plain; name="a \\"quoted\\" \\\\ name"');
    expect(ct.params.name).toBe('a "quoted" \\ name');
  });

  it("does not split on semicolons inside quoted values", () => {
    const ct = parseContentType('multipart/mixed; boundary="a;b;c"; charset=utf-8');
    expect(ct.params.boundary).toBe("a;b;c");
    expect(ct.params.charset).toBe("utf-8");
  });

  it("does not end a quoted value at an escaped quote followed by a semicolon", () => {
    const ct = parseContentType('text/plain; name="x\\";y"; charset=utf-8');
    expect(ct.params.name).toBe('x";y');
    expect(ct.params.charset).toBe("utf-8");
  });

  it("keeps unquoted values that contain an equals sign", () => {
    expect(parseContentType("multipart/mixed; boundary==_Part_1=").params.boundary).toBe("=_Part_1=");
  });

  it("trims whitespace around names, equals signs and values", () => {
    const ct = parseContentType('multipart/signed ;  protocol = "application/pgp-signature" ;boundary= b ');
    expect(ct.type).toBe("multipart/signed");
    expect(ct.params.protocol).toBe("application/pgp-signature");
    expect(ct.params.boundary).toBe("b");
  });

  it("keeps the first of duplicate parameters", () => {
    expect(parseContentType("multipart/mixed; boundary=one; BOUNDARY=two").params.boundary).toBe("one");
  });

  it("skips parameters without a name or an equals sign", () => {
    const ct = parseContentType("text/plain; =orphan; flag; ; charset=utf-8");
    expect(Object.keys(ct.params)).toEqual(["charset"]);
  });

  it("stores __proto__ and constructor as plain parameters without touching any prototype", () => {
    const ct = parseContentType(
      'text/plain; __proto__=polluted; constructor="x"; toString=y; hasOwnProperty=z; charset=utf-8',
    );
    expect(Object.getPrototypeOf(ct.params)).toBeNull();
    expect(Object.keys(ct.params)).toEqual([
      "__proto__",
      "constructor",
      "tostring",
      "hasownproperty",
      "charset",
    ]);
    expect(Object.getOwnPropertyDescriptor(ct.params, "__proto__")?.value).toBe("polluted");
    expect(ct.params.constructor).toBe("x");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(ct.params.charset).toBe("utf-8");
  });

  it("gives a value without parameters a params object without a prototype", () => {
    const ct = parseContentType("text/html");
    expect(Object.getPrototypeOf(ct.params)).toBeNull();
    expect("constructor" in ct.params).toBe(false);
    expect(ct.params.protocol).toBeUndefined();
  });

  it("falls back to text/plain for a type without a subtype or with invalid characters", () => {
    expect(parseContentType("text").type).toBe("text/plain");
    expect(parseContentType("multipart/").type).toBe("text/plain");
    expect(parseContentType("multi part/signed").type).toBe("text/plain");
    expect(parseContentType("multipart/signed/extra").type).toBe("text/plain");
    expect(parseContentType("multipart/sign\u00e9d").type).toBe("text/plain");
    expect(parseContentType("; boundary=x").type).toBe("text/plain");
  });

  it("keeps the parameters of a value whose type is broken", () => {
    expect(parseContentType("broken; boundary=x").params.boundary).toBe("x");
  });

  it("accepts the restricted-name characters of RFC 6838 in types", () => {
    expect(parseContentType("application/vnd.example+json").type).toBe("application/vnd.example+json");
    expect(parseContentType("application/x-pkcs7_sig^n$#!&").type).toBe("application/x-pkcs7_sig^n$#!&");
  });

  it("reads an unterminated quoted value as it stands", () => {
    const ct = parseContentType('text/plain; name="never closed; charset=utf-8');
    expect(ct.params.name).toBe('"never closed; charset=utf-8');
    expect(ct.params.charset).toBeUndefined();
  });
});

describe("splitMultipart", () => {
  it("returns each part without the CRLF before the next delimiter and drops preamble and epilogue", () => {
    const body = crlf(
      "preamble",
      "--b",
      "Content-Type: text/plain",
      "",
      "one",
      "--b",
      "two",
      "--b--",
      "epilogue",
    );
    expect(splitMultipart(body, "b")).toEqual([crlf("Content-Type: text/plain", "", "one"), "two"]);
  });

  it("accepts a delimiter at the very start of the body", () => {
    expect(splitMultipart(crlf("--b", "one", "--b--"), "b")).toEqual(["one"]);
  });

  it("removes only one line break before a delimiter, so a part ending in an empty line keeps it", () => {
    expect(splitMultipart(crlf("--b", "one", "", "--b--"), "b")).toEqual(["one\r\n"]);
    expect(splitMultipart(lf("--b", "one", "", "--b--"), "b")).toEqual(["one\n"]);
  });

  it("splits bare-LF bodies and removes the bare LF before a delimiter", () => {
    expect(splitMultipart(lf("--b", "one", "--b", "two", "--b--"), "b")).toEqual(["one", "two"]);
  });

  it("keeps trailing spaces, tabs and latin1 bytes inside parts exactly", () => {
    const binary = "\u0000\u0001\u00ff\u00e4\u0080\u00c3\u00a9 \t";
    const body = crlf("--b", "line with trailing spaces   ", `${binary}`, "--b--");
    expect(splitMultipart(body, "b")).toEqual([crlf("line with trailing spaces   ", binary)]);
  });

  it("does not treat a boundary in the middle of a line as a delimiter", () => {
    const body = crlf("--b", "text --b more", "x--b", "--b--");
    expect(splitMultipart(body, "b")).toEqual([crlf("text --b more", "x--b")]);
  });

  it("does not treat --bb as a delimiter for boundary b (a delimiter line is --b plus only whitespace)", () => {
    const body = crlf("--b", "one", "--bb", "still one", "--b-- ", "");
    expect(splitMultipart(body, "b")).toEqual([crlf("one", "--bb", "still one")]);
  });

  it("does not treat --b--x as a close delimiter", () => {
    const body = crlf("--b", "one", "--b--x", "--b--");
    expect(splitMultipart(body, "b")).toEqual([crlf("one", "--b--x")]);
  });

  it("accepts trailing spaces and tabs after a delimiter and a close delimiter", () => {
    const body = crlf("--b \t", "one", "--b\t", "two", "--b--  ", "epilogue");
    expect(splitMultipart(body, "b")).toEqual(["one", "two"]);
  });

  it("stops at the close delimiter and ignores delimiters in the epilogue", () => {
    expect(splitMultipart(crlf("--b", "one", "--b--", "--b", "ghost", "--b--"), "b")).toEqual(["one"]);
  });

  it("keeps the last part when the close delimiter is missing", () => {
    expect(splitMultipart(crlf("--b", "one", "--b", "two", "trailing"), "b")).toEqual([
      "one",
      crlf("two", "trailing"),
    ]);
  });

  it("opens an empty last part at a final delimiter without a line break, as it would with one", () => {
    expect(splitMultipart(crlf("--b", "one", "--b"), "b")).toEqual(["one", ""]);
    expect(splitMultipart(crlf("--b", "one", "--b", ""), "b")).toEqual(["one", ""]);
  });

  it("keeps empty parts between adjacent delimiters", () => {
    expect(splitMultipart(crlf("--b", "--b", "two", "--b--"), "b")).toEqual(["", "two"]);
  });

  it("returns null when the boundary never appears, even as text inside a line", () => {
    expect(splitMultipart("no delimiters here", "b")).toBeNull();
    expect(splitMultipart("text --b text", "b")).toBeNull();
    expect(splitMultipart("", "b")).toBeNull();
  });

  it("returns no parts for a body that only closes", () => {
    expect(splitMultipart(crlf("--b--", ""), "b")).toEqual([]);
  });

  it("returns null for an empty boundary and for one longer than 200 characters", () => {
    expect(splitMultipart(crlf("--", "x", "----"), "")).toBeNull();
    const long = "a".repeat(201);
    expect(splitMultipart(crlf(`--${long}`, "x", `--${long}--`), long)).toBeNull();
    const max = "a".repeat(200);
    expect(splitMultipart(crlf(`--${max}`, "x", `--${max}--`), max)).toEqual(["x"]);
  });

  it("treats regular-expression characters in the boundary literally", () => {
    const boundary = "=_.*+?()[]{}|^$\\";
    const body = crlf(`--${boundary}`, "one", `--${boundary}--`);
    expect(splitMultipart(body, boundary)).toEqual(["one"]);
    expect(splitMultipart(crlf("--=_xxxxxxxxxxxxxxx", "one"), boundary)).toBeNull();
  });

  it("leaves a nested multipart inside a part untouched", () => {
    const inner = crlf(
      'Content-Type: multipart/alternative; boundary="inner"',
      "",
      "--inner",
      "Content-Type: text/plain",
      "",
      "plain",
      "--inner",
      "Content-Type: text/html",
      "",
      "<p>html</p>",
      "--inner--",
      "",
    );
    const body = crlf("--outer", inner, "--outer", "second", "--outer--");
    expect(splitMultipart(body, "outer")).toEqual([inner, "second"]);
  });

  it("does not split on an inner boundary that starts with the outer one", () => {
    const body = crlf("--b", "--b1", "inner", "--b1--", "--b--");
    expect(splitMultipart(body, "b")).toEqual([crlf("--b1", "inner", "--b1--")]);
  });

  it("splits a large body with many lines and false delimiters quickly", () => {
    const noise = Array.from({ length: 50_000 }, () => "--bX --b x--b").join("\r\n");
    const body = crlf("--b", noise, "--b", "two", "--b--");
    const started = performance.now();
    const parts = splitMultipart(body, "b");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(parts).toHaveLength(2);
    expect(parts![0]).toBe(noise);
  });
});

describe("toCrlf", () => {
  it("turns bare LF into CRLF and leaves CRLF alone", () => {
    expect(toCrlf("a\nb\r\nc\n")).toBe("a\r\nb\r\nc\r\n");
    expect(toCrlf(crlf("a", "b"))).toBe("a\r\nb");
  });

  it("leaves a lone CR and other bytes alone", () => {
    expect(toCrlf("a\rb\u00ff")).toBe("a\rb\u00ff");
  });
});

describe("pgpStructureOf: multipart/signed (RFC 3156)", () => {
  it("returns the signed part exactly as the bytes between the boundaries, and the armored signature", () => {
    const raw = signedMessage();
    const structure = pgpStructureOf(raw);
    expect(structure).toEqual({
      kind: "signed",
      entity: { signed: SIGNED_PART, signature: `${ARMORED_SIGNATURE}\r\n` },
    });
    // The signed bytes are literally what sits between "--sig-7Hq2\r\n" and "\r\n--sig-7Hq2".
    const start = raw.indexOf("--sig-7Hq2\r\n") + "--sig-7Hq2\r\n".length;
    const end = raw.indexOf("\r\n--sig-7Hq2", start);
    expect(structure.kind === "signed" && structure.entity.signed).toBe(raw.slice(start, end));
  });

  it("converts a bare-LF message's signed part to CRLF, the form the signature covers", () => {
    const raw = signedMessage().replace(/\r\n/g, "\n");
    const structure = pgpStructureOf(raw);
    expect(structure.kind).toBe("signed");
    if (structure.kind !== "signed") return;
    expect(structure.entity.signed).toBe(SIGNED_PART);
    expect(structure.entity.signature).toContain("-----BEGIN PGP SIGNATURE-----");
  });

  it("reads the protocol parameter case-insensitively, quoted or not", () => {
    for (const ct of [
      'Content-Type: Multipart/Signed; PROTOCOL="Application/PGP-Signature"; boundary="sig-7Hq2"',
      "Content-Type: multipart/signed; protocol=application/pgp-signature; boundary=sig-7Hq2",
      "content-type: MULTIPART/SIGNED; boundary=sig-7Hq2; micalg=pgp-sha512; protocol=APPLICATION/PGP-SIGNATURE",
    ]) {
      expect(pgpStructureOf(signedMessage({ contentType: ct })).kind).toBe("signed");
    }
  });

  it("reads a multipart/signed with another protocol (S/MIME) as plain", () => {
    const ct = 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="sig-7Hq2"';
    expect(pgpStructureOf(signedMessage({ contentType: ct }))).toEqual({ kind: "plain" });
  });

  it("reads a multipart/signed without a protocol as plain", () => {
    const ct = 'Content-Type: multipart/signed; boundary="sig-7Hq2"';
    expect(pgpStructureOf(signedMessage({ contentType: ct }))).toEqual({ kind: "plain" });
  });

  it("calls a signed message with three parts malformed", () => {
    const structure = pgpStructureOf(
      signedMessage({ extraPart: crlf("Content-Type: text/plain", "", "extra") }),
    );
    expect(structure).toEqual({
      kind: "malformed",
      problem: "A PGP/MIME signed message must have exactly two parts.",
    });
  });

  it("calls a signed message with one part malformed", () => {
    const raw = crlf(
      'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="b"',
      "",
      "--b",
      "only",
      "--b--",
    );
    expect(pgpStructureOf(raw)).toMatchObject({
      kind: "malformed",
      problem: expect.stringContaining("two parts"),
    });
  });

  it("calls a signed message without a boundary parameter, or whose boundary never appears, malformed", () => {
    const noBoundary = signedMessage({
      contentType: 'Content-Type: multipart/signed; protocol="application/pgp-signature"',
    });
    expect(pgpStructureOf(noBoundary).kind).toBe("malformed");
    const otherBoundary = signedMessage({
      contentType: 'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="nope"',
    });
    expect(pgpStructureOf(otherBoundary).kind).toBe("malformed");
  });

  it("calls a signed message whose second part is not a signature malformed", () => {
    const structure = pgpStructureOf(
      signedMessage({
        signaturePart: crlf("Content-Type: application/pgp-signature", "", "not a signature"),
      }),
    );
    expect(structure).toEqual({
      kind: "malformed",
      problem: "The second part of a PGP/MIME signed message is not a signature.",
    });
  });

  it("does not accept a signature marker that sits only in the second part's headers", () => {
    const structure = pgpStructureOf(
      signedMessage({
        signaturePart: crlf("X-Note: -----BEGIN PGP SIGNATURE-----", "", "plain text"),
      }),
    );
    expect(structure.kind).toBe("malformed");
  });

  it("decodes a base64-encoded signature part", () => {
    const encoded = Buffer.from(ARMORED_SIGNATURE, "latin1")
      .toString("base64")
      .replace(/(.{60})/g, "$1\r\n");
    const structure = pgpStructureOf(
      signedMessage({
        signaturePart: crlf(
          "Content-Type: application/pgp-signature",
          "Content-Transfer-Encoding: BASE64",
          "",
          encoded,
          "",
        ),
      }),
    );
    expect(structure).toMatchObject({ kind: "signed", entity: { signature: ARMORED_SIGNATURE } });
  });

  it("reads a signature part that has no headers at all", () => {
    const structure = pgpStructureOf(signedMessage({ signaturePart: crlf("", ARMORED_SIGNATURE) }));
    expect(structure).toMatchObject({ kind: "signed", entity: { signature: ARMORED_SIGNATURE } });
  });

  it("takes the first of two Content-Type headers", () => {
    const raw = signedMessage().replace("MIME-Version: 1.0", "MIME-Version: 1.0\r\nContent-Type: text/plain");
    expect(pgpStructureOf(raw)).toEqual({ kind: "plain" });
  });

  it("returns signed bytes that a real OpenPGP signature over the CRLF part verifies, from CRLF and LF mail", async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: "ecc",
      curve: "curve25519Legacy",
      userIDs: [{ email: "reporter@example.net" }],
      date: new Date("2025-06-01T00:00:00Z"),
      format: "object",
    });
    const signature = (await openpgp.sign({
      message: await openpgp.createMessage({ binary: Buffer.from(SIGNED_PART, "latin1") }),
      signingKeys: privateKey,
      detached: true,
      date: new Date("2025-06-02T00:00:00Z"),
    })) as string;
    const signaturePart = crlf(
      "Content-Type: application/pgp-signature",
      "",
      signature.replace(/\r?\n/g, "\r\n"),
    );
    for (const raw of [
      signedMessage({ signaturePart }),
      signedMessage({ signaturePart }).replace(/\r\n/g, "\n"),
    ]) {
      const structure = pgpStructureOf(raw);
      if (structure.kind !== "signed") throw new Error(`expected a signed structure, got ${structure.kind}`);
      const result = await openpgp.verify({
        message: await openpgp.createMessage({ binary: Buffer.from(structure.entity.signed, "latin1") }),
        signature: await openpgp.readSignature({ armoredSignature: structure.entity.signature }),
        verificationKeys: publicKey,
        date: new Date("2025-06-03T00:00:00Z"),
      });
      await expect(result.signatures[0]!.verified).resolves.toBe(true);
    }
  });
});

describe("pgpStructureOf: multipart/encrypted (RFC 3156)", () => {
  it("returns the armored message of the second part", () => {
    expect(pgpStructureOf(encryptedMessage())).toEqual({
      kind: "encrypted",
      entity: { armored: `${ARMORED_MESSAGE}\r\n` },
    });
  });

  it("decodes a base64-encoded second part", () => {
    const encoded = Buffer.from(ARMORED_MESSAGE, "latin1")
      .toString("base64")
      .replace(/(.{76})/g, "$1\r\n");
    const structure = pgpStructureOf(
      encryptedMessage({
        secondPart: crlf(
          "Content-Type: application/octet-stream",
          "Content-Transfer-Encoding: base64",
          "",
          encoded,
          "",
        ),
      }),
    );
    expect(structure).toEqual({ kind: "encrypted", entity: { armored: ARMORED_MESSAGE } });
  });

  it("decodes a base64 second part whose encoding header is folded", () => {
    const encoded = Buffer.from(ARMORED_MESSAGE, "latin1").toString("base64");
    const structure = pgpStructureOf(
      encryptedMessage({
        secondPart: crlf(
          "Content-Type: application/octet-stream",
          "Content-Transfer-Encoding:",
          " base64",
          "",
          encoded,
        ),
      }),
    );
    expect(structure).toEqual({ kind: "encrypted", entity: { armored: ARMORED_MESSAGE } });
  });

  it("decodes a quoted-printable second part, soft line breaks included", () => {
    const qp = ARMORED_MESSAGE.replace(/=/g, "=3D").replace("-----BEGIN PGP ", "-----BEGIN =\r\nPGP ");
    const structure = pgpStructureOf(
      encryptedMessage({
        secondPart: crlf(
          "Content-Type: application/octet-stream",
          "Content-Transfer-Encoding: Quoted-Printable",
          "",
          qp,
        ),
      }),
    );
    expect(structure).toEqual({ kind: "encrypted", entity: { armored: ARMORED_MESSAGE } });
  });

  it("reads the protocol parameter case-insensitively, quoted or not", () => {
    const ct = "Content-Type: MULTIPART/ENCRYPTED; boundary=enc-Zx81; Protocol=Application/PGP-Encrypted";
    expect(pgpStructureOf(encryptedMessage({ contentType: ct })).kind).toBe("encrypted");
  });

  it("calls an encrypted message with only one part malformed", () => {
    expect(pgpStructureOf(encryptedMessage({ onlyFirstPart: true }))).toEqual({
      kind: "malformed",
      problem: "A PGP/MIME encrypted message must have two parts.",
    });
  });

  it("calls an encrypted message whose boundary never appears malformed", () => {
    const ct = 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="gone"';
    expect(pgpStructureOf(encryptedMessage({ contentType: ct })).kind).toBe("malformed");
  });

  it("calls an encrypted message whose second part holds no OpenPGP message malformed", () => {
    expect(
      pgpStructureOf(encryptedMessage({ secondPart: crlf("Content-Type: text/plain", "", "hello") })),
    ).toEqual({
      kind: "malformed",
      problem: "The second part of a PGP/MIME encrypted message holds no OpenPGP message.",
    });
  });

  it("reads a multipart/encrypted with another protocol as plain", () => {
    const ct = 'Content-Type: multipart/encrypted; protocol="application/pkcs7-mime"; boundary="enc-Zx81"';
    expect(pgpStructureOf(encryptedMessage({ contentType: ct }))).toEqual({ kind: "plain" });
  });
});

describe("pgpStructureOf: everything else", () => {
  it("reads multipart/mixed as plain even when it carries a signature part", () => {
    const ct = 'Content-Type: multipart/mixed; protocol="application/pgp-signature"; boundary="sig-7Hq2"';
    expect(pgpStructureOf(signedMessage({ contentType: ct }))).toEqual({ kind: "plain" });
  });

  it("reads text, a message without Content-Type, one without a body and the empty string as plain", () => {
    expect(pgpStructureOf(crlf("Content-Type: text/plain", "", "hello"))).toEqual({ kind: "plain" });
    expect(pgpStructureOf(crlf("Subject: hi", "", "hello"))).toEqual({ kind: "plain" });
    expect(pgpStructureOf("Subject: hi")).toEqual({ kind: "plain" });
    expect(pgpStructureOf("")).toEqual({ kind: "plain" });
  });

  it("reads inline PGP in a text body as plain (that is not PGP/MIME)", () => {
    expect(pgpStructureOf(crlf("Content-Type: text/plain", "", ARMORED_MESSAGE))).toEqual({ kind: "plain" });
  });

  it("only looks at the top level: a signed part nested in multipart/mixed stays plain", () => {
    const nested = crlf(
      'Content-Type: multipart/mixed; boundary="outer"',
      "",
      "--outer",
      signedMessage().slice(signedMessage().indexOf("Content-Type:")),
      "--outer--",
    );
    expect(pgpStructureOf(nested)).toEqual({ kind: "plain" });
  });
});

describe("messageIdsIn", () => {
  it("returns nothing for null, undefined and the empty string", () => {
    expect(messageIdsIn(null)).toEqual([]);
    expect(messageIdsIn(undefined)).toEqual([]);
    expect(messageIdsIn("")).toEqual([]);
  });

  it("returns every <id> in order, without the angle brackets", () => {
    expect(messageIdsIn("<a@example.net> <b@example.net>\r\n\t<c@example.net>")).toEqual([
      "a@example.net",
      "b@example.net",
      "c@example.net",
    ]);
  });

  it("skips garbage and comments between ids", () => {
    expect(messageIdsIn('junk "x" <a@h> (comment) ,;<b@h>trailing')).toEqual(["a@h", "b@h"]);
  });

  it("keeps repeats (deduplication is the caller's)", () => {
    expect(messageIdsIn("<a@h> <a@h>")).toEqual(["a@h", "a@h"]);
  });

  it("rejects ids with whitespace, empty ids and ids that nest angle brackets", () => {
    expect(messageIdsIn("<a b@h> <> <\tx@h> <c@h\n>")).toEqual([]);
    expect(messageIdsIn("<<inner@h>>")).toEqual(["inner@h"]);
  });

  it("rejects an id longer than 250 characters but accepts one of exactly 250", () => {
    const ok = `${"a".repeat(248)}@h`;
    expect(ok).toHaveLength(250);
    expect(messageIdsIn(`<${ok}>`)).toEqual([ok]);
    expect(messageIdsIn(`<a${ok}>`)).toEqual([]);
  });

  it("returns an id without angle brackets as nothing", () => {
    expect(messageIdsIn("a@example.net")).toEqual([]);
  });

  it("caps 500 ids at MAX_MESSAGE_IDS, keeping the first ones", () => {
    const value = Array.from({ length: 500 }, (_, i) => `<id${i}@h>`).join(" ");
    const ids = messageIdsIn(value);
    expect(ids).toHaveLength(MAX_MESSAGE_IDS);
    expect(ids[0]).toBe("id0@h");
    expect(ids.at(-1)).toBe(`id${MAX_MESSAGE_IDS - 1}@h`);
  });

  it("scans a long hostile value quickly", () => {
    const value = `${"<".repeat(50_000)}${"a".repeat(50_000)}`;
    const started = performance.now();
    expect(messageIdsIn(value)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("referenceInSubject", () => {
  it("finds a reference and returns it upper-cased", () => {
    expect(referenceInSubject("Re: EMB-2026-0001 XSS")).toBe("EMB-2026-0001");
    expect(referenceInSubject("re: emb-2026-0042 xss")).toBe("EMB-2026-0042");
  });

  it("finds a reference in brackets or next to punctuation", () => {
    expect(referenceInSubject("Re: [EMB-2026-0001] XSS")).toBe("EMB-2026-0001");
    expect(referenceInSubject("(EMB-2026-0001)")).toBe("EMB-2026-0001");
    expect(referenceInSubject("ref:EMB-2026-0001, thanks")).toBe("EMB-2026-0001");
  });

  it("accepts four to nine digits in the running number", () => {
    expect(referenceInSubject("EMB-2026-123456789")).toBe("EMB-2026-123456789");
    expect(referenceInSubject("EMB-2026-123")).toBeNull();
  });

  it("does not match inside a longer token", () => {
    expect(referenceInSubject("XEMB-2026-0001")).toBeNull();
    expect(referenceInSubject("9EMB-2026-0001")).toBeNull();
    expect(referenceInSubject("EMB-2026-00012345678901")).toBeNull();
    expect(referenceInSubject("EMB-2026-0001abc")).toBeNull();
    expect(referenceInSubject("EMB-20261-0001")).toBeNull();
  });

  it("returns the first of several references", () => {
    expect(referenceInSubject("EMB-2026-0002 duplicate of EMB-2026-0001")).toBe("EMB-2026-0002");
    expect(referenceInSubject("XEMB-2026-0009 then EMB-2026-0003")).toBe("EMB-2026-0003");
  });

  it("returns null for null, undefined, empty and subjects without a reference", () => {
    expect(referenceInSubject(null)).toBeNull();
    expect(referenceInSubject(undefined)).toBeNull();
    expect(referenceInSubject("")).toBeNull();
    expect(referenceInSubject("Security issue in login")).toBeNull();
  });

  it("scans only the first 1000 characters of a very long subject", () => {
    expect(referenceInSubject(`${"x ".repeat(400)}EMB-2026-0001`)).toBe("EMB-2026-0001");
    expect(referenceInSubject(`${" ".repeat(1000)}EMB-2026-0001`)).toBeNull();
    const started = performance.now();
    expect(referenceInSubject(`${"EMB-2026-".repeat(200_000)}`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("referenceInAddress", () => {
  it("reads the reference from a plus-address of the security address", () => {
    expect(referenceInAddress("security+EMB-2026-0001@example.org", SECURITY)).toBe("EMB-2026-0001");
  });

  it("compares local part and domain case-insensitively and upper-cases the reference", () => {
    expect(referenceInAddress("Security+emb-2026-0001@EXAMPLE.ORG", SECURITY)).toBe("EMB-2026-0001");
    expect(referenceInAddress("security+EMB-2026-0001@example.org", "SECURITY@Example.Org")).toBe(
      "EMB-2026-0001",
    );
  });

  it("ignores another local part, including one that merely starts like ours", () => {
    expect(referenceInAddress("evil+EMB-2026-0001@example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("securityx+EMB-2026-0001@example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("xsecurity+EMB-2026-0001@example.org", SECURITY)).toBeNull();
  });

  it("ignores another domain, including a subdomain or a look-alike", () => {
    expect(referenceInAddress("security+EMB-2026-0001@example.net", SECURITY)).toBeNull();
    expect(referenceInAddress("security+EMB-2026-0001@evil.example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("security+EMB-2026-0001@example.org.evil", SECURITY)).toBeNull();
  });

  it("ignores the plain security address and an empty tag", () => {
    expect(referenceInAddress(SECURITY, SECURITY)).toBeNull();
    expect(referenceInAddress("security+@example.org", SECURITY)).toBeNull();
  });

  it("ignores a tag that holds more than the reference", () => {
    expect(referenceInAddress("security+EMB-2026-0001+x@example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("security+x+EMB-2026-0001@example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("security+EMB-2026-0001x@example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("security+EMB-2026-001@example.org", SECURITY)).toBeNull();
  });

  it("ignores addresses without an @ or with an empty local part", () => {
    expect(referenceInAddress("security+EMB-2026-0001", SECURITY)).toBeNull();
    expect(referenceInAddress("@example.org", SECURITY)).toBeNull();
    expect(referenceInAddress("security+EMB-2026-0001@example.org", "security")).toBeNull();
    expect(referenceInAddress("", "")).toBeNull();
  });

  it("uses the last @, so a second @ in the local part cannot smuggle another domain", () => {
    expect(referenceInAddress("security+EMB-2026-0001@example.org@evil.test", SECURITY)).toBeNull();
    expect(referenceInAddress("security+EMB-2026-0001@evil.test@example.org", SECURITY)).toBeNull();
  });

  it("ignores a display-name form (the caller passes bare addresses)", () => {
    expect(referenceInAddress("Security <security+EMB-2026-0001@example.org>", SECURITY)).toBeNull();
  });

  it("uses the base local part when the security address itself carries a +tag", () => {
    const tagged = "security+inbox@example.org";
    expect(referenceInAddress("security+EMB-2026-0001@example.org", tagged)).toBe("EMB-2026-0001");
    expect(referenceInAddress("security+inbox+EMB-2026-0001@example.org", tagged)).toBeNull();
    expect(referenceInAddress("other+EMB-2026-0001@example.org", tagged)).toBeNull();
  });
});

describe("outboxIdOf", () => {
  it("returns the outbox id of a Message-ID on our host, lower-cased", () => {
    expect(outboxIdOf(`${UUID}@${OUR_HOST}`, OUR_HOST)).toBe(UUID);
    expect(outboxIdOf(`${UUID.toUpperCase()}@${OUR_HOST}`, OUR_HOST)).toBe(UUID);
  });

  it("compares the host case-insensitively", () => {
    expect(outboxIdOf(`${UUID}@EMBARGO.Example.ORG`, OUR_HOST)).toBe(UUID);
    expect(outboxIdOf(`${UUID}@${OUR_HOST}`, "Embargo.Example.Org")).toBe(UUID);
  });

  it("returns null for another host, a subdomain or a host with a suffix", () => {
    expect(outboxIdOf(`${UUID}@evil.example`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`${UUID}@x.${OUR_HOST}`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`${UUID}@${OUR_HOST}.evil`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`${UUID}@`, OUR_HOST)).toBeNull();
  });

  it("returns null for anything but a bare uuid before the @", () => {
    expect(outboxIdOf(`abc@${OUR_HOST}`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`x${UUID}@${OUR_HOST}`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`${UUID.replace(/-/g, "")}@${OUR_HOST}`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`${UUID.slice(0, -1)}g@${OUR_HOST}`, OUR_HOST)).toBeNull();
    expect(outboxIdOf(`<${UUID}@${OUR_HOST}>`, OUR_HOST)).toBeNull();
    expect(outboxIdOf("", OUR_HOST)).toBeNull();
  });

  it("returns null when a newline trails the host", () => {
    expect(outboxIdOf(`${UUID}@${OUR_HOST}\n`, OUR_HOST)).toBeNull();
  });
});

describe("referencedIds", () => {
  it("puts In-Reply-To first, then References from newest to oldest", () => {
    expect(referencedIds("<parent@h>", "<root@h> <middle@h> <parent@h>")).toEqual([
      "parent@h",
      "middle@h",
      "root@h",
    ]);
  });

  it("drops repeats, keeping the first position", () => {
    expect(referencedIds("<a@h> <a@h>", "<b@h> <a@h> <b@h>")).toEqual(["a@h", "b@h"]);
  });

  it("works with either header missing", () => {
    expect(referencedIds(null, "<r1@h> <r2@h>")).toEqual(["r2@h", "r1@h"]);
    expect(referencedIds("<p@h>", null)).toEqual(["p@h"]);
    expect(referencedIds(null, null)).toEqual([]);
    expect(referencedIds("garbage", "")).toEqual([]);
  });

  it("returns at most MAX_MESSAGE_IDS ids", () => {
    const many = (prefix: string) => Array.from({ length: 300 }, (_, i) => `<${prefix}${i}@h>`).join(" ");
    const ids = referencedIds(many("irt"), many("ref"));
    expect(ids).toHaveLength(MAX_MESSAGE_IDS);
    expect(ids[0]).toBe("irt0@h");
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("chooseThread", () => {
  const base = {
    referencedIds: [] as string[],
    reportIdForMessageId: () => null,
    recipients: [] as string[],
    securityAddress: SECURITY,
    subject: null as string | null,
  };

  it("prefers a known Message-ID over a plus-address and a subject reference", () => {
    const match = chooseThread({
      ...base,
      referencedIds: ["unknown@h", "known@h"],
      reportIdForMessageId: (id) => (id === "known@h" ? "report-1" : null),
      recipients: ["security+EMB-2026-0002@example.org"],
      subject: "Re: EMB-2026-0003",
    });
    expect(match).toEqual({ by: "message-id", reportId: "report-1" });
  });

  it("takes the first referenced id that a report is known for, in the order given", () => {
    const seen: string[] = [];
    const match = chooseThread({
      ...base,
      referencedIds: ["a@h", "b@h", "c@h"],
      reportIdForMessageId: (id) => {
        seen.push(id);
        return id === "a@h" ? null : `report-for-${id}`;
      },
    });
    expect(match).toEqual({ by: "message-id", reportId: "report-for-b@h" });
    expect(seen).toEqual(["a@h", "b@h"]);
  });

  it("treats an empty report id from the lookup as unknown", () => {
    const match = chooseThread({ ...base, referencedIds: ["a@h"], reportIdForMessageId: () => "" });
    expect(match).toEqual({ by: "none" });
  });

  it("uses the plus-address when no referenced id is known, before the subject", () => {
    const match = chooseThread({
      ...base,
      referencedIds: ["unknown@h"],
      recipients: ["someone@example.net", "security+EMB-2026-0002@example.org"],
      subject: "Re: EMB-2026-0003",
    });
    expect(match).toEqual({ by: "plus-address", reference: "EMB-2026-0002" });
  });

  it("ignores plus-addresses of other mailboxes or domains", () => {
    const match = chooseThread({
      ...base,
      recipients: ["evil+EMB-2026-0009@example.org", "security+EMB-2026-0009@evil.test"],
      subject: "Re: [EMB-2026-0003] thanks",
    });
    expect(match).toEqual({ by: "subject", reference: "EMB-2026-0003" });
  });

  it("falls back to the subject reference", () => {
    expect(chooseThread({ ...base, subject: "Re: [emb-2026-0003] thanks" })).toEqual({
      by: "subject",
      reference: "EMB-2026-0003",
    });
  });

  it("returns none when every lookup comes back empty", () => {
    expect(
      chooseThread({
        ...base,
        referencedIds: ["a@h", "b@h"],
        recipients: [SECURITY, "other@example.net"],
        subject: "New vulnerability",
      }),
    ).toEqual({ by: "none" });
    expect(chooseThread(base)).toEqual({ by: "none" });
  });
});

describe("titleFromSubject", () => {
  const FALLBACK = "Report by email from a@example.net";

  it("keeps an ordinary subject as it is", () => {
    expect(titleFromSubject("SQL injection in /login", FALLBACK)).toBe("SQL injection in /login");
  });

  it("strips chains of reply and forward prefixes in several languages and cases", () => {
    expect(titleFromSubject("Re: Fwd: RE: [EMB-2026-0001] XSS in search", FALLBACK)).toBe(
      "[EMB-2026-0001] XSS in search",
    );
    expect(titleFromSubject("AW: WG: SV: VS: Fw: Open redirect", FALLBACK)).toBe("Open redirect");
    expect(titleFromSubject("re:re:RE :  Open redirect", FALLBACK)).toBe("Open redirect");
  });

  it("strips reply counters like Re[2]: and Re [3] :", () => {
    expect(titleFromSubject("Re[2]: Re [3] : Fwd[10]: CSRF on settings", FALLBACK)).toBe("CSRF on settings");
  });

  it("does not strip words that merely start like a prefix", () => {
    expect(titleFromSubject("Reflected XSS: search", FALLBACK)).toBe("Reflected XSS: search");
    expect(titleFromSubject("Research: timing leak", FALLBACK)).toBe("Research: timing leak");
    expect(titleFromSubject("Awkward CSRF", FALLBACK)).toBe("Awkward CSRF");
  });

  it("removes newlines, tabs and control characters and collapses whitespace", () => {
    expect(titleFromSubject("Line\r\none\tand\u0000two\u007f  three   ", FALLBACK)).toBe(
      "Line one and two three",
    );
  });

  it("strips a prefix that follows control characters", () => {
    expect(titleFromSubject("\r\n\tRe:\u0007Heap overflow", FALLBACK)).toBe("Heap overflow");
  });

  it("uses the fallback for null, empty, whitespace-only and shorter-than-5 titles", () => {
    expect(titleFromSubject(null, FALLBACK)).toBe(FALLBACK);
    expect(titleFromSubject(undefined, FALLBACK)).toBe(FALLBACK);
    expect(titleFromSubject("", FALLBACK)).toBe(FALLBACK);
    expect(titleFromSubject(" \t\r\n ", FALLBACK)).toBe(FALLBACK);
    expect(titleFromSubject("Re: Fwd: ", FALLBACK)).toBe(FALLBACK);
    expect(titleFromSubject("Re: Bug", FALLBACK)).toBe(FALLBACK);
    expect(titleFromSubject("Re: Bugs!", FALLBACK)).toBe("Bugs!");
  });

  it("cuts a 300-character subject to 200 characters ending in an ellipsis", () => {
    const title = titleFromSubject("x".repeat(300), FALLBACK);
    expect(title).toHaveLength(200);
    expect(title.endsWith("…")).toBe(true);
    expect(title.slice(0, 199)).toBe("x".repeat(199));
  });

  it("keeps a subject of exactly 200 characters whole", () => {
    const subject = "y".repeat(200);
    expect(titleFromSubject(subject, FALLBACK)).toBe(subject);
  });

  it("does not cut an emoji in half at the 200-character limit", () => {
    const title = titleFromSubject(`${"a".repeat(198)}😀${"b".repeat(10)}`, FALLBACK);
    expect(title).toBe(`${"a".repeat(198)}…`);
    expect(title).not.toMatch(/[\ud800-\udfff]/);
    const whole = titleFromSubject(`${"a".repeat(197)}😀${"b".repeat(10)}`, FALLBACK);
    expect(whole).toBe(`${"a".repeat(197)}😀…`);
    expect(whole).toHaveLength(200);
  });

  it("handles a huge subject quickly", () => {
    const started = performance.now();
    expect(titleFromSubject(`${"Re: ".repeat(10_000)}${"z ".repeat(100_000)}`, FALLBACK)).toHaveLength(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("stripQuotedTail", () => {
  it("drops a trailing quote block and its English attribution line", () => {
    const text = lf(
      "Thanks, that fixes it.",
      "",
      "On Mon, 1 Jan 2026 at 10:00, Security Team <security@example.org> wrote:",
      "> Please retest.",
      "> ",
      "> Regards",
      "",
    );
    expect(stripQuotedTail(text)).toBe("Thanks, that fixes it.");
  });

  it("drops a German attribution that ends in schrieb:", () => {
    expect(stripQuotedTail(lf("Danke!", "Max Mustermann schrieb:", "> Bitte prüfen."))).toBe("Danke!");
  });

  it("drops the German attribution mailers actually write, with the name after schrieb", () => {
    const thunderbird = lf("Danke!", "", "Am 01.01.26 um 10:00 schrieb Max Mustermann:", "> Bitte prüfen.");
    expect(stripQuotedTail(thunderbird)).toBe("Danke!");
    const gmail = lf(
      "Danke!",
      "",
      "Am Mo., 1. Jan. 2026 um 10:00 Uhr schrieb Security Team <security@example.org>:",
      "> Bitte prüfen.",
    );
    expect(stripQuotedTail(gmail)).toBe("Danke!");
  });

  it("drops a Scandinavian attribution with the name after skrev", () => {
    expect(
      stripQuotedTail(lf("Tack!", "Den mån 1 jan. 2026 kl 10:00 skrev Sven <s@example.se>:", "> Hej")),
    ).toBe("Tack!");
  });

  it("drops a French attribution with a space or a no-break space before the colon", () => {
    for (const space of [" ", "\u00a0", "\u202f", ""]) {
      const text = lf(
        "Merci.",
        "",
        `Le lun. 1 janv. 2026 à 10:00, Jean <jean@example.fr> a écrit${space}:`,
        "> Salut",
      );
      expect(stripQuotedTail(text)).toBe("Merci.");
    }
  });

  it("drops Spanish and Italian attributions", () => {
    expect(stripQuotedTail(lf("Gracias", "El lun, 1 ene 2026, Ana escribió:", "> hola"))).toBe("Gracias");
    expect(stripQuotedTail(lf("Grazie", "Il giorno lun 1 gen 2026 Mario ha scritto:", "> ciao"))).toBe(
      "Grazie",
    );
  });

  it("keeps a line above the quote that is not an attribution", () => {
    expect(stripQuotedTail(lf("My answer is below the question:", "", "> question"))).toBe(
      "My answer is below the question:",
    );
    expect(stripQuotedTail(lf("Noted.", "See the report for details", "> old text"))).toBe(
      lf("Noted.", "See the report for details"),
    );
  });

  it("does not take schrieb inside another word for an attribution", () => {
    expect(stripQuotedTail(lf("Hi", "Die Beschreibung:", "> text"))).toBe(lf("Hi", "Die Beschreibung:"));
  });

  it("keeps the whole text when the quote sits in the middle with text after it", () => {
    const text = lf("On Mon, Alice wrote:", "> Is it fixed?", "", "Yes, in 1.2.3.");
    expect(stripQuotedTail(text)).toBe(text);
  });

  it("keeps interleaved answers and drops only the quote after the last one", () => {
    const text = lf(
      "> Question one?",
      "Answer one.",
      "> Question two?",
      "Answer two.",
      "> Signature of the sender",
    );
    expect(stripQuotedTail(text)).toBe(
      lf("> Question one?", "Answer one.", "> Question two?", "Answer two."),
    );
  });

  it("keeps a reply that is all quote whole, attribution included", () => {
    expect(stripQuotedTail(lf("> only", "> quote"))).toBe(lf("> only", "> quote"));
    expect(stripQuotedTail(lf("On Mon, Alice wrote:", "> only quote", ""))).toBe(
      lf("On Mon, Alice wrote:", "> only quote"),
    );
  });

  it("treats indented and unspaced > lines as quote", () => {
    expect(stripQuotedTail(lf("Reply", "  > indented", ">unspaced", ">> nested"))).toBe("Reply");
  });

  it("reads CRLF input and returns the kept text with LF line breaks", () => {
    const text = crlf("Line one", "Line two", "", "On Mon, Alice wrote:", "> quote", "> more", "");
    expect(stripQuotedTail(text)).toBe(lf("Line one", "Line two"));
  });

  it("trims text without a quote and returns empty text as empty", () => {
    expect(stripQuotedTail("  \n Just text \n\n")).toBe("Just text");
    expect(stripQuotedTail("")).toBe("");
    expect(stripQuotedTail("\n\n")).toBe("");
  });

  it("handles a long reply with a long quote quickly", () => {
    const text = `${"answer line\n".repeat(20_000)}On x wrote:\n${"> quoted\n".repeat(20_000)}`;
    const started = performance.now();
    expect(stripQuotedTail(text)).toBe("answer line\n".repeat(20_000).trim());
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("checks a huge attribution-like line quickly", () => {
    const text = `Hi\n${"schrieb ".repeat(100_000)}\n> q`;
    const started = performance.now();
    expect(stripQuotedTail(text)).toBe(`Hi\n${"schrieb ".repeat(100_000).trim()}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("titleFromSubject and referencedIds: disguise and long lists", () => {
  it("removes direction overrides, zero-width and C1 control characters that could disguise a title", () => {
    expect(titleFromSubject("Invoice \u202eexe.pdf\u202c bug\u200b report", "fallback")).toBe(
      "Invoice exe.pdf bug report",
    );
    expect(titleFromSubject("\u0085\u009bSQL injection\ufeff", "fallback")).toBe("SQL injection");
  });

  it("strips reply chains deeper than five, and Antw:/TR: prefixes", () => {
    expect(titleFromSubject("Re: Re: Re: Re: Re: Re: Re: XSS in search", "x")).toBe("XSS in search");
    expect(titleFromSubject("Antw: TR: Open redirect", "x")).toBe("Open redirect");
  });

  it("keeps the newest References when there are more than the cap", () => {
    const refs = Array.from({ length: 150 }, (_, i) => `<ref-${i}@x>`).join(" ");
    const ids = referencedIds(null, refs);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe("ref-149@x");
    expect(ids).not.toContain("ref-0@x");
  });
});

describe("automaticMailReason", () => {
  const fields = (head: string) => parseHeaderBlock(head);
  const ours = ["security@example.org"];
  const person = "From: Rita <rita@researcher.test>\r\nSubject: XSS";

  it("takes ordinary mail from a person, also through a group alias that marks it as list mail", () => {
    expect(automaticMailReason(fields(person), "text/plain", ours)).toBeNull();
    expect(
      automaticMailReason(
        fields(`${person}\r\nList-Id: <security.example.org>\r\nPrecedence: list\r\nAuto-Submitted: no`),
        "multipart/mixed",
        ours,
      ),
    ).toBeNull();
  });

  it("recognises RFC 3834 auto-replies, bounces, reports and out-of-office headers", () => {
    const cases: [string, string, RegExp][] = [
      [`${person}\r\nAuto-Submitted: auto-replied`, "text/plain", /Auto-Submitted: auto-replied/],
      [`${person}\r\nAUTO-SUBMITTED: Auto-Generated`, "text/plain", /auto-generated/],
      [person, "multipart/report", /delivery or read report/],
      ["From: Mail Delivery System <MAILER-DAEMON@mx.example.net>", "text/plain", /bounce/],
      ["From: postmaster@example.net", "text/plain", /bounce/],
      [`${person}\r\nReturn-Path: <>`, "text/plain", /empty Return-Path/],
      [`${person}\r\nPrecedence: bulk`, "text/plain", /Precedence: bulk/],
      [`${person}\r\nPrecedence: auto_reply`, "text/plain", /auto_reply/],
      [`${person}\r\nX-Autoreply: yes`, "text/plain", /x-autoreply/],
      [`${person}\r\nX-Autorespond: `, "text/plain", /x-autorespond/],
    ];
    for (const [head, type, reason] of cases)
      expect(automaticMailReason(fields(head), type, ours), head).toMatch(reason);
  });

  it("refuses mail from our own security address, whatever the case, so our mail never answers itself", () => {
    expect(automaticMailReason(fields("From: Security <Security@Example.org>"), "text/plain", ours)).toMatch(
      /our own/,
    );
    expect(automaticMailReason(fields("From: security@example.org"), "text/plain", ours)).toMatch(/our own/);
    expect(automaticMailReason(fields("From: security+x@example.org"), "text/plain", ours)).toBeNull();
  });
});

describe("bounces of our own mail", () => {
  const id = "0b7e4c1a-3f2d-4e5f-8a9b-0c1d2e3f4a5b";
  it("finds the outbox ids a delivery report quotes, only for our host, without repeats", () => {
    const raw = `Message-ID: <${id}@embargo.test>\r\nReferences: <${id}@embargo.test> <${id.replace("0b", "ff")}@other.test>\r\n<not-a-uuid@embargo.test>`;
    expect(bouncedOutboxIds(raw, "embargo.test")).toEqual([id]);
    expect(bouncedOutboxIds(raw, "EMBARGO.TEST")).toEqual([id]);
    expect(bouncedOutboxIds("no ids here", "embargo.test")).toEqual([]);
  });

  it("caps the ids it returns", () => {
    const many = Array.from(
      { length: 50 },
      (_, i) => `<${id.slice(0, -2)}${String(i).padStart(2, "0")}@embargo.test>`,
    ).join(" ");
    expect(bouncedOutboxIds(many, "embargo.test")).toHaveLength(20);
  });

  it("reads the diagnostic, folded lines joined, else the status code, else nothing", () => {
    expect(bounceDiagnostic("Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n  in table\r\nOther: x")).toBe(
      "550 5.1.1 User unknown in table",
    );
    expect(bounceDiagnostic("Action: failed\r\nStatus: 4.4.7\r\n")).toBe("status 4.4.7");
    expect(bounceDiagnostic("just text")).toBeNull();
    expect(bounceDiagnostic(`Diagnostic-Code: ${"x".repeat(1000)}`)!.length).toBe(300);
  });
});

describe("mayJoinThread", () => {
  it("lets an answer to our own Message-ID join from any address", () => {
    expect(mayJoinThread({ by: "message-id", reportId: "r" }, "other@x.test", "rita@x.test")).toBe(true);
    expect(mayJoinThread({ by: "message-id", reportId: "r" }, null, null)).toBe(true);
  });

  it("lets a plus-address or subject reference join only from the report's own address, in any case", () => {
    for (const by of ["plus-address", "subject"] as const) {
      const match = { by, reference: "EMB-2026-0001" };
      expect(mayJoinThread(match, "Rita@X.test", "rita@x.test")).toBe(true);
      expect(mayJoinThread(match, "mallory@evil.test", "rita@x.test")).toBe(false);
      // A report filed without an address cannot be joined by naming it.
      expect(mayJoinThread(match, "rita@x.test", null)).toBe(false);
      expect(mayJoinThread(match, null, "rita@x.test")).toBe(false);
    }
  });

  it("joins nothing without a match", () => {
    expect(mayJoinThread({ by: "none" }, "rita@x.test", "rita@x.test")).toBe(false);
  });
});

describe("decideThread: who may join a report by mail", () => {
  const RITA_FPR = "AAAA1111BBBB2222CCCC3333DDDD4444EEEE5555";
  const byId = { by: "message-id", reportId: "r" } as const;
  const bySubject = { by: "subject", reference: "EMB-2026-0001" } as const;
  const byPlus = { by: "plus-address", reference: "EMB-2026-0001" } as const;
  const verified = (fingerprint: string) => ({ status: "verified", fingerprint }) as const;
  const cases: [string, Parameters<typeof decideThread>[0], ReturnType<typeof decideThread>][] = [
    [
      "no match is a new report",
      {
        match: { by: "none" },
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "unsigned" },
        reporterKeyFingerprint: null,
      },
      { decision: "new" },
    ],
    [
      "our Message-ID joins unsigned",
      {
        match: byId,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "unsigned" },
        reporterKeyFingerprint: null,
      },
      { decision: "join" },
    ],
    [
      "our Message-ID joins from another address",
      {
        match: byId,
        sender: "cc@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "bad" },
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "join" },
    ],
    [
      "subject from another address is refused",
      {
        match: bySubject,
        sender: "mallory@evil.test",
        reporterEmail: "rita@x.test",
        signature: verified(RITA_FPR),
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "refuse" },
    ],
    [
      "subject without sender is refused",
      {
        match: bySubject,
        sender: null,
        reporterEmail: "rita@x.test",
        signature: { status: "unsigned" },
        reporterKeyFingerprint: null,
      },
      { decision: "refuse" },
    ],
    [
      "subject, reporter without address, is refused",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: null,
        signature: verified(RITA_FPR),
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "refuse" },
    ],
    [
      "forged From + subject, unsigned, is held",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "unsigned" },
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "hold", reason: "unsigned" },
    ],
    [
      "forged From + plus-address, unsigned, is held",
      {
        match: byPlus,
        sender: "RITA@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "unsigned" },
        reporterKeyFingerprint: null,
      },
      { decision: "hold", reason: "unsigned" },
    ],
    [
      "a bad signature is held",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "bad" },
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "hold", reason: "bad_signature" },
    ],
    [
      "a signature by a key we lack is held",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: { status: "unknown_key" },
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "hold", reason: "unknown_key" },
    ],
    [
      "signed, but no key on file, is held",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: verified(RITA_FPR),
        reporterKeyFingerprint: null,
      },
      { decision: "hold", reason: "no_key_on_file" },
    ],
    [
      "signed by the key attached to the forgery is held",
      {
        match: byPlus,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: verified("FFFF0000FFFF0000FFFF0000FFFF0000FFFF0000"),
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "hold", reason: "other_key" },
    ],
    [
      "an empty fingerprint on file never matches",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: verified(""),
        reporterKeyFingerprint: " ",
      },
      { decision: "hold", reason: "other_key" },
    ],
    [
      "signed by the reporter's key on file joins",
      {
        match: bySubject,
        sender: "rita@x.test",
        reporterEmail: "rita@x.test",
        signature: verified(RITA_FPR),
        reporterKeyFingerprint: RITA_FPR,
      },
      { decision: "join" },
    ],
    [
      "fingerprints compare without case and spaces",
      {
        match: byPlus,
        sender: "rita@x.test",
        reporterEmail: "Rita@X.test",
        signature: verified(RITA_FPR.toLowerCase()),
        reporterKeyFingerprint: RITA_FPR.replace(/(.{4})/g, "$1 "),
      },
      { decision: "join" },
    ],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(decideThread(input)).toEqual(expected);
  });
});

describe("decideKey: a key that came with a mail", () => {
  const A = "AAAA1111BBBB2222CCCC3333DDDD4444EEEE5555";
  const B = "BBBB1111BBBB2222CCCC3333DDDD4444EEEE5555";
  const cases: [string, Parameters<typeof decideKey>[0], ReturnType<typeof decideKey>][] = [
    ["no key, nothing", { newReport: false, attachedFingerprint: null, onFileFingerprint: null }, "none"],
    [
      "an empty fingerprint, nothing",
      { newReport: true, attachedFingerprint: "  ", onFileFingerprint: null },
      "none",
    ],
    [
      "a new report keeps its key",
      { newReport: true, attachedFingerprint: A, onFileFingerprint: null },
      "adopt",
    ],
    [
      "a reply's key when none is on file waits",
      { newReport: false, attachedFingerprint: A, onFileFingerprint: null },
      "pending",
    ],
    [
      "a reply's other key waits",
      { newReport: false, attachedFingerprint: B, onFileFingerprint: A },
      "pending",
    ],
    [
      "a reply's same key changes nothing",
      { newReport: false, attachedFingerprint: A.toLowerCase(), onFileFingerprint: A },
      "none",
    ],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(decideKey(input)).toBe(expected);
  });
});
