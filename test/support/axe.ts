import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser build, evaluated in a page over CDP, which the page's CSP does not govern. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
  passes: unknown[];
}

/**
 * axe-core's run over a page (or the part `include` selects): its violations as "rule (impact):
 * help at selectors", only those of the given impacts (all when unset), and how many rules passed,
 * so a test can tell a real check from one that found nothing to check.
 */
export async function runAxe(
  page: Page,
  options: { include?: string; impacts?: string[] } = {},
): Promise<{ violations: string[]; passes: number }> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async (include) => {
    const axe = (globalThis as unknown as { axe: { run(context?: unknown): Promise<AxeResults> } }).axe;
    const r = await (include ? axe.run({ include: [include] }) : axe.run());
    return { violations: r.violations, passes: r.passes.length };
  }, options.include ?? null);
  return {
    passes: results.passes,
    violations: results.violations
      .filter((v) => !options.impacts || options.impacts.includes(v.impact ?? ''))
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  };
}

/** The impacts the Command Center's pages must have none of. */
export const SERIOUS = ['serious', 'critical'];
