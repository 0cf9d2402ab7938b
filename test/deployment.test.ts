import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// This machine has the docker client only (no engine, no compose plugin): the compose file is
// validated against the Compose Specification's own JSON schema (the one `docker compose config`
// checks), then read for what production needs; the Dockerfile is read statically.

const composeText = readFileSync('docker-compose.yml', 'utf8');
const draft07 = JSON.parse(readFileSync('node_modules/ajv/dist/refs/json-schema-draft-07.json', 'utf8')) as object;
const composeSchema = JSON.parse(readFileSync('test/fixtures/compose-spec/compose-spec.json', 'utf8')) as object;

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  restart?: string;
  stop_grace_period?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: string[];
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** The file as Compose reads it: YAML with merge keys (`<<: *anchor`) resolved. */
const raw = (): ComposeFile => parse(composeText, { merge: true }) as ComposeFile;

/**
 * Compose's interpolation of every string value, as the Compose Specification defines it:
 * `$$`, `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}`, `${VAR:?error}` / `${VAR?error}`,
 * `${VAR:+other}` / `${VAR+other}` (with a colon an empty value counts as unset).
 */
function interpolate<T>(value: T, env: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (
        whole,
        name: string | undefined,
        colon: string | undefined,
        op: string | undefined,
        arg: string,
        bare?: string,
      ) => {
        if (whole === '$$') return '$';
        const key = (name ?? bare)!;
        const set = colon ? Boolean(env[key]) : env[key] !== undefined;
        if (op === '-') return set ? env[key]! : arg;
        if (op === '?') {
          if (!set) throw new Error(`required variable ${key} is missing a value: ${arg}`);
          return env[key]!;
        }
        if (op === '+') return set ? arg : '';
        return env[key] ?? '';
      },
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}

const REQUIRED = { SESSION_SECRET: 'a'.repeat(64), POSTGRES_PASSWORD: 'b'.repeat(32) };

