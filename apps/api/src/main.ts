/**
 * `npm start`: runs Tabula on PORT (default 3000), embedded PGlite under TABULA_DATA_DIR
 * unless DATABASE_URL is set. Closes cleanly on SIGINT/SIGTERM (the embedded database
 * must be closed, not abandoned).
 */
import { createApp } from './app.js';
import { DataDirLockedError } from './database/data-dir-lock.js';

async function main(): Promise<void> {
  let tabula;
  try {
    tabula = await createApp({ logLevel: (process.env.TABULA_LOG as never) ?? 'info' });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(e.message);
      process.exit(3);
    }
    throw e;
  }
  console.log(`Tabula is running at ${tabula.url.replace('127.0.0.1', 'localhost')} (database: ${tabula.db.kind}${tabula.db.kind === 'pglite' ? `, data in ${tabula.config.dataDir}` : ''})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await tabula.close();
      process.exit(0);
    } catch (e) {
      console.error(e);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
