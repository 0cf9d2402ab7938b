import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { LEDGER_COLUMNS } from '../core/pbb/importLedger.js';
import { seededRandom } from './seededRandom.js';

const STREETS = ['Veteran', 'Sudirman', 'Merdeka', 'Gatot Subroto', 'Diponegoro', 'Kenanga', 'Melati', 'Pemuda'];
const GIVEN = ['DARMA', 'SITI', 'RAHMAT', 'DEWI', 'AGUS', 'RINA', 'HENDRA', 'NUR', 'YUSUF', 'LESTARI', 'FAJAR'];
const FAMILY = ['HUTAGALUNG', 'NASUTION', 'SIREGAR', 'LUBIS', 'HARAHAP', 'SARAGIH', 'SINAGA', 'SANTOSO', 'WIJAYA'];
const YEARS = [2023, 2024, 2025, 2026];

/**
 * Writes a synthetic PBB ledger in the demo's layout (city/default/pbb-sppt-demo.csv): one line
 * per SPPT, four years per tax object, NOPs written `PP.DD.KKK.LLL.BBB-NNNN.J`, addresses
 * quoted, older years mostly paid. Returns the NOPs (18 digits) it wrote.
 */
export async function generatePbbLedger(file: string, rows: number, seed = 3): Promise<string[]> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const objects = Math.ceil(rows / YEARS.length);
  const out = createWriteStream(file);
  const nops: string[] = [];
  let chunk = `${LEDGER_COLUMNS.join(',')}\n`;
  let written = 0;
  for (let i = 0; i < objects && written < rows; i++) {
    // The block and serial carry i, so every NOP is distinct.
    const kecamatan = String(10 + (i % 90) * 10).padStart(3, '0');
    const kelurahan = String(1 + (Math.floor(i / 90) % 20)).padStart(3, '0');
    const block = String(Math.floor(i / 10_000)).padStart(3, '0');
    const serial = String(i % 10_000).padStart(4, '0');
    const digits = `1275${kecamatan}${kelurahan}${block}${serial}0`;
    nops.push(digits);
    const nop = `12.75.${kecamatan}.${kelurahan}.${block}-${serial}.0`;
    const name = `${pick(GIVEN)} ${pick(FAMILY)}`;
    const address = `"Jl. ${pick(STREETS)} No. ${1 + Math.floor(random() * 200)}"`;
    const land = 60 + Math.floor(random() * 1500);
    const building = Math.floor(random() * 400);
    const perM2 = 300_000 + Math.floor(random() * 700_000);
    for (const [y, year] of YEARS.entries()) {
      if (written >= rows) break;
      const njop = Math.round((land + building * 2) * perM2 * (1 + 0.04 * y));
      const due = Math.max(0, Math.round(njop * 0.001 - 10_000));
      const paid =
        y < 3 && random() < 0.8 ? `${year}-0${5 + Math.floor(random() * 3)}-1${Math.floor(random() * 9)}` : '';
      chunk += `${nop},${year},${name},${address},${land},${building},${njop},${due},${year}-08-31,${paid}\n`;
      written++;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return nops;
}
