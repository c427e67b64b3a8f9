// Builds the web app (dashboards/app → dashboards/dist) when it is missing or stale: the sources,
// the lock file and the contract it imports are hashed, and the hash kept beside the build.
//   node --import tsx scripts/build-app.ts [--force]
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dashboards/dist');
const stamp = join(out, '.build-hash');

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** What the build depends on: the app, the server's contract types and the installed packages. */
export async function sourceHash(): Promise<string> {
  const h = createHash('sha256');
  const inputs = [...(await files(join(root, 'dashboards/app'))), ...(await files(join(root, 'controller/api/contract'))), join(root, 'package-lock.json')].sort();
  for (const f of inputs) h.update(relative(root, f)).update('\0').update(await readFile(f));
  return h.digest('hex');
}

/** Builds unless the last build is of the same sources; says which. */
export async function buildApp(force = false): Promise<'built' | 'fresh'> {
  const want = await sourceHash();
  const have = await readFile(stamp, 'utf8').catch(() => '');
  if (!force && have === want) return 'fresh';
  const { build } = await import('vite');
  await build({ configFile: join(root, 'dashboards/app/vite.config.ts') });
  await writeFile(stamp, want);
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildApp(process.argv.includes('--force'));
  console.log(r === 'built' ? 'web app built (dashboards/dist)' : 'web app up to date');
}
