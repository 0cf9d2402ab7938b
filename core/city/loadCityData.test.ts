import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CityDataError, loadCityData } from './loadCityData.js';

const DEFAULT_DIR = 'city/default';
type Json = Record<string, unknown>;
type JsonFile = 'city.json' | 'departments.json' | 'permit-types.json';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the default city in the system temp dir, with one file edited. */
function brokenCity(file: JsonFile, edit: (data: Json) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lk-city-'));
  tempDirs.push(dir);
  cpSync(DEFAULT_DIR, dir, { recursive: true });
  const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;
  edit(data);
  writeFileSync(path.join(dir, file), JSON.stringify(data, null, 2));
  return dir;
}

function errorOf(dir: string): CityDataError {
  try {
    loadCityData(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(CityDataError);
    expect((error as Error).name).toBe('CityDataError');
    return error as CityDataError;
  }
  throw new Error(`loadCityData accepted ${dir}`);
}

interface PermitTypeJson {
  code: string;
  department: string;
  slaHours?: number;
  slaWorkingDays?: number;
}
const permitTypes = (data: Json) => data.permitTypes as PermitTypeJson[];
const departments = (data: Json) => data.departments as Array<{ code: string; handles: string[] }>;

describe('loadCityData', () => {
  it("reads the city's default language and each escalation level's, and refuses any other", () => {
    expect(loadCityData(DEFAULT_DIR).defaultLanguage).toBe('id');
    const english = loadCityData(
      brokenCity('city.json', (data) => {
        data.defaultLanguage = 'en';
        ((data.sla as Json).escalation as Json[])[1]!.language = 'id';
      }),
    );
    expect(english.defaultLanguage).toBe('en');
    expect(english.sla.escalation.map((l) => l.language)).toEqual([undefined, 'id']);

    expect(errorOf(brokenCity('city.json', (data) => (data.defaultLanguage = 'jv'))).message).toMatch(
      /city\.json.*defaultLanguage/s,
    );
    const badLevel = brokenCity('city.json', (data) => {
      ((data.sla as Json).escalation as Json[])[0]!.language = 'EN';
    });
    expect(errorOf(badLevel).message).toMatch(/sla\.escalation\.0\.language/);
  });

  it('loads the default city: 42 permit types, 21 online, every complaint category routed', () => {
    const city = loadCityData(DEFAULT_DIR);

    expect(city.name).toBe('Kota Contoh');
    expect(city.timezone).toBe('Asia/Jakarta');
    expect(city.permitTypes).toHaveLength(42);
    expect(city.permitTypes.filter((p) => p.online)).toHaveLength(21);
    expect(new Set(city.permitTypes.map((p) => p.code)).size).toBe(42);
    const departmentCodes = new Set(city.departments.map((d) => d.code));
    for (const p of city.permitTypes) {
      expect(departmentCodes.has(p.department), p.code).toBe(true);
      expect((p.slaHours === undefined) !== (p.slaWorkingDays === undefined), p.code).toBe(true);
    }
    expect(city.complaintCategories.length).toBeGreaterThan(0);
    for (const c of city.complaintCategories) {
      const owner = city.departments.find((d) => d.code === c.department);
      expect(owner?.handles, c.code).toContain(`complaints:${c.code}`);
    }
    expect(city.complaintCategories.find((c) => c.code === 'pajak')?.department).toBe('BAPENDA');
    expect(city.permitTypes.find((p) => p.code === 'SIUP')).toMatchObject({ slaHours: 24, online: true });
  });

  it.each<{ label: string; file: JsonFile; edit: (data: Json) => void; says: RegExp[] }>([
    {
      label: 'a permit type naming an unknown department',
      file: 'permit-types.json',
      edit: (d) => {
        permitTypes(d)[0]!.department = 'DINAS-HANTU';
      },
      says: [/permit-types\.json: SIUP names unknown department DINAS-HANTU/],
    },
    {
      label: 'a permit type with both slaHours and slaWorkingDays',
      file: 'permit-types.json',
      edit: (d) => {
        permitTypes(d)[0]!.slaWorkingDays = 3;
      },
      says: [/permit-types\.json is invalid/, /permitTypes\.0: exactly one of slaHours and slaWorkingDays is needed/],
    },
    {
      label: 'a permit type with neither SLA',
      file: 'permit-types.json',
      edit: (d) => {
        delete permitTypes(d)[1]!.slaHours;
        delete permitTypes(d)[1]!.slaWorkingDays;
      },
      says: [/permit-types\.json is invalid/, /permitTypes\.1: exactly one of slaHours and slaWorkingDays/],
    },
    {
      label: 'a duplicate permit code',
      file: 'permit-types.json',
      edit: (d) => {
        permitTypes(d)[1]!.code = 'SIUP';
      },
      says: [/permit-types\.json: duplicate code SIUP/],
    },
    {
      label: 'a holiday date not written YYYY-MM-DD',
      file: 'city.json',
      edit: (d) => {
        (d.calendar as { holidays: Array<{ date: string }> }).holidays[2]!.date = '17-02-2026';
      },
      says: [/city\.json is invalid/, /calendar\.holidays\.2\.date: must be YYYY-MM-DD/],
    },
    {
      label: 'a year of holidays that does not add up to its decree (a cuti bersama dropped)',
      file: 'city.json',
      edit: (d) => {
        const c = d.calendar as { holidays: Array<{ date: string }> };
        c.holidays = c.holidays.filter((h) => h.date !== '2026-05-28');
      },
      says: [/calendar\.holidays of 2026 hold 17 national holidays and 7 cuti bersama; its source .* states 17 and 8/],
    },
    {
      label: 'a holiday of an unknown kind and a source without its URL',
      file: 'city.json',
      edit: (d) => {
        const c = d.calendar as { holidays: Array<Record<string, unknown>>; sources: Array<Record<string, unknown>> };
        c.holidays[0]!.kind = 'libur';
        c.sources[1]!.url = 'setneg.go.id';
      },
      says: [/calendar\.holidays\.0\.kind/, /calendar\.sources\.1\.url/],
    },
    {
      label: 'a NOP region written with a dot, and a NIK region of 5 digits',
      file: 'city.json',
      edit: (d) => {
        (d.pbb as Record<string, unknown>).nopRegions = ['12.75'];
        d.residency = { nikRegions: ['12710'] };
      },
      says: [
        /pbb\.nopRegions\.0: must be 4 digits without dots \(province and city\/regency\), e\.g\. "1275"/,
        /residency\.nikRegions\.0: must be 4 or 6 digits/,
      ],
    },
    {
      label: 'an unknown time zone',
      file: 'city.json',
      edit: (d) => {
        d.timezone = 'Asia/Medan';
      },
      says: [/city\.json: timezone Asia\/Medan is not a known IANA zone/],
    },
    {
      label: 'a complaint category no department handles',
      file: 'departments.json',
      edit: (d) => {
        for (const dept of departments(d)) dept.handles = dept.handles.filter((h) => h !== 'complaints:parkir');
      },
      says: [/departments\.json: no department handles complaints:parkir/],
    },
    {
      label: 'a complaint category without an SLA',
      file: 'departments.json',
      edit: (d) => {
        delete (d.complaintCategories as Array<Record<string, unknown>>)[0]!.slaWorkingDays;
      },
      says: [/departments\.json is invalid/, /complaintCategories\.0\.slaWorkingDays/],
    },
  ])('refuses $label, naming the file and field', ({ file, edit, says }) => {
    const dir = brokenCity(file, edit);
    const error = errorOf(dir);
    for (const pattern of says) expect(error.message).toMatch(pattern);
    expect(error.message).toContain(dir);
  });

  it('refuses a residents-only permit type in a city that names no residents (residency.nikRegions)', () => {
    const dir = brokenCity('city.json', (d) => {
      delete d.residency;
    });
    const file = path.join(dir, 'permit-types.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as Json;
    (permitTypes(data)[0] as unknown as Json).residentsOnly = true;
    writeFileSync(file, JSON.stringify(data));
    expect(errorOf(dir).message).toMatch(
      /permit-types\.json: SIUP is residentsOnly, but city\.json names no residency\.nikRegions/,
    );
  });

  it('refuses a file that is not JSON, naming it', () => {
    const dir = brokenCity('departments.json', () => undefined);
    writeFileSync(path.join(dir, 'departments.json'), '{ "departments": [ { "code": "PUPR", } ] ');
    const error = errorOf(dir);
    expect(error.message).toContain(`${path.join(dir, 'departments.json')}: cannot be read as JSON`);
  });

  it('refuses a missing file, naming it', () => {
    const dir = brokenCity('city.json', () => undefined);
    rmSync(path.join(dir, 'permit-types.json'));
    expect(errorOf(dir).message).toContain(`${path.join(dir, 'permit-types.json')}: cannot be read`);
  });

  it('lists every inconsistency at once', () => {
    const dir = brokenCity('permit-types.json', (d) => {
      permitTypes(d)[0]!.department = 'X1';
      permitTypes(d)[5]!.department = 'X2';
    });
    const error = errorOf(dir);
    expect(error.message).toMatch(/names unknown department X1/);
    expect(error.message).toMatch(/names unknown department X2/);
  });

  // BUG: the holiday date is checked for its shape only (/^\d{4}-\d{2}-\d{2}$/), so an impossible
  // date such as 2026-02-30 is accepted; it never matches a real day, so the holiday the city
  // meant is silently counted as a working day by the SLA calendar (core/domain/deadline.ts).
  it('refuses an impossible holiday date such as 2026-02-30', () => {
    const dir = brokenCity('city.json', (d) => {
      (d.calendar as { holidays: Array<{ date: string }> }).holidays[2]!.date = '2026-02-30';
    });
    expect(errorOf(dir).message).toMatch(/calendar\.holidays\.2\.date/);
  });

  it('publishes Open311 coordinates at 3 decimals unless the city says otherwise, within 0 to 6', () => {
    expect(loadCityData(DEFAULT_DIR).open311).toEqual({ coordinateDecimals: 3 });
    const unset = brokenCity('city.json', (d) => {
      delete d.open311;
    });
    expect(loadCityData(unset).open311).toEqual({ coordinateDecimals: 3 });
    const two = brokenCity('city.json', (d) => {
      d.open311 = { coordinateDecimals: 2 };
    });
    expect(loadCityData(two).open311).toEqual({ coordinateDecimals: 2 });
    for (const bad of [7, -1, 2.5, '3']) {
      const dir = brokenCity('city.json', (d) => {
        d.open311 = { coordinateDecimals: bad };
      });
      expect(errorOf(dir).message).toMatch(/open311\.coordinateDecimals/);
    }
  });

  it("names the city's controller and data protection officer, with retention periods, or falls back to the office", () => {
    const city = loadCityData(DEFAULT_DIR);
    expect(city.privacy.controller.email).toBe('ppid@kota-contoh.go.id');
    expect(city.privacy.officer?.email).toBe('pdp@kota-contoh.go.id');
    expect(city.privacy.retention.nikDaysAfterClose).toBe(1825);
    const bare = brokenCity('city.json', (d) => {
      d.privacy = { showOfficerName: true };
    });
    const fallback = loadCityData(bare).privacy;
    // No controller named: the notice names the city's office, which residents already know.
    expect(fallback.controller).toEqual({
      name: city.office.name,
      address: city.office.address,
      phone: city.office.phone,
    });
    expect(fallback.officer).toBeUndefined();
    expect(fallback.retention).toEqual({
      draftDays: 30,
      messageIdDays: 30,
      replyBodyDays: 90,
      photoDaysAfterClose: 365,
      nikDaysAfterClose: 1825,
      coordinatesDaysAfterClose: 365,
    });
    expect(fallback.copyLinkHours).toBe(72);
    const badEmail = brokenCity('city.json', (d) => {
      (d.privacy as Json).officer = { name: 'PDP', email: 'not-an-email' };
    });
    expect(errorOf(badEmail).message).toMatch(/privacy\.officer\.email/);
    const zero = brokenCity('city.json', (d) => {
      (d.privacy as Json).retention = { draftDays: 0 };
    });
    expect(errorOf(zero).message).toMatch(/privacy\.retention\.draftDays/);
  });
});
