#!/usr/bin/env node
// Compiles src/ into one ES module, dist/main.js (plus its source map), which `bin/embargo.js` runs.
// `npm install` runs this through the `prepare` script; `npm run build` runs it by hand.
// Packages stay outside the bundle: they load from node_modules as usual, and the ones only some paths need
// (OpenPGP.js, ImapFlow, Nodemailer, postal-mime) load at first use through their lazy loaders.
// Usage: node scripts/build.js [outDir]   (default: dist)
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.resolve(root, process.argv[2] ?? "dist");

await build({
  absWorkingDir: root,
  entryPoints: ["src/main.ts"],
  outdir,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  packages: "external",
  sourcemap: true,
  // JSX settings come from tsconfig.json (react-jsx with hono/jsx), the same ones tsc and vitest use.
  tsconfig: "tsconfig.json",
  logLevel: "warning",
});
