/** Types of reconnectDelay.js, for the tests' TypeScript. */
export declare const BASE_DELAY_MS: number;
export declare const MAX_DELAY_MS: number;

export declare function reconnectDelay(attempt: number, random: () => number): number;
