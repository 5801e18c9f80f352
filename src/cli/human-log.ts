// In a terminal, `serve` logs sentences rather than JSON: a pino destination that rewrites each record.

const LEVELS: Record<number, string> = {
  10: "trace: ",
  20: "debug: ",
  30: "",
  40: "warning: ",
  50: "error: ",
  60: "fatal: ",
};
const OMIT = new Set(["level", "time", "msg", "pid", "hostname", "err"]);

/** One pino JSON line as a person reads it: "warning: <message> (key=value, …)", then an error's stack. */
export function humanLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  const level = LEVELS[Number(record.level)] ?? "";
  const extra = Object.entries(record)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const err = record.err as { message?: unknown; stack?: unknown } | undefined;
  const stack =
    typeof err?.stack === "string"
      ? `\n${err.stack}`
      : typeof err?.message === "string"
        ? `\n${err.message}`
        : "";
  const msg = typeof record.msg === "string" ? record.msg : "";
  return `${level}${msg}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}${stack}\n`;
}

/** A pino destination writing humanLogLine's form of every record to `write` (stderr in main.ts). */
export function humanLogDestination(write: (text: string) => void): { write(line: string): void } {
  return { write: (line: string) => write(humanLogLine(line.trimEnd())) };
}
