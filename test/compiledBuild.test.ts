import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCityData } from '../core/city/loadCityData.js';
import { AppProcess } from './support/AppProcess.js';
import { ROOT, runCommand } from './support/runCommand.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// The compiled build as production runs it: `tsc -p tsconfig.build.json` (what `npm run build`
// runs) into a folder of its own, then plain `node` on the JavaScript, no tsx and no npm.

const STARTS = 20;
const city = loadCityData(path.join(ROOT, 'city/default'));

let out: string;
let db: TestDatabase;
const dataDirs: string[] = [];

beforeAll(async () => {
  // Each app process watches this one's exit (to be killed with it).
  process.setMaxListeners(STARTS + 10);
  mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
  out = mkdtempSync(path.join(ROOT, 'test-output', 'build-'));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT });
  db = await createTestDatabase('postgresql', { migrated: false });
}, 240_000);

afterAll(async () => {
  await db?.drop();
  rmSync(out, { recursive: true, force: true });
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((f) => f.isFile() && f.name.endsWith('.js'))
    .map((f) => path.join(f.parentPath, f.name));
}

const runNode = (script: string, args: string[], settings: Record<string, string>, input = '') =>
  runCommand(process.execPath, [path.join(out, script), ...args], settings, input);

describe('the compiled build', () => {
  it('needs only production dependencies, and carries no test code', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const files = jsFiles(out);
    expect(files.some((f) => f.endsWith(path.join('app', 'main.js')))).toBe(true);
    expect(files.filter((f) => f.includes('.test.'))).toEqual([]);
    const packages = new Set<string>();
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        packages.add(specifier!);
      }
      for (const [, specifier] of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) packages.add(specifier!);
    }
    const bare = [...packages]
      .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
      .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
    expect(bare.length).toBeGreaterThan(5);
    expect([...new Set(bare)].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  it(`${STARTS} processes started at once on a fresh database all come up, migrating and syncing the city once`, async () => {
    const apps = Array.from({ length: STARTS }, (_, i) => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lk-build-'));
      dataDirs.push(dataDir);
      return new AppProcess(
        `web ${i + 1}`,
        { DATABASE_URL: db.url!, ROLES: 'web', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
        path.join(dataDir, 'app.log'),
        [path.join(out, 'app/main.js')],
      );
    });
    try {
      await Promise.all(apps.map((app) => app.start(240_000)));
      const logs = apps.map((app) => app.log());
      const count = (msg: string) => logs.filter((log) => log.includes(`"msg":"${msg}"`)).length;
      expect(count('LayanKota started')).toBe(STARTS);
      expect(count('migrations applied')).toBe(1);
      expect(count('city data synced')).toBe(1);
      for (const log of logs) {
        const port = Number(/"port":(\d+),"msg":"web role listening"/.exec(log)?.[1]);
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
      }
      expect(await db.prisma.department.count()).toBe(city.departments.length);
      expect(await db.prisma.permitType.count({ where: { retiredAt: null } })).toBe(city.permitTypes.length);
      expect((await db.prisma.citySync.findUniqueOrThrow({ where: { id: 1 } })).city).toBe(city.name);
    } finally {
      const ended = await Promise.all(apps.map((app) => app.kill('SIGTERM', 30_000)));
      expect(ended.map((e) => e.code)).toEqual(apps.map(() => 0));
    }
  }, 360_000);

  it('imports the demo ledger and answers a PBB lookup from its command lines', async () => {
    const settings = { DATABASE_URL: db.url! };
    const imported = await runNode('core/pbb/importCli.js', ['city/default/pbb-sppt-demo.csv'], settings);
    expect(imported.stdout).toMatch(/inserted: +6000\n/);
    expect(imported.code).toBe(0);
    const chat = await runNode('bots/console/main.js', ['--channel', 'sms'], settings, 'pbb\n127504000300915550\n');
    expect(chat.stdout).toContain('PBB 12.75.040.003.009-1555.0 a.n. DA*** HU********');
    expect(chat.stdout).toContain('Total tagihan termasuk denda: Rp');
    expect(chat.stderr).toBe('');
    expect(chat.code).toBe(0);
  }, 120_000);
});
