import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT as root } from "../../core/project-root.ts";

const version = (
  JSON.parse(fs.readFileSync(path.join(root, "node_modules/openpgp/package.json"), "utf8")) as {
    version: string;
  }
).version;

/**
 * OpenPGP.js's browser build, served under /static/ from node_modules so the report form never loads code
 * from another origin. The version is in the name, so browsers may cache it for good and an upgrade
 * changes the address.
 */
export const OPENPGP_BROWSER_PATH = `vendor/openpgp-${version}.min.mjs`;
export const OPENPGP_BROWSER_FILE = path.join(root, "node_modules/openpgp/dist/openpgp.min.mjs");

/** Where /static/js/encrypt-report.js posts the report form once it has encrypted it in the browser. */
export const ENCRYPTED_FORM_PATH = "/report/encrypted";
