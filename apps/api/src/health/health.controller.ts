import { Controller, Get, Inject } from '@nestjs/common';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { Public } from '../auth/public.decorator.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Public()
  @Get()
  async health() {
    await this.db.query('SELECT 1');
    return { status: 'ok', database: this.db.kind };
  }
}
