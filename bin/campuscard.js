#!/usr/bin/env node
// Entry point of `npx campuscard` and `npm start`. It runs dist/server/main.js, the sources
// bundled by esbuild (rebuilt here first when a source changed since), because loading one file
// is about a second faster than having tsx transform every source at each start. When the bundle
// cannot be built (esbuild missing, read-only install, a source that does not compile), it runs
// the TypeScript sources through tsx's loader as before: either way, the code run is the code in src/.
import { serverBundleUrl } from '../scripts/server-bundle.mjs';

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
