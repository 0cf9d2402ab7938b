import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { boot } from '../boot.js';
import type { CityData } from '../city/loadCityData.js';
import { CHANNELS } from '../conversation/types.js';
import { ConfigError, loadConfig } from '../config/loadConfig.js';
import { maskPhone } from '../domain/mask.js';
import { normalizePhone } from '../domain/phone.js';

const USAGE = `Usage:
  npm run officer -- add --name "<full name>" --role officer|supervisor|inspectorate|admin [--department <code>]
                         [--channel telegram --address <chat id>] [--email <address>] [--phone 0812-3456-7890]
                         [--language id|en]
  npm run officer -- list
  npm run officer -- change <officer id> [--role officer|supervisor|inspectorate|admin] [--department <code>|none]
                         [--language id|en]
  npm run officer -- deactivate <officer id>

<code> is a department code of the city's departments.json. --language is the language of the
officer's messages from LayanKota; unset, the city's default language.

Without --channel/--address the officer gets an invitation code to send to the bot once: /daftar <code>.
The link is always to the officer's chat account, never to a typed name.
Phone numbers are stored as digits with the country code (6281234567890), however typed; an
officer whose phone, chat account or email is already an officer's is not added again.
A change of role or department, and deactivation, end the officer's Command Center sessions.`;

const ROLES = ['officer', 'supervisor', 'inspectorate', 'admin'] as const;
// As the permit form checks an applicant's email: something, an @, a domain with a dot.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
// No 0/O or 1/I/L, so a code read over the phone is typed right.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function inviteCode(): string {
  return Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

