/**
 * Text from clients as the database can hold it. PostgreSQL text cannot hold U+0000, and no report, reply or
 * setting needs it: input carrying one is refused at the edge with the field named, instead of failing deep
 * inside an insert as a 500. JSON's \uXXXX escapes can also spell half a surrogate pair, which is no character
 * at all: it becomes U+FFFD, as any UTF-8 encoder writes it.
 */

/** Unpaired UTF-16 surrogates: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with every unpaired surrogate replaced by U+FFFD (String.prototype.toWellFormed). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

interface Step {
  value: unknown;
  /** The key or index that led here, and the step it came from; the path is spelled out only on a hit. */
  key: string | number | null;
  parent: Step | null;
}

function pathOf(step: Step): string {
  const parts: string[] = [];
  for (let s: Step | null = step; s && s.key !== null; s = s.parent) {
    parts.push(typeof s.key === "number" ? `[${s.key}]` : s.parent?.key === null ? s.key : `.${s.key}`);
  }
  return parts.reverse().join("") || "the body";
}

/** Where the first NUL sits in a parsed JSON value or form ("title", "attachments[0].filename"), or null. */
export function firstNulPath(value: unknown): string | null {
  // An explicit stack: a JSON body may nest 100,000 levels deep, far past what recursion survives.
  const stack: Step[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const v = step.value;
    if (typeof v === "string") {
      if (v.includes("\u0000")) return pathOf(step);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: step });
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const next = { value: (v as Record<string, unknown>)[key], key, parent: step };
        if (key.includes("\u0000")) return pathOf(next);
        stack.push(next);
      }
    }
  }
  return null;
}

/** The refusal people read: which field, and what to do. */
export function nulMessage(path: string): string {
  const where = path.replaceAll("\u0000", "\\u0000").slice(0, 100);
  return `${where} contains a NUL character (U+0000), which text cannot hold. Remove it and send again.`;
}
