/**
 * NOP (Nomor Objek Pajak): the 18-digit number of a PBB tax object, written
 * `PP.DD.KKK.LLL.BBB-NNNN.J` (province, city, kecamatan, kelurahan, block, serial, special code).
 */
export type NopParse =
  { ok: true; nop: string } | { ok: false; reason: 'none' } | { ok: false; reason: 'length'; digits: number };

const NOP_LENGTH = 18;

/**
 * Finds a NOP in loosely typed text: dots, dashes and spaces anywhere, other words around it.
 * @example parseNop('pbb 12.75.040.003.009-1555.0') // { ok: true, nop: '127504000300915550' }
 */
export function parseNop(text: string): NopParse {
  const runs = text.match(/\d[\d.\s\-/]*\d|\d/g);
  if (!runs) return { ok: false, reason: 'none' };
  const digits = runs.map((r) => r.replace(/\D/g, '')).sort((a, b) => b.length - a.length)[0] ?? '';
  if (digits.length === NOP_LENGTH) return { ok: true, nop: digits };
  return { ok: false, reason: 'length', digits: digits.length };
}

/** Writes 18 bare digits in the usual `PP.DD.KKK.LLL.BBB-NNNN.J` form. */
export function formatNop(nop: string): string {
  const m = /^(\d{2})(\d{2})(\d{3})(\d{3})(\d{3})(\d{4})(\d)$/.exec(nop);
  if (!m) return nop;
  return `${m[1]}.${m[2]}.${m[3]}.${m[4]}.${m[5]}-${m[6]}.${m[7]}`;
}
