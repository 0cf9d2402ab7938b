import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCityData } from '../../core/city/loadCityData.js';

/** One distinctive datum of a city and the pattern that finds it in a text. */
export interface CityString {
  /** Where it comes from, e.g. `departments.json: code PUPR`. */
  from: string;
  pattern: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A code as a word of its own: `DLH` in "ke DLH." but not in "DLHK". */
const word = (s: string, flags = '') => new RegExp(`(?<![\\p{L}\\p{N}])${escape(s)}(?![\\p{L}\\p{N}])`, `u${flags}`);
/** Names of one word ("Inspektorat", "Sampah", "Other") are common words, not a city's own. */
const distinctive = (s: string) => /\s/.test(s.trim());

/**
 * The distinctive strings of a city's data folder, read from its files (not listed by hand):
 * its name, office, phones and addresses; department codes and names; permit codes, names and
 * requirements; complaint category names; the escalation chain's addresses; the time zone and its
 * label; the example NOP, its region prefix and the first NOP of its ledger. A second city's
 * replies must contain none of them.
 */
export function cityStrings(dir: string): CityString[] {
  const city = loadCityData(dir);
  const found: CityString[] = [];
  const add = (from: string, pattern: RegExp) => found.push({ from, pattern });
  const text = (from: string, value: string | undefined) => {
    if (value && distinctive(value)) add(from, new RegExp(escape(value), 'i'));
  };

  text('city.json: name', city.name);
  text('city.json: office.name', city.office.name);
  text('city.json: office.shortName', city.office.shortName);
  text('city.json: office.address', city.office.address);
  add('city.json: office.phone', new RegExp(escape(city.office.phone)));
  add('city.json: timezone', new RegExp(escape(city.timezone)));
  add('city.json: timezoneLabel', word(city.timezoneLabel));
  for (const level of city.sla.escalation) {
    for (const email of level.emails) add('city.json: escalation email', new RegExp(escape(email), 'i'));
    for (const phone of level.phones) add('city.json: escalation phone', new RegExp(phone.slice(2)));
  }
  for (const d of city.departments) {
    // "INSPEKTORAT" named "Inspektorat" is a plain word, not a code.
    if (d.code.toLowerCase() !== d.name.toLowerCase()) add(`departments.json: code ${d.code}`, word(d.code, 'i'));
    text(`departments.json: ${d.code} name`, d.name);
    if (d.phone) add(`departments.json: ${d.code} phone`, new RegExp(escape(d.phone)));
  }
  for (const c of city.complaintCategories) {
    for (const lang of ['id', 'en'] as const) {
      text(`departments.json: category ${c.code}`, c.name[lang]);
      text(`departments.json: category ${c.code} shortName`, c.shortName?.[lang]);
    }
  }
  for (const p of city.permitTypes) {
    add(`permit-types.json: code ${p.code}`, word(p.code));
    for (const lang of ['id', 'en'] as const) {
      text(`permit-types.json: ${p.code} name`, p.name[lang]);
      text(`permit-types.json: ${p.code} shortName`, p.shortName?.[lang]);
    }
    for (const r of p.requirements)
      for (const lang of ['id', 'en'] as const) text(`permit-types.json: ${p.code} requirement`, r[lang]);
  }
  const nops = [city.pbb.exampleNop, firstLedgerNop(dir)].filter((n): n is string => Boolean(n));
  for (const nop of nops) {
    add(`NOP ${nop}`, new RegExp(escape(nop)));
    add(`NOP ${nop} as digits`, new RegExp(nop.replace(/\D/g, '')));
    // The region, as printed: "12.75." at the start of a NOP.
    add(`NOP region of ${nop}`, new RegExp(`(?<![\\d.])${escape(nop.slice(0, 6))}\\d{3}\\.`));
  }
  // The same datum may come from two places (a code used as a permit's and a word's): once each.
  return found.filter((s, i) => found.findIndex((t) => t.pattern.source === s.pattern.source) === i);
}

/** The first NOP of the ledger file beside the city data, if the folder has one. */
function firstLedgerNop(dir: string): string | undefined {
  for (const file of ['pbb-sppt-demo.csv', 'pbb-sppt.csv']) {
    try {
      const second = readFileSync(path.join(dir, file), 'utf8').split('\n', 2)[1] ?? '';
      return second.split(',')[0] || undefined;
    } catch {
      // no ledger of that name
    }
  }
  return undefined;
}

/** Which of `strings` occur in `text`, each with a little of the text around it. */
export function findCityStrings(strings: CityString[], text: string): string[] {
  const hits: string[] = [];
  for (const s of strings) {
    const m = s.pattern.exec(text);
    if (m) hits.push(`${s.from}: "...${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30)}..."`);
  }
  return hits;
}