function validateCompose(document: unknown): string[] {
  // strictTypes off: the schema leaves `type` to its branches (oneOf), as draft-07 allows.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  // The schema names draft-07's meta-schema by its https address; Ajv knows it as http://...#.
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(composeSchema);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The Dockerfile's instructions per stage (continuations joined, comments left out). */
function dockerfileStages(): Array<{ from: string; name: string | undefined; lines: string[] }> {
  const logical = readFileSync('Dockerfile', 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Array<{ from: string; name: string | undefined; lines: string[] }> = [];
  for (const line of logical) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2], lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

const instructions = (lines: string[], keyword: string) =>
  lines.filter((l) => l.toUpperCase().startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1).trim());

/** Whether .dockerignore keeps `file` out of the build context (its plain and `*` patterns). */
function ignoredByDockerignore(file: string): boolean {
  const patterns = readFileSync('.dockerignore', 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return patterns.some((pattern) => {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`);
    return re.test(file);
  });
}

describe('docker-compose.yml', () => {
  it('is valid by the Compose Specification schema, as written and once interpolated', () => {
    expect(validateCompose(raw())).toEqual([]);
    expect(validateCompose(interpolate(raw(), REQUIRED))).toEqual([]);
  });

  it('the schema check can fail: a misspelt key, an unknown condition and a wrong type are reported', () => {
    const broken = raw();
    (broken.services.web as Record<string, unknown>).restart_policy = 'always';
    broken.services.worker!.depends_on!.migrate!.condition = 'service_finished';
    broken.services.redis!.volumes = 'redisdata:/data' as unknown as string[];
    const errors = validateCompose(broken);
    expect(errors).toContain('/services/web must NOT have additional properties');
    expect(errors).toContain(
      '/services/worker/depends_on/migrate/condition must be equal to one of the allowed values',
    );
    expect(errors).toContain('/services/redis/volumes must be array');
  });

  it.each(Object.keys(REQUIRED))('refuses to start without %s (the :? interpolation), empty or unset', (name) => {
    expect(composeText).toMatch(new RegExp(`\\$\\{${name}:\\?[^}]+\\}`));
    const others = Object.fromEntries(Object.entries(REQUIRED).filter(([k]) => k !== name));
    expect(() => interpolate(raw(), others)).toThrow(`required variable ${name} is missing a value: set ${name}`);
    expect(() => interpolate(raw(), { ...others, [name]: '' })).toThrow(name);
  });

  it('gives every app service SESSION_SECRET (sign-ins survive restarts), NODE_ENV=production and the databases', () => {
    const { services } = interpolate(raw(), REQUIRED);
    for (const name of ['migrate', 'web', 'worker']) {
      expect(services[name]!.environment, name).toMatchObject({
        SESSION_SECRET: REQUIRED.SESSION_SECRET,
        NODE_ENV: 'production',
        DATABASE_URL: `postgresql://layankota:${REQUIRED.POSTGRES_PASSWORD}@postgres:5432/layankota`,
        REDIS_URL: 'redis://redis:6379',
      });
      expect(services[name]!.build, name).toBe('.');
    }
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toBe(REQUIRED.POSTGRES_PASSWORD);
  });

  it('runs web and worker as separate services, restarted when they stop, health-checked', () => {
    const { services } = interpolate(raw(), REQUIRED);
    expect(services.web!.environment!.ROLES).toBe('web');
    expect(services.worker!.environment!.ROLES!.split(',')).toEqual(['worker', 'bot']);
    expect(services.web!.ports).toEqual([`3000:${services.web!.environment!.PORT}`]);
    for (const name of ['web', 'worker', 'postgres', 'redis']) {
      expect(services[name]!.restart, name).toBe('unless-stopped');
      expect(services[name]!.healthcheck?.test?.length, name).toBeGreaterThan(1);
      expect(services[name]!.healthcheck?.disable, name).toBeUndefined();
    }
    for (const name of ['web', 'worker']) {
      expect(services[name]!.command, name).toEqual(['node', 'dist/app/main.js']);
      expect(services[name]!.healthcheck!.test, name).toEqual(['CMD', 'node', 'dist/app/healthcheck.js']);
    }
  });

  it('lets a stop take the app its own shutdown time before Docker kills it', () => {
    const { services } = raw();
    for (const name of ['web', 'worker']) {
      const environment = services[name]!.environment!;
      const shutdownSeconds = Number(environment.SHUTDOWN_TIMEOUT_SECONDS ?? 10);
      expect(Number(/^(\d+)s$/.exec(services[name]!.stop_grace_period!)![1]), name).toBeGreaterThan(shutdownSeconds);
    }
  });

  it('applies migrations once, before web and worker start', () => {
    const { services } = raw();
    expect(services.migrate!.command).toEqual(['node', 'dist/core/db/migrateCli.js']);
    expect(services.migrate!.restart).toBe('no');
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of ['web', 'worker']) {
      expect(services[name]!.depends_on, name).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('keeps Redis (queues, timers), PostgreSQL and the media on named volumes', () => {
    const { services, volumes } = raw();
    const redisCommand = services.redis!.command!.join(' ');
    expect(redisCommand).toContain('--appendonly yes');
    expect(redisCommand).toContain('--maxmemory-policy noeviction');
    expect(services.redis!.volumes).toEqual(['redisdata:/data']);
    expect(services.postgres!.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    for (const name of ['web', 'worker']) {
      expect(services[name]!.volumes, name).toEqual([`appdata:${services[name]!.environment!.DATA_DIR}`]);
    }
    expect(Object.keys(volumes).sort()).toEqual(['appdata', 'pgdata', 'redisdata']);
  });

  it('runs only what the build has: the compiled entry points exist as sources', () => {
    const { services } = raw();
    const entries = Object.values(services).flatMap((s) => [
      ...(s.command ?? []).filter((a) => a.startsWith('dist/')),
      ...(s.healthcheck?.test ?? []).filter((a) => a.startsWith('dist/')),
    ]);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries)
      expect(existsSync(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')), entry).toBe(true);
  });

  it("names only its own services in the README's and its own docker compose lines", () => {
    const services = Object.keys(raw().services);
    const lines = `${readFileSync('README.md', 'utf8')}\n${composeText}`.match(/docker compose [^`\n]*/g) ?? [];
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const named = /docker compose (?:logs(?: -f)?|exec|run --rm|restart|stop) ([a-z][\w-]*)/.exec(line);
      if (named) expect(services, line).toContain(named[1]);
    }
    for (const file of composeText.match(/dist\/[\w/]+\.js/g) ?? []) {
      expect(existsSync(file.replace(/^dist\//, '').replace(/\.js$/, '.ts')), file).toBe(true);
    }
  });
});

// Where the compose plugin is installed, Compose itself has the last word (not on the machine
// this was written on: `docker compose` is an unknown command there).
const composePlugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe.runIf(composePlugin)('docker compose config', () => {
  const config = (env: Record<string, string>) =>
    spawnSync('docker', ['compose', '--file', 'docker-compose.yml', 'config', '--quiet'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });

  it('accepts the file with the required settings, and names the one missing without them', () => {
    expect(config(REQUIRED).status).toBe(0);
    const missing = config({ POSTGRES_PASSWORD: REQUIRED.POSTGRES_PASSWORD });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set SESSION_SECRET');
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const final = stages.at(-1)!;

  it('builds in one stage and runs from node:20-bookworm-slim in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final.from).toBe('node:20-bookworm-slim');
    const build = stages.find((s) => s.name === 'build')!;
    const buildRuns = instructions(build.lines, 'RUN').join('\n');
    expect(buildRuns).toMatch(/npm ci(?! [^\n]*--omit=dev)/);
    expect(buildRuns).toContain('npm run prisma:generate');
    expect(buildRuns).toContain('npm run build');
    expect(instructions(final.lines, 'COPY')).toContain('--from=build /app/dist ./dist');
  });

  it('installs production dependencies only in the final stage, downloading no browser', () => {
    const runs = instructions(final.lines, 'RUN').join('\n');
    expect(runs).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(runs).toContain('--ignore-scripts');
    expect(instructions(final.lines, 'ENV').join(' ')).toContain('PUPPETEER_SKIP_DOWNLOAD=true');
    // Chromium (WhatsApp Web) stays a choice of the build.
    expect(instructions(final.lines, 'ARG')).toContain('WITH_CHROMIUM=false');
    expect(runs).toMatch(
      /if \[ "\$WITH_CHROMIUM" = "true" \]; then\s+apt-get update && apt-get install -y --no-install-recommends chromium/,
    );
  });

  it('runs as a user other than root, node on dist/ (no npm, no tsx), with a HEALTHCHECK', () => {
    const users = instructions(final.lines, 'USER');
    expect(users.at(-1)).toBe('node');
    expect(['root', '0']).not.toContain(users.at(-1));
    // USER comes after the last RUN: nothing of the running image's own is done as root later.
    const lastUser = final.lines.findLastIndex((l) => l.startsWith('USER '));
    expect(final.lines.findLastIndex((l) => l.startsWith('RUN '))).toBeLessThan(lastUser);
    const cmd = instructions(final.lines, 'CMD');
    expect(cmd).toEqual(['["node", "dist/app/main.js"]']);
    expect(instructions(final.lines, 'ENTRYPOINT')).toEqual([]);
    const healthchecks = instructions(final.lines, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]).toMatch(/CMD \["node", "dist\/app\/healthcheck\.js"\]$/);
    expect(instructions(final.lines, 'ENV').join(' ')).toMatch(/HEALTH_FILE=\/tmp\//);
    for (const line of [...cmd, ...healthchecks]) expect(line).not.toMatch(/\b(npm|npx|tsx)\b/);
  });

  it('copies into the final stage what the compiled code reads at run time', () => {
    const copies = instructions(final.lines, 'COPY').filter((c) => !c.startsWith('--from='));
    const sources = copies.flatMap((c) => c.split(/\s+/).slice(0, -1));
    for (const needed of ['package.json', 'package-lock.json', 'prisma', 'locales', 'web', 'city']) {
      expect(sources, needed).toContain(needed);
    }
  });

  it('copies only what exists and is in the build context (.dockerignore)', () => {
    const sources = stages
      .flatMap((s) => instructions(s.lines, 'COPY'))
      .filter((c) => !c.startsWith('--from='))
      .flatMap((c) => c.split(/\s+/).slice(0, -1))
      .filter((source) => source !== '.');
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(source), source).toBe(true);
      expect(ignoredByDockerignore(source), source).toBe(false);
    }
    // What tsc builds, and what the image must not carry from this machine.
    for (const kept of ['core/boot.ts', 'bots/registry.ts', 'app/main.ts', 'prisma/schema.prisma']) {
      expect(ignoredByDockerignore(kept), kept).toBe(false);
    }
    for (const left of ['node_modules', 'dist', 'data', '.env', 'core/generated/prisma', '.git']) {
      expect(ignoredByDockerignore(left), left).toBe(true);
    }
  });
});
