/**
 * Starter configurations shipped in the repository's `templates/` folder: one
 * configuration document per `<name>.json`, with a `title` and a `description` for the
 * first-run screen. Read from disk on each request (a handful of small files), so a
 * template added to the folder shows without a restart. Names are `[a-z0-9-]+` and are
 * never used as paths before that check; anything else is NOT_FOUND.
 */
import { readdir, readFile } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@tabula/schema-engine';
import { isPlainObject } from '@tabula/schema-engine';

/** From dist/config-doc/ (or src/config-doc/) of apps/api up to the repository root. */
export const TEMPLATES_DIR = new URL('../../../../templates/', import.meta.url);
const NAME_RE = /^[a-z0-9-]{1,64}$/;

export interface TemplateInfo {
  name: string;
  title: string;
  description: string;
}

@Injectable()
export class TemplatesService {
  private readonly dir: URL = TEMPLATES_DIR;

  async list(): Promise<TemplateInfo[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .filter((n) => NAME_RE.test(n))
        .sort();
    } catch {
      return [];
    }
    const out: TemplateInfo[] = [];
    for (const name of names) {
      const doc = await this.read(name).catch(() => undefined);
      if (!doc) continue;
      out.push({
        name,
        title: typeof doc.title === 'string' ? doc.title : name,
        description: typeof doc.description === 'string' ? doc.description : '',
      });
    }
    return out;
  }

  async get(name: string): Promise<Record<string, unknown>> {
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new DomainError('NOT_FOUND', 'Template not found');
    const doc = await this.read(name).catch(() => undefined);
    if (!doc) throw new DomainError('NOT_FOUND', 'Template not found');
    return doc;
  }

  private async read(name: string): Promise<Record<string, unknown> | undefined> {
    const text = await readFile(new URL(`${name}.json`, this.dir), 'utf8');
    const doc: unknown = JSON.parse(text);
    return isPlainObject(doc) ? doc : undefined;
  }
}
