import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7, toGsm7, type SegmentCount } from './gsm7.js';

const a = (n: number) => 'a'.repeat(n);
const EMOJI = '😀'; // U+1F600: a surrogate pair, 2 UTF-16 units
const MACRON = 'ā'; // U+0101: outside GSM-7, 1 UTF-16 unit

describe('countSegments', () => {
  it.each<{ label: string; text: string; expected: SegmentCount }>([
    { label: 'empty', text: '', expected: { encoding: 'GSM-7', units: 0, segments: 0 } },
    { label: '160 GSM characters fit one SMS', text: a(160), expected: { encoding: 'GSM-7', units: 160, segments: 1 } },
    { label: '161 need two parts', text: a(161), expected: { encoding: 'GSM-7', units: 161, segments: 2 } },
    { label: '306 = 2 x 153 fill two parts', text: a(306), expected: { encoding: 'GSM-7', units: 306, segments: 2 } },
    { label: '307 need a third', text: a(307), expected: { encoding: 'GSM-7', units: 307, segments: 3 } },
    {
      label: 'Greek capitals, £ and newline are in the basic table',
      text: `ΔΦΓ£\n${a(155)}`,
      expected: { encoding: 'GSM-7', units: 160, segments: 1 },
    },
    {
      label: 'each extension character counts 2',
      text: '€[]{}\\^~|',
      expected: { encoding: 'GSM-7', units: 18, segments: 1 },
    },
    // 158 + 2 = 160: still one SMS; 159 + 2 = 161: two.
    { label: '158 plain + €', text: `${a(158)}€`, expected: { encoding: 'GSM-7', units: 160, segments: 1 } },
    {
      label: '159 plain + € = 161 units',
      text: `${a(159)}€`,
      expected: { encoding: 'GSM-7', units: 161, segments: 2 },
    },
    // Part 1 takes 153 a's exactly, then € + 151 a's = 153.
    {
      label: '€ right after a full part',
      text: `${a(153)}€${a(151)}`,
      expected: { encoding: 'GSM-7', units: 306, segments: 2 },
    },
    // 152 + 2 would be 154 > 153, so € opens part 2 (2 + 152 = 154 > 153), pushing one a into part 3.
    {
      label: '€ that would straddle a part boundary moves to the next part',
      text: `${a(152)}€${a(152)}`,
      expected: { encoding: 'GSM-7', units: 306, segments: 3 },
    },
    {
      label: 'one non-GSM letter makes UCS-2: 70 fit',
      text: `${MACRON}${a(69)}`,
      expected: { encoding: 'UCS-2', units: 70, segments: 1 },
    },
    {
      label: 'UCS-2: 71 need two parts',
      text: `${MACRON}${a(70)}`,
      expected: { encoding: 'UCS-2', units: 71, segments: 2 },
    },
    {
      label: 'UCS-2: 134 = 2 x 67',
      text: `${MACRON}${a(133)}`,
      expected: { encoding: 'UCS-2', units: 134, segments: 2 },
    },
    {
      label: 'UCS-2: 135 need a third',
      text: `${MACRON}${a(134)}`,
      expected: { encoding: 'UCS-2', units: 135, segments: 3 },
    },
    {
      label: 'an emoji counts 2 units',
      text: `${EMOJI}${a(68)}`,
      expected: { encoding: 'UCS-2', units: 70, segments: 1 },
    },
    {
      label: 'emoji + 69 = 71 units',
      text: `${EMOJI}${a(69)}`,
      expected: { encoding: 'UCS-2', units: 71, segments: 2 },
    },
    // 65 + 2 = 67 fills part 1 exactly; 67 more fill part 2.
    {
      label: 'an emoji ending a part',
      text: `${a(65)}${EMOJI}${a(67)}`,
      expected: { encoding: 'UCS-2', units: 134, segments: 2 },
    },
    // 66 + 2 = 68 > 67: the pair is not split, it opens part 2 (2 + 66 = 68 > 67), one a goes to part 3.
    {
      label: 'an emoji never straddles two parts',
      text: `${a(66)}${EMOJI}${a(66)}`,
      expected: { encoding: 'UCS-2', units: 134, segments: 3 },
    },
    // In UCS-2 every character is its UTF-16 length: € is 1, not 2.
    {
      label: '€ in a UCS-2 text counts 1',
      text: `${MACRON}€${a(68)}`,
      expected: { encoding: 'UCS-2', units: 70, segments: 1 },
    },
  ])('$label', ({ text, expected }) => {
    expect(countSegments(text)).toEqual(expected);
  });
});

describe('isGsm7', () => {
  it.each([
    { text: '', gsm: true },
    { text: 'Balas 1 Izin, 2 Aduan', gsm: true },
    { text: 'Rp10.000 @ 5% (€) [ok]', gsm: true },
    { text: 'é è ù ì ò à Ç É Ä Ö Ñ Ü ä ö ñ ü', gsm: true },
    { text: 'á', gsm: false },
    { text: 'ç', gsm: false },
    { text: '“quoted”', gsm: false },
    { text: EMOJI, gsm: false },
  ])('$text -> $gsm', ({ text, gsm }) => {
    expect(isGsm7(text)).toBe(gsm);
  });
});

describe('toGsm7', () => {
  const cases = [
    { label: 'curly double quotes', text: '“Halo”', gsm: '"Halo"' },
    { label: 'curly single quotes and backtick', text: '‘ok’ `x´', gsm: "'ok' 'x'" },
    { label: 'guillemets', text: '«ya»', gsm: '"ya"' },
    { label: 'en and em dashes', text: 'a – b — c', gsm: 'a - b - c' },
    { label: 'ellipsis', text: 'tunggu…', gsm: 'tunggu...' },
    { label: 'non-breaking and narrow spaces', text: 'Rp\u00a0100\u202fribu', gsm: 'Rp 100 ribu' },
    { label: 'tab', text: 'a\tb', gsm: 'a b' },
    { label: 'zero-width characters vanish', text: 'a\u200bb\ufeffc', gsm: 'abc' },
    { label: 'bullet', text: '• item', gsm: '- item' },
    { label: 'emoji removed, doubled space collapsed', text: 'terima kasih 🙏 ya', gsm: 'terima kasih ya' },
    { label: 'emoji with variation selector', text: 'suka ❤️', gsm: 'suka ' },
    {
      label: 'accents GSM has stay',
      text: 'é è ù ì ò à ä ö ñ ü Ç É Ä Ö Ñ Ü å Å ø Ø æ Æ ß',
      gsm: 'é è ù ì ò à ä ö ñ ü Ç É Ä Ö Ñ Ü å Å ø Ø æ Æ ß',
    },
    { label: 'accents GSM lacks are dropped', text: 'á í ó ú ê ç Á È ā', gsm: 'a i o u e c A E a' },
    { label: 'a combining accent is dropped', text: 'Pengadu\u0301an', gsm: 'Pengaduan' },
    { label: 'extension characters stay', text: '€ [x] {y} ~ | ^ \\', gsm: '€ [x] {y} ~ | ^ \\' },
    {
      label: 'plain text is untouched',
      text: 'Balas 1 Izin, 2 Aduan\nRp10.000',
      gsm: 'Balas 1 Izin, 2 Aduan\nRp10.000',
    },
  ];

  it.each(cases)('$label', ({ text, gsm }) => {
    expect(toGsm7(text)).toBe(gsm);
  });

  it.each(cases)('its output is GSM-7 and converting again changes nothing: $label', ({ text }) => {
    const once = toGsm7(text);
    expect(isGsm7(once)).toBe(true);
    expect(toGsm7(once)).toBe(once);
  });
});
