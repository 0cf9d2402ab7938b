import type { InboundEvent, Reply } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { OfficerCommand } from '../officers/parseOfficerCommand.js';
import type { InboxDeps } from './inboxTypes.js';

/**
 * An officer command from someone who is not an active officer: "/daftar <code>" links the
 * officer invited with that code to this chat account, once; anything else is refused.
 */
export async function answerStranger(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  command: OfficerCommand,
): Promise<Reply[]> {
  if (command.name !== 'register') {
    deps.logger.warn(
      { channel: event.channel, address: event.address, command: command.name },
      'officer command from a stranger refused',
    );
    return [{ lines: [{ key: 'officer.notOfficer' }] }];
  }
  const code = command.args[0]?.trim().toUpperCase() ?? '';
  const invited = code ? await tx.officer.findUnique({ where: { inviteCode: code } }) : null;
  if (!invited || !invited.active) {
    deps.logger.warn({ channel: event.channel, address: event.address }, 'officer invitation code refused');
    return [{ lines: [{ key: 'officer.badInvite' }] }];
  }
  await tx.officer.update({
    where: { id: invited.id },
    data: { channel: event.channel, address: event.address, inviteCode: null },
  });
  deps.logger.info(
    { officerId: invited.id, channel: event.channel, address: event.address },
    'officer linked to chat account',
  );
  return [
    {
      lines: [
        { key: 'officer.registered', params: { name: invited.name, role: invited.role } },
        { key: 'officer.help' },
      ],
    },
  ];
}
