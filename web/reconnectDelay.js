// How long the board and the TV wall wait before opening their event stream again, shared as is
// by the page and the tests. A browser gives up on a stream the server refused (429 or 503), so
// the page reopens it itself, later each time and at a random point of the window, so that a
// wall of screens refused together does not come back together.

/** The first wait, doubled on each refusal in a row up to MAX_DELAY_MS. */
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a success): between half
 * and all of BASE_DELAY_MS * 2^attempt, at most MAX_DELAY_MS.
 * @param {number} attempt
 * @param {() => number} random a number in [0, 1), Math.random in the page
 * @returns {number} milliseconds
 */
export function reconnectDelay(attempt, random) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
