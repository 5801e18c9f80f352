import fs from "node:fs";
import path from "node:path";

/**
 * The directory holding package.json, migrations/, public/ and node_modules/: the nearest ancestor of this
 * file with a package.json. Found by walking up rather than by a fixed number of `..`, because this code
 * runs from src/core/ (tests, EMBARGO_RUN_SOURCES=1) and from the one-file bundle dist/main.js alike.
 */
export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
