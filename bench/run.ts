import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { PrivateRedisCluster } from '../test/support/PrivateRedisCluster.js';
import { benchClusterNodes, BenchContext, REDIS_URL, redisServers } from './BenchContext.js';
import { connectRedis } from '../app/connectRedis.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { checkTargets, type BenchReport } from './BenchReport.js';
import { FULL, QUICK } from './benchScale.js';
import { BENCH_SERVER_URL } from './createBenchDatabase.js';
import { formatReport } from './formatReport.js';
import { measureInbound } from './measureInbound.js';
import { measureMemory } from './measureMemory.js';
import { measurePbbImport } from './measurePbbImport.js';
import { measureSlaTimers } from './measureSlaTimers.js';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const SECTIONS = ['inbound', 'timers', 'memory', 'import'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench [-- --quick] [-- --only=inbound,timers,memory,import] [-- --no-profile]
  --quick       the same measurements at a small scale (a smoke check, under a minute)
  --only=...    some sections only (scale-out belongs to inbound)
  --profile     also profile the inbound path with node --cpu-prof (default in the full run)
  --no-profile  skip that
  --redis-cluster  the queues on a Redis Cluster: a local one of three masters the bench starts
                (redis-server, redis-cli), or BENCH_REDIS_CLUSTER_NODES=host:port,... when set
  --table       print the table of bench/results/latest.json (or --table=<file>) without measuring`;

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') ?? [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  const known = new Set(['--quick', '--profile', '--no-profile', '--redis-cluster', '--help', '-h']);
  const strange = argv.filter((a) => !known.has(a) && !a.startsWith('--only=') && !/^--table(=|$)/.test(a));
  if (argv.includes('--help') || argv.includes('-h') || unknown.length > 0 || strange.length > 0) {
    console.error(USAGE);
    process.exit(argv.includes('--help') || argv.includes('-h') ? 0 : 2);
  }
  const profile = argv.includes('--profile') || (!quick && !argv.includes('--no-profile'));
  const tableArg = argv.find((a) => /^--table(=|$)/.test(a));
  const table = tableArg ? tableArg.slice('--table='.length) || path.join(RESULTS, 'latest.json') : null;
  return { quick, only: only as Section[], profile, table, redisCluster: argv.includes('--redis-cluster') };
}

async function describeMachine(): Promise<BenchReport['machine']> {
  const cpus = os.cpus();
  const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const info = await redis.info('server');
  redis.disconnect();
  const nodes = benchClusterNodes();
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    postgres: rows[0]?.server_version ?? 'unknown',
    redis: nodes ? `${version} (the queues on a cluster of ${nodes.split(',').length} masters: ${nodes})` : version,
  };
}

/** Removes every Redis key of this run's prefixes (queues the app processes left behind). */
async function deleteRedisKeys(runId: string): Promise<void> {
  const nodes = benchClusterNodes();
  const { redis, reason } = await connectRedis(nodes ? loadConfig({ REDIS_CLUSTER_NODES: nodes }).redis! : REDIS_URL);
  if (!redis) throw new Error(`Redis is not reachable: ${reason}`);
  // On a cluster the prefixes are hash tags, on each master its own keys.
  const pattern = nodes ? `{bench-${runId}-*` : `bench-${runId}-*`;
  try {
    for (const server of redisServers(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) await server.unlink(key);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * `npm run bench`: LayanKota's figures, each measured beside its floor in the same run, against
 * the real PostgreSQL and Redis; a table on stdout, JSON in bench/results/.
 */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.table) {
    console.log(formatReport(JSON.parse(readFileSync(args.table, 'utf8')) as BenchReport));
    return 0;
  }
  const ctx = new BenchContext(args.quick ? QUICK : FULL, { profile: args.profile });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    ctx.log('interrupted: cleaning up');
    ctx.interrupt.abort();
    // Let the load loops see it and their last requests finish, then undo everything.
    void new Promise((resolve) => setTimeout(resolve, 1000)).then(() => ctx.cleanUp()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (args.redisCluster && !benchClusterNodes()) {
    const cluster = new PrivateRedisCluster();
    ctx.defer('local Redis Cluster', () => cluster.stop());
    await cluster.start();
    process.env.BENCH_REDIS_CLUSTER_NODES = cluster.nodes;
    ctx.log(`Redis Cluster of 3 masters on ${cluster.nodes}`);
  }
  ctx.defer('Redis keys of this run', () => deleteRedisKeys(ctx.runId));

  const startedAt = new Date().toISOString();
  const machine = await describeMachine();
  ctx.log(
    `${ctx.scale.name} run ${ctx.runId} on ${machine.cpuModel} × ${machine.cores}, load ${machine.loadAverage.join(' ')}`,
  );
  const partial: Omit<BenchReport, 'targets' | 'finishedAt'> = {
    mode: ctx.scale.name,
    startedAt,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine,
    errors: {},
  };
  const run = async (section: Section, measure: () => Promise<void>) => {
    if (!args.only.includes(section)) return;
    const started = performance.now();
    try {
      await measure();
    } catch (error) {
      partial.errors[section] = (error as Error).message;
      ctx.log(`${section} failed: ${(error as Error).stack ?? (error as Error).message}`);
    }
    ctx.log(`${section} took ${Math.round((performance.now() - started) / 1000)} s`);
  };
  try {
    await run('inbound', async () => {
      const { inbound, scaleOut } = await measureInbound(ctx);
      partial.inbound = inbound;
      partial.scaleOut = scaleOut;
    });
    await run('timers', async () => {
      partial.timers = await measureSlaTimers(ctx);
    });
    await run('memory', async () => {
      partial.memory = await measureMemory(ctx);
    });
    await run('import', async () => {
      partial.import = await measurePbbImport(ctx);
    });
  } finally {
    await ctx.cleanUp();
  }

  const report: BenchReport = { ...partial, finishedAt: new Date().toISOString(), targets: checkTargets(partial) };
  mkdirSync(RESULTS, { recursive: true });
  // A run of some sections only never stands in for a whole one.
  const suffix = `${report.mode === 'quick' ? '-quick' : ''}${args.redisCluster ? '-cluster' : ''}${args.only.length < SECTIONS.length ? '-partial' : ''}`;
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(path.join(RESULTS, `latest${suffix}.json`), json);
  writeFileSync(path.join(RESULTS, `${startedAt.replace(/[:.]/g, '-')}${suffix}.json`), json);
  console.log(formatReport(report));
  if (report.inbound?.profile) {
    console.log('\nWhere the inbound path spends its CPU (self time, node --cpu-prof):');
    for (const m of report.inbound.profile.byModule.slice(0, 12))
      console.log(`  ${String(m.percent).padStart(5)}%  ${m.name}`);
    console.log('Top functions:');
    for (const f of report.inbound.profile.topFunctions.slice(0, 15))
      console.log(`  ${String(f.percent).padStart(5)}%  ${f.name}`);
  }
  console.log(`\nJSON: ${path.relative(process.cwd(), path.join(RESULTS, `latest${suffix}.json`))}`);
  return Object.keys(report.errors).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
