import type { CityData } from '../city/loadCityData.js';
import type { ChannelName, Lang } from '../conversation/types.js';
import type { Officer, Prisma } from '../generated/prisma/client.js';
import { preferredIdentity } from '../notify/preferredIdentity.js';
import { caseEvents, findOfficerCase, openCases, searchCases } from './caseLookup.js';
import { languageOf, namesCase, type DecisionContext, type OfficerFacts } from './decideOfficerCommand.js';
import { parseOfficerCommand } from './parseOfficerCommand.js';

/** The departments an officer sees: their own, or all for the inspectorate and admins. */
function visibleDepartments(officer: Officer): string[] | null {
  if (officer.role === 'inspectorate' || officer.role === 'admin') return null;
  return officer.departmentCode ? [officer.departmentCode] : [];
}

/**
 * What an officer's command needs to be decided, read in the message's transaction: the case it
 * names, and for some commands more (the queue, a search's finds, the holder taken over from,
 * where the citizen is reached, the trail). Reads only: every write is an effect of the decision.
 */
export async function readOfficerFacts(
  tx: Prisma.TransactionClient,
  ctx: Pick<DecisionContext, 'city' | 'defaultLanguage'> & { city: CityData },
  officer: Officer,
  text: string,
  choice?: string,
): Promise<OfficerFacts> {
  const command = parseOfficerCommand(text, choice);
  if (!command) return { command };
  if (command.name === 'queue')
    return { command, queue: await openCases(tx, ctx.city, visibleDepartments(officer), 10) };
  if (command.name === 'search') {
    const query = command.rest.trim();
    if (query.length < 3) return { command, found: [] };
    const direct = await findOfficerCase(tx, ctx.city, query);
    const found = direct ? [direct] : await searchCases(tx, ctx.city, visibleDepartments(officer), query, 10);
    return { command, found };
  }
  if (!namesCase(command)) return { command };
  const c = await findOfficerCase(tx, ctx.city, command.args[0] ?? '');
  if (!c) return { command, case: null };
  switch (command.name) {
    case 'claim': {
      if (!c.holderId || c.holderId === officer.id) return { command, case: c };
      const previous = await tx.officer.findUnique({ where: { id: c.holderId } });
      const holder =
        previous?.active && previous.channel && previous.address
          ? {
              id: previous.id,
              channel: previous.channel,
              address: previous.address,
              language: languageOf(ctx, previous),
            }
          : null;
      return { command, case: c, holder };
    }
    case 'reply': {
      const citizen = await tx.citizen.findUniqueOrThrow({
        where: { id: c.citizenId },
        include: { identities: { orderBy: { lastSeenAt: 'desc' } } },
      });
      const identity = preferredIdentity(citizen.identities, citizen.smsOptOut);
      const to = identity
        ? { channel: identity.channel as ChannelName, address: identity.address, language: citizen.language as Lang }
        : null;
      const reached = !!identity && !identity.optedOutAt && !(identity.channel === 'sms' && citizen.smsOptOut);
      return { command, case: c, recipient: { citizenId: citizen.id, to, reached } };
    }
    case 'timeline': {
      const events = await caseEvents(tx, c);
      const citizen = await tx.citizen.findUnique({
        where: { id: c.citizenId },
        include: { identities: { where: { optedOutAt: { not: null } }, orderBy: { optedOutAt: 'asc' } } },
      });
      return {
        command,
        case: c,
        timeline: {
          events,
          // An Open311 complaint's reporter is named on the complaint, not on a citizen.
          name: c.reporter?.name ?? citizen?.fullName ?? null,
          phone: c.reporter?.phone ?? citizen?.phone ?? null,
          optedOut: (citizen?.identities ?? []).map((i) => ({
            channel: i.channel as ChannelName,
            since: i.optedOutAt,
            reason: i.optOutReason,
          })),
        },
      };
    }
    default:
      return { command, case: c };
  }
}
