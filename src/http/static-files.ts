// The files under /static/: our own (public/), htmx from node_modules, and any other file a feature serves (the
// browser build of OpenPGP.js for the encrypted report form), read once at start so no page needs another origin.

import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PROJECT_ROOT } from "../core/project-root.ts";

const require = createRequire(import.meta.url);

/** Every static file by its path under /static/, with its content type. */
export function staticFiles(
  extra: readonly { path: string; file: string }[] = [],
): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const types: Record<string, string> = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
  };
  const walk = (dir: string, prefix: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else
        files.set(`${prefix}${entry.name}`, {
          body: fs.readFileSync(full),
          type: types[path.extname(entry.name)] ?? "application/octet-stream",
        });
    }
  };
  walk(path.join(PROJECT_ROOT, "public"), "");
  files.set("js/htmx.min.js", {
    body: fs.readFileSync(require.resolve("htmx.org/dist/htmx.min.js")),
    type: types[".js"] as string,
  });
  for (const { path: at, file } of extra)
    files.set(at, { body: fs.readFileSync(file), type: types[".js"] as string });
  return files;
}
