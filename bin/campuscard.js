#!/usr/bin/env node
// Entry point of `npx campuscard` and `npm start`. It runs dist/server/main.js, the sources
// bundled by esbuild (rebuilt here first when a source changed since), because loading one file
// is about a second faster than having tsx transform every source at each start. When the bundle
// cannot be built (esbuild missing, read-only install, a source that does not compile), it runs
// the TypeScript sources through tsx's loader as before: either way, the code run is the code in src/.
import { serverBundleUrl } from '../scripts/server-bundle.mjs';

stopWithNpm();
const bundle = await serverBundleUrl();
if (bundle) {
  // Stack traces name the bundle's lines; NODE_OPTIONS=--enable-source-maps maps them back to src/
  // through dist/server/main.js.map (not on by default: reading the map costs 0.1 s at each start).
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

/**
 * Under `npm start` (or `npx campuscard`), stops when npm is told to stop. npm runs a script
 * through `sh -c` and forwards SIGINT/SIGTERM to that shell only; Debian's dash then exits
 * without passing the signal on, and this process would go on serving, orphaned, holding the port
 * and the data directory's lock. So while npm started us, losing the parent (the shell, or npm
 * itself when it ran us directly) is taken as the SIGTERM that was meant for us: the command's own
 * handler then shuts down cleanly (serve: finish requests and jobs, close the database), and a
 * command without one ends at once. Outside npm (systemd, a container, `nohup node …`) an orphaned
 * process is a normal daemon and is left alone. Polling is the only portable way to notice the
 * parent going; four times a second costs nothing measurable. npm's own variables are read here,
 * in the launcher, because they describe how the process was started, not campuscard's settings.
 */
function stopWithNpm() {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 250);
  watch.unref();
}
