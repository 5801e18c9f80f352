/**
 * A module imported on the first call and shared after, for libraries only some paths need (OpenPGP.js,
 * ImapFlow, Nodemailer, postal-mime): a server that never touches them does not load them at start, which is
 * most of its start time and memory. `lazyImport(() => import("x"))` keeps the module's own type.
 */
export function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
