/**
 * NOP (Nomor Objek Pajak): the 18-digit number of a PBB tax object, written
 * `PP.DD.KKK.LLL.BBB-NNNN.J` (province, city, kecamatan, kelurahan, block, serial, special code).
 */
export type NopParse =
  { ok: true; nop: string } | { ok: false; reason: 'none' } | { ok: false; reason: 'length'; digits: number };

const NOP_LENGTH = 18;
/** Runs of digits with the dots, dashes, slashes and spaces people write between them (`match`, `replace`). */
export const NOP_DIGIT_RUNS = /\d[\d.\s\-/]*\d|\d/g;

/**
 * Finds a NOP in loosely typed text: dots, dashes and spaces anywhere, other words around it.
 * @example parseNop('pbb 12.75.040.003.009-1555.0') // { ok: true, nop: '127504000300915550' }
 */
export function parseNop(text: string): NopParse {
  const runs = text.match(NOP_DIGIT_RUNS);
  if (!runs) return { ok: false, reason: 'none' };
  let longest = '';
  for (const run of runs) {
    const digits = run.replace(/\D/g, '');
    // "127504000300915550 2024": a NOP followed by a year. Whole groups that add up to exactly
    // 18 digits from the start of the run are the NOP.
    let prefix = '';
    for (const group of run.split(/\s+/)) {
      prefix += group.replace(/\D/g, '');
      if (prefix.length === NOP_LENGTH) return { ok: true, nop: prefix };
      if (prefix.length > NOP_LENGTH) break;
    }
    if (digits.length > longest.length) longest = digits;
  }
  return { ok: false, reason: 'length', digits: longest.length };
}

/** Writes 18 bare digits in the usual `PP.DD.KKK.LLL.BBB-NNNN.J` form. */
export function formatNop(nop: string): string {
  const m = /^(\d{2})(\d{2})(\d{3})(\d{3})(\d{3})(\d{4})(\d)$/.exec(nop);
  if (!m) return nop;
  return `${m[1]}.${m[2]}.${m[3]}.${m[4]}.${m[5]}-${m[6]}.${m[7]}`;
}
