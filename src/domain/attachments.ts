/** Attachment limits in one place: the form, the JSON intake and replies all apply them. */
export const ATTACHMENT_LIMITS = {
  maxFiles: 5,
  maxFileBytes: 10 * 1024 * 1024,
  maxTotalBytes: 25 * 1024 * 1024,
};

/**
 * The largest report request: the files above, base64 in JSON, plus the text. An encrypted report may unpack to
 * no more than this either, so a small compressed message cannot grow into gigabytes.
 */
export const MAX_REPORT_REQUEST_BYTES = 40 * 1024 * 1024;

/** Allowed files by extension; the stored content type comes from here, never from the client. */
export const ATTACHMENT_TYPES: Readonly<Record<string, string>> = {
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  xml: "application/xml",
  har: "application/json",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  webm: "video/webm",
  zip: "application/zip",
  gz: "application/gzip",
  patch: "text/x-diff",
  diff: "text/x-diff",
  py: "text/plain",
  js: "text/plain",
  html: "text/plain",
  sh: "text/plain",
};

export interface IncomingFile {
  filename: string;
  size: number;
}

/** Cleans a client-supplied file name down to something safe to show and to put in Content-Disposition. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "_")
    .replace(/^\.+/, "")
    .trim()
    .slice(0, 120);
  return cleaned || "attachment";
}

/** The stored content type for a name, or null when the type is not allowed. */
export function attachmentContentType(filename: string): string | null {
  const ext = filename.toLowerCase().split(".").pop() ?? "";
  return Object.hasOwn(ATTACHMENT_TYPES, ext) ? ATTACHMENT_TYPES[ext]! : null;
}

/** Every problem with a set of files, as one message, or null when they are acceptable. */
export function attachmentsProblem(files: readonly IncomingFile[]): string | null {
  if (files.length > ATTACHMENT_LIMITS.maxFiles) return `Attach at most ${ATTACHMENT_LIMITS.maxFiles} files.`;
  const problems: string[] = [];
  let total = 0;
  for (const file of files) {
    total += file.size;
    const name = safeFilename(file.filename);
    if (file.size === 0) problems.push(`${name} is empty.`);
    if (file.size > ATTACHMENT_LIMITS.maxFileBytes) problems.push(`${name} is larger than 10 MB.`);
    if (!attachmentContentType(name)) {
      problems.push(
        `${name}: this file type is not accepted (use ${Object.keys(ATTACHMENT_TYPES).join(", ")}).`,
      );
    }
  }
  if (total > ATTACHMENT_LIMITS.maxTotalBytes)
    problems.push("The attachments together are larger than 25 MB.");
  return problems.length > 0 ? problems.join(" ") : null;
}
