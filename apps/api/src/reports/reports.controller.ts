import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { User, type CurrentUser } from '../access/current-user.js';
import { ReportsService } from './reports.service.js';
import { Input } from '../common/input.js';
import { AggregateBody, PivotBody } from './reports.dto.js';

@Controller('tables/:table')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** A pivot of the table: `{rows, columns, values, filter, q, totals}` (docs/reports.md). */
  @Post('pivot')
  @HttpCode(200)
  async pivot(@User() user: CurrentUser, @Param('table') table: string, @Input(PivotBody) body: unknown) {
    return this.reports.pivot(user, table, body);
  }

  /** Exact totals over every record a filter selects (a grid's footer). */
  @Post('records/aggregate')
  @HttpCode(200)
  async aggregate(@User() user: CurrentUser, @Param('table') table: string, @Input(AggregateBody) body: Record<string, unknown>) {
    return this.reports.aggregate(user, table, body);
  }
}
