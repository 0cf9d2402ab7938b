import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, as `.ci/run` installs it. */
const CHROMIUM = '/usr/bin/chromium';
/**
 * Headless, as root, and quiet on a closed network: without the background-networking flags
 * Chromium keeps asking Google's hosts, refused here many at a time.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser the Command Center's browser tests drive. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
