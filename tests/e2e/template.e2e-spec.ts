/**
 * First run from the starter template, on a second, fresh server (its own process: one
 * embedded database per process): the administrator sets Tabula up, chooses "Start from
 * the small-company CRM", and lands on the template's first table with every table of the
 * template in the menu (GET /api/templates → GET /api/templates/crm → PUT /api/config).
 * Skipped while the server offers no templates. No page may log a console error.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, Client, startTabula, type TestServer } from '../helpers/tabula.js';
import { ErrorLog, hasChromium, launch, shot } from './browser.js';

describe.skipIf(!hasChromium && !process.env.CI)('starting from the CRM template in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const log = new ErrorLog();

  beforeAll(async () => {
    browser = await launch();
    server = await startTabula();
    ctx = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/Bucharest' });
    log.watch(ctx);
    page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterEach(async (t) => {
    if (t.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `tabula-e2e-template.png`) }).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sets up, starts from the small-company CRM and sees its tables', async (t) => {
    const offered = (await fetch(server.url + '/api/templates')).status !== 404;
    if (!offered) t.skip('this server does not offer templates yet');
    await page.goto(server.url + '/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel(/Company or workspace name/).fill('Acme SRL');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    const crm = page.getByRole('button', { name: /Start from the small-company CRM/ });
    await expect.poll(() => crm.isEnabled()).toBe(true);
    // the template's own description
    const api = new Client(server.url);
    api.token = (await api.post('/api/auth/login', { email: ADMIN.email, password: ADMIN.password })).body.token;
    const listed = (await api.get('/api/templates')).body;
    const info = (Array.isArray(listed) ? listed : listed.items).find((x: any) => x.name === 'crm');
    if (info?.description) expect(await crm.textContent()).toContain(info.description);
    await crm.click();
    await page.waitForURL(/\/t\/[a-z][a-z0-9_]*$/);

    const tables = [...(await api.get('/api/tables')).body.items].sort(
      (a: any, b: any) => a.position - b.position || a.label.localeCompare(b.label),
    );
    expect(tables.length).toBeGreaterThan(1);
    expect(new URL(page.url()).pathname).toBe(`/t/${tables[0].key}`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const table of tables) await nav.getByRole('link', { name: table.label, exact: true }).waitFor();
    await page.getByTestId('grid').waitFor();
    await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('0 records');
    await shot(page, 'template-first-table');
    // every table of the template opens without an error
    for (const table of tables.slice(1)) {
      await nav.getByRole('link', { name: table.label, exact: true }).click();
      await page.waitForURL(`**/t/${table.key}`);
      await page.getByTestId('grid').waitFor();
    }
    expect(log.take()).toEqual([]);
  });
});
