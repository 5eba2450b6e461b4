/**
 * Browser helpers for the e2e tests: Debian's Chromium driven by playwright-core, a
 * collector of console errors and page errors per page, and screenshots into
 * docs/screenshots (the README shows them).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = join(root, 'docs/screenshots');
export const DESIGNER_BUILD = join(root, 'apps/designer/build/index.html');

export async function launch(): Promise<Browser> {
  if (!hasChromium)
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium" (CI does this in .ci/run)`);
  if (!existsSync(DESIGNER_BUILD)) throw new Error('The designer is not built: run "npx turbo run build" first');
  return chromium.launch({
    executablePath: CHROMIUM,
    // fenced to loopback (STACK.md trap 11): without the proxy and resolver rules Chromium
    // looks up and calls Google's update and account hosts on its own
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-domain-reliability',
      '--no-pings',
      '--proxy-server=http://127.0.0.1:9',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
}

/**
 * Console errors and uncaught exceptions of every page of a context. The browser's own
 * network lines for expected 4xx answers (a 409 stale edit, a 400 validation message the
 * UI shows) are not application errors and are left out; everything else counts.
 */
export class ErrorLog {
  readonly errors: string[] = [];
  watch(ctx: BrowserContext): void {
    ctx.on('page', (p) => this.watchPage(p));
    for (const p of ctx.pages()) this.watchPage(p);
  }
  watchPage(page: Page): void {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (/^Failed to load resource: the server responded with a status of (400|409|422)\b/.test(text)) return;
      this.errors.push(`${page.url()}: console: ${text}`);
    });
    page.on('pageerror', (e) => this.errors.push(`${page.url()}: pageerror: ${e.message}`));
  }
  take(): string[] {
    return this.errors.splice(0);
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