async function main(): Promise<number> {
  const [verb, ...rest] = process.argv.slice(2);
  if (!verb || verb === '--help' || verb === '-h') {
    console.log(USAGE);
    return verb ? 0 : 2;
  }
  const core = await boot(loadConfig());
  try {
    const { prisma } = core.db;
    if (verb === 'list') {
      const officers = await prisma.officer.findMany({ orderBy: [{ departmentCode: 'asc' }, { name: 'asc' }] });
      for (const o of officers) {
        const link =
          o.channel && o.address ? `${o.channel}:${maskPhone(o.address)}` : o.inviteCode ? 'invited' : 'unlinked';
        console.log(
          `${o.id}  ${o.active ? 'active  ' : 'inactive'}  ${o.role.padEnd(12)} ${(o.departmentCode ?? '-').padEnd(12)} ${link.padEnd(24)} ${o.name}`,
        );
      }
      return 0;
    }
    // Both end the officer's sessions: a database trigger bumps their session version.
    if (verb === 'deactivate') {
      const id = rest[0];
      if (!id) return (console.error(USAGE), 2);
      await prisma.officer.update({ where: { id }, data: { active: false } });
      console.log(`Officer ${id} deactivated; their Command Center sessions are ended.`);
      return 0;
    }
    if (verb === 'change') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { role: { type: 'string' }, department: { type: 'string' }, language: { type: 'string' } },
      });
      const id = positionals[0];
      const officer = id ? await prisma.officer.findUnique({ where: { id } }) : null;
      const role = (values.role ?? officer?.role) as (typeof ROLES)[number];
      const departmentCode =
        values.department === undefined
          ? (officer?.departmentCode ?? null)
          : values.department === 'none'
            ? null
            : values.department;
      const problems: string[] = [];
      if (!id || positionals.length !== 1) problems.push('change takes one officer id');
      else if (!officer) problems.push(`no officer ${id}`);
      if (!values.role && values.department === undefined && values.language === undefined)
        problems.push('--role, --department or --language is required');
      problems.push(...languageProblems(values.language));
      problems.push(...roleProblems(role, departmentCode, core.city));
      if (problems.length > 0) {
        console.error(`${problems.join('\n')}\n\n${USAGE}`);
        return 2;
      }
      await prisma.officer.update({
        where: { id: id! },
        data: { role, departmentCode, ...(values.language ? { language: values.language as 'id' | 'en' } : {}) },
      });
      console.log(
        `Officer ${id} is now ${role}${departmentCode ? `, ${departmentCode}` : ''}; their Command Center sessions are ended.`,
      );
      return 0;
    }
    if (verb !== 'add') return (console.error(USAGE), 2);
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        department: { type: 'string' },
        channel: { type: 'string' },
        address: { type: 'string' },
        email: { type: 'string' },
        phone: { type: 'string' },
        language: { type: 'string' },
      },
    });
    const role = values.role as (typeof ROLES)[number];
    const problems: string[] = [];
    if (!values.name?.trim()) problems.push('--name is required');
    problems.push(...roleProblems(role, values.department, core.city));
    problems.push(...languageProblems(values.language));
    if (Boolean(values.channel) !== Boolean(values.address)) problems.push('--channel and --address go together');
    if (values.channel && !(CHANNELS as readonly string[]).includes(values.channel))
      problems.push(`--channel must be one of ${CHANNELS.join(', ')}`);
    // Stored as sign-in by phone matches it (findOfficerByHandle): digits, country code first.
    const phone = values.phone === undefined ? null : normalizePhone(values.phone);
    if (values.phone !== undefined && !phone)
      problems.push(`--phone ${values.phone} is not a phone number (e.g. 0812-3456-7890 or +62 812 3456 7890)`);
    const email = values.email?.trim() || null;
    if (values.email !== undefined && !(email && EMAIL.test(email)))
      problems.push(`--email ${values.email} is not an email address (e.g. ina@kota.go.id)`);
    const channel = values.channel as (typeof CHANNELS)[number] | undefined;
    // A number channel's address is a phone number too, in the same form as inbound messages carry it.
    const address =
      values.address && (channel === 'sms' || channel === 'whatsapp')
        ? normalizePhone(values.address)
        : (values.address?.trim() ?? null);
    if (values.address !== undefined && !address)
      problems.push(`--address ${values.address} is not a phone number for --channel ${channel}`);
    if (problems.length > 0) {
      console.error(`${problems.join('\n')}\n\n${USAGE}`);
      return 2;
    }
    const linked = Boolean(channel && address);
    const added = await prisma.$transaction(async (tx) => {
      // One person, one officer: the same phone, chat account or email names someone already added.
      const same = await tx.officer.findFirst({
        where: {
          OR: [
            ...(phone ? [{ phone }, { channel: { in: ['sms' as const, 'whatsapp' as const] }, address: phone }] : []),
            ...(linked ? [{ channel: channel!, address: address! }] : []),
            ...(email ? [{ email: { equals: email, mode: 'insensitive' as const } }] : []),
          ],
        },
      });
      if (same) return { duplicate: same };
      const officer = await tx.officer.create({
        data: {
          name: values.name!.trim(),
          role,
          departmentCode: values.department ?? null,
          channel: linked ? channel! : null,
          address: linked ? address : null,
          email,
          phone,
          inviteCode: linked ? null : inviteCode(),
          language: (values.language as 'id' | 'en' | undefined) ?? null,
        },
      });
      return { officer };
    });
    if ('duplicate' in added) {
      const d = added.duplicate!;
      const what =
        phone && (d.phone === phone || d.address === phone)
          ? `phone ${maskPhone(phone)}`
          : linked && d.channel === channel && d.address === address
            ? `${channel} account ${maskPhone(address!)}`
            : 'email';
      console.error(
        `An officer with this ${what} exists already: ${d.id} (${d.name}, ${d.active ? 'active' : 'inactive'}). Nothing was added; use "change" to change them.`,
      );
      return 1;
    }
    const officer = added.officer;
    console.log(
      `Officer ${officer.name} (${officer.role}${officer.departmentCode ? `, ${officer.departmentCode}` : ''}) added: ${officer.id}`,
    );
    if (officer.inviteCode)
      console.log(
        `Invitation code: ${officer.inviteCode}  (the officer sends "/daftar ${officer.inviteCode}" to the bot once)`,
      );
    return 0;
  } finally {
    await core.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `officer: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);

/** What is wrong with a role and department for an officer: a known role, and a department of the city where the role needs one. */
function roleProblems(role: string, departmentCode: string | null | undefined, city: CityData): string[] {
  const problems: string[] = [];
  if (!(ROLES as readonly string[]).includes(role)) problems.push(`--role must be one of ${ROLES.join(', ')}`);
  if ((role === 'officer' || role === 'supervisor') && !departmentCode)
    problems.push(`--department is required for the role ${role}`);
  if (departmentCode && !city.departments.some((d) => d.code === departmentCode))
    problems.push(`--department ${departmentCode} is not in the city's departments.json`);
  return problems;
}

/** An officer's language, when given, is one LayanKota speaks. */
function languageProblems(language: string | undefined): string[] {
  return language === undefined || language === 'id' || language === 'en' ? [] : ['--language must be id or en'];
}
