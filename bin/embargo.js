#!/usr/bin/env node
// Runs the compiled dist/main.js, which `npm install` builds (the `prepare` script) and `npm run build` rebuilds.
// EMBARGO_RUN_SOURCES=1 runs src/main.ts through tsx instead (tests that spawn the CLI do this). Without a
// dist/, or with one older than a file in src/ (a `git pull` without `npm install`), the sources run too, after
// a one-line notice: a slower start, but never code older than the checkout.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "dist", "main.js");
const src = path.join(root, "src");

/** Why dist/ cannot run, or null when it is there and no source file is newer. */
function distProblem() {
  let built;
  try {
    built = fs.statSync(dist).mtimeMs;
  } catch {
    return "dist/ is not built";
  }
  if (!fs.existsSync(src)) return null; // an install without sources: dist/ is all there is
  for (const name of fs.readdirSync(src, { recursive: true })) {
    if (
      /\.tsx?$/.test(name) &&
      !/\.test\.tsx?$/.test(name) &&
      fs.statSync(path.join(src, name)).mtimeMs > built
    )
      return `src/${name} is newer than dist/`;
  }
  return null;
}

let entry;
if (process.env.EMBARGO_RUN_SOURCES === "1") entry = "sources";
else {
  const problem = distProblem();
  if (problem) {
    entry = "sources";
    process.stderr.write(
      `embargo: ${problem}; running the sources (slower start). \`npm run build\` fixes this.\n`,
    );
  } else entry = "dist";
}

let main;
if (entry === "dist") {
  // Stack traces name dist/main.js lines; NODE_OPTIONS=--enable-source-maps maps them to src/ (it costs start time).
  ({ main } = await import(pathToFileURL(dist).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(pathToFileURL(path.join(src, "main.ts")).href));
}
process.exitCode = await main(process.argv);
