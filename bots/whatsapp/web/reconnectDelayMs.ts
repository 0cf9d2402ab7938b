const FIRST_DELAY_MS = 2_000;
const LONGEST_DELAY_MS = 5 * 60_000;

/**
 * How long to wait before reconnect attempt `attempt` (1, 2, ...) of the WhatsApp Web session:
 * 2 s, doubling each time, at most 5 minutes, so a phone offline for a night is not hammered.
 * @example reconnectDelayMs(3) // 8000
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
}
