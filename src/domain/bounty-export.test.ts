import { describe, expect, it } from "vitest";
import {
  bountyCsv,
  csvCell,
  explorerLink,
  explorerProblem,
  maskedHint,
  plainAmount,
} from "./bounty-export.ts";

describe("bounty CSV", () => {
  it("quotes every cell and doubles inner quotes", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(null)).toBe('""');
  });

  it.each(['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])(
    "defuses a cell a spreadsheet would run: %j",
    (value) => {
      const cell = csvCell(value);
      expect(cell.startsWith(`"'`)).toBe(true);
    },
  );

  it("writes a header and one CRLF line per row", () => {
    const csv = bountyCsv([
      {
        reference: "EMB-2026-0001",
        date: "2026-03-02",
        amount: "1500.00",
        currency: "EUR",
        state: "paid",
        payoutMethod: "iban",
      },
    ]);
    expect(csv).toBe(
      '"reference","date","amount","currency","state","payout method"\r\n"EMB-2026-0001","2026-03-02","1500.00","EUR","paid","iban"\r\n',
    );
  });

  it("writes amounts as plain decimals", () => {
    expect(plainAmount(150000)).toBe("1500.00");
    expect(plainAmount(5)).toBe("0.05");
  });
});

describe("block-explorer templates", () => {
  it("accepts an https template with {tx} once", () => {
    expect(explorerProblem("https://etherscan.io/tx/{tx}")).toBeNull();
    expect(explorerProblem("https://mempool.space/tx/{tx}")).toBeNull();
  });

  it.each([
    ["http://etherscan.io/tx/{tx}", /https/],
    ["https://etherscan.io/tx/", /\{tx\}/],
    ["https://etherscan.io/{tx}/{tx}", /exactly once/],
    ["https://{tx}.example/", /host/],
    ["https://user:pw@etherscan.io/tx/{tx}", /password/],
    ["javascript:alert(1)//{tx}", /https/],
    ["", /Give/],
    [42, /Give/],
  ])("refuses %j", (template, problem) => {
    expect(explorerProblem(template)).toMatch(problem);
  });

  it("links a payment and refuses a reference that would change the URL", () => {
    expect(explorerLink("https://etherscan.io/tx/{tx}", "0xabc123")).toBe("https://etherscan.io/tx/0xabc123");
    expect(explorerLink("https://etherscan.io/tx/{tx}", "../../evil?x=1")).toBeNull();
    expect(explorerLink(null, "0xabc")).toBeNull();
  });

  it("masks an address to its last four characters", () => {
    expect(maskedHint("DE89370400440532013000")).toBe("…3000");
    expect(maskedHint("DE89 3704 0044 0532 0130 00")).toBe("…3000");
  });
});
