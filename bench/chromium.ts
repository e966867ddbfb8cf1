import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, as the console's browser test and its bench drive it: no sandbox (root
 * here), and none of the background connections a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
