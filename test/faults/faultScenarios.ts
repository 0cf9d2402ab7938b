import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { eventually } from '../support/startApp.js';
import type { FaultScenario } from './runFaultScenario.js';

/** How big a run is: the CI's short form, or `npm run chaos`. */
export interface FaultScale {
  citizens: number;
  perSecond: number;
  trafficMs: number;
  /** The long PostgreSQL outage, across a deadline. */
  outageMs: number;
}

export const SHORT: FaultScale = { citizens: 12, perSecond: 6, trafficMs: 8000, outageMs: 20_000 };
export const LONG: FaultScale = { citizens: 100, perSecond: 25, trafficMs: 30_000, outageMs: 45_000 };

/**
 * The faults of the fault table, each in the middle of citizens' traffic. The processes are
 * restarted at once after a kill, as a supervisor (systemd, Docker's restart policy) would.
 */
export function faultScenarios(scale: FaultScale): {
  processes: FaultScenario[];
  redis: FaultScenario[];
  postgres: FaultScenario[];
} {
  const base = { citizens: scale.citizens, perSecond: scale.perSecond, trafficMs: scale.trafficMs };
  const third = Math.round(scale.trafficMs / 3);
  return {
    processes: [
      {
        ...base,
        fault: 'kill -9 of the web process',
        faultAtMs: third,
        inject: async (rig) => {
          await rig.web.kill('SIGKILL');
          await rig.web.start();
        },
      },
      {
        ...base,
        fault: 'kill -9 of the worker mid-send',
        faultAtMs: third,
        inject: async (rig) => {
          // Killed while Twilio holds a reply it has accepted: the worker never hears of it.
          const before = rig.twilio.calls.length;
          rig.twilio.hold = true;
          await eventually(() => rig.twilio.calls.length > before, 30_000);
          await rig.worker.kill('SIGKILL');
          rig.twilio.release();
          await rig.worker.start();
        },
      },
      {
        ...base,
        fault: 'SIGTERM of web and worker',
        faultAtMs: third,
        inject: async (rig) => {
          // Each must end by its own shutdown, not by the kill that follows a timeout.
          await rig.web.terminate();
          await rig.web.start();
          await rig.worker.terminate();
          await rig.worker.start();
        },
      },
    ],
    redis: [
      {
        ...base,
        fault: 'Redis FLUSHALL',
        faultAtMs: third,
        deadlineAfterFaultMs: 3000,
        inject: async (rig) => {
          const client = new Redis(rig.redis.url);
          await client.flushall();
          client.disconnect();
        },
      },
      {
        ...base,
        fault: 'Redis restart (empty, 5 s down)',
        faultAtMs: third,
        deadlineAfterFaultMs: 3000,
        inject: async (rig) => {
          await rig.redis.kill();
          await sleep(5000);
          await rig.redis.start();
        },
      },
    ],
    postgres: [
      {
        ...base,
        fault: 'PostgreSQL restart (3 s down)',
        faultAtMs: third,
        inject: async (rig) => {
          await rig.proxy.cut();
          await sleep(3000);
          await rig.proxy.resume();
        },
      },
      {
        ...base,
        fault: `PostgreSQL down ${scale.outageMs / 1000} s across a deadline`,
        faultAtMs: third,
        // Early in the outage: the timer's own retries (about 15 s of them on main) run out long before it ends.
        deadlineAfterFaultMs: 2000,
        trafficMs: third + scale.outageMs + 3000,
        inject: async (rig) => {
          await rig.proxy.cut();
          await sleep(scale.outageMs);
          await rig.proxy.resume();
        },
      },
    ],
  };
}
