/**
 * NIK (Nomor Induk Kependudukan): the 16-digit national ID number. Digits 1-6 are the region
 * (province, regency/city, district), 7-12 the birth date DDMMYY with 40 added to the day for
 * women, 13-16 a serial number.
 */

// Province codes in use (Aceh 11 ... Papua Barat Daya 96).
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75,
  76, 81, 82, 91, 92, 93, 94, 95, 96,
]);

export type NikCheck =
  | { ok: true; nik: string; sex: 'male' | 'female'; birthDate: { day: number; month: number; yy: number } }
  | { ok: false; reason: 'length' | 'region' | 'birthDate' | 'serial'; digits: number };

function isValidDayMonth(day: number, month: number, yy: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // A two-digit year fits 19yy or 20yy; 29 February is valid when either is a leap year.
  const leap = [1900 + yy, 2000 + yy].some((y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Checks a typed NIK: 16 digits (spaces and dots allowed), a known province, non-zero regency
 * and district, a real birth date, a non-zero serial.
 * @example checkNik('3171 0145 0190 0001') // { ok: true, sex: 'female', birthDate: { day: 5, month: 1, yy: 90 } }
 */
export function checkNik(text: string): NikCheck {
  const digits = text.replace(/[\s.-]/g, '');
  if (!/^\d{16}$/.test(digits)) return { ok: false, reason: 'length', digits: digits.replace(/\D/g, '').length };
  const n = (from: number, to: number) => Number(digits.slice(from, to));
  if (!PROVINCES.has(n(0, 2)) || n(2, 4) === 0 || n(4, 6) === 0) return { ok: false, reason: 'region', digits: 16 };
  const rawDay = n(6, 8);
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  const month = n(8, 10);
  const yy = n(10, 12);
  if (!isValidDayMonth(day, month, yy)) return { ok: false, reason: 'birthDate', digits: 16 };
  if (n(12, 16) === 0) return { ok: false, reason: 'serial', digits: 16 };
  return { ok: true, nik: digits, sex: female ? 'female' : 'male', birthDate: { day, month, yy } };
}
