import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '@tabula/schema-engine';
import { User, type CurrentUser } from '../access/current-user.js';
import { RecordsReadService } from './records-read.service.js';
import { RecordsWriteService } from './records-write.service.js';
import { HistoryService } from './history.service.js';
import { Input } from '../common/input.js';
import { RecordCreateBody, RecordQueryBody, RecordUpdateBody, VersionRestoreBody } from './records.dto.js';

@Controller('tables/:table')
export class RecordsController {
  constructor(
    private readonly reader: RecordsReadService,
    private readonly writer: RecordsWriteService,
    private readonly history: HistoryService,
  ) {}

  @Get('records')
  async list(@User() user: CurrentUser, @Param('table') table: string, @Query() query: Record<string, unknown>) {
    return this.reader.list(user, table, { ...query });
  }

  @Post('records/query')
  @HttpCode(200)
  async query(@User() user: CurrentUser, @Param('table') table: string, @Input(RecordQueryBody) body: RecordQueryBody | undefined) {
    return this.reader.list(user, table, body ?? {}, { fromBody: true });
  }

  @Post('records')
  @HttpCode(201)
  async create(
    @User() user: CurrentUser,
    @Param('table') table: string,
    @Input(RecordCreateBody) body: unknown,
    @Query('return') ret?: unknown,
  ) {
    if (ret !== undefined && ret !== 'ids' && ret !== 'records') {
      throw new DomainError('VALIDATION_FAILED', 'return must be "ids" or "records"', {
        return: { code: 'INVALID_RETURN', message: 'ids or records' },
      });
    }
    const result = await this.writer.create(user, table, body, { returnIds: ret === 'ids' });
    if (result.ids) return { ids: result.ids };
    return result.single ? result.records[0] : { records: result.records };
  }

  @Get('records/:id')
  async get(@User() user: CurrentUser, @Param('table') table: string, @Param('id') id: string, @Query('expand') expand?: string) {
    return this.reader.get(user, table, id, expand);
  }

  @Patch('records/:id')
  async update(@User() user: CurrentUser, @Param('table') table: string, @Param('id') id: string, @Input(RecordUpdateBody) body: unknown) {
    return this.writer.update(user, table, id, body);
  }

  @Delete('records/:id')
  @HttpCode(204)
  async remove(
    @User() user: CurrentUser,
    @Param('table') table: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) _reply: FastifyReply,
  ) {
    await this.writer.remove(user, table, id);
  }

  @Post('records/:id/restore')
  @HttpCode(200)
  async restore(@User() user: CurrentUser, @Param('table') table: string, @Param('id') id: string) {
    return this.writer.restore(user, table, id);
  }

  @Get('trash')
  async trash(@User() user: CurrentUser, @Param('table') table: string, @Query() query: Record<string, unknown>) {
    return this.reader.list(user, table, { ...query }, { trashed: true });
  }

  @Delete('trash')
  @HttpCode(200)
  async emptyTrash(@User() user: CurrentUser, @Param('table') table: string) {
    return this.writer.emptyTrash(user, table);
  }

  @Post('records/:id/history/:eventId/restore')
  @HttpCode(200)
  async restoreVersion(
    @User() user: CurrentUser,
    @Param('table') table: string,
    @Param('id') id: string,
    @Param('eventId') eventId: string,
    // optional, but garbage in it must not restore as if it were absent
    @Input(VersionRestoreBody) body: VersionRestoreBody | undefined,
  ) {
    return this.history.restore(user, table, id, eventId, body);
  }

  @Get('records/:id/history')
  async recordHistory(@User() user: CurrentUser, @Param('table') table: string, @Param('id') id: string) {
    return this.history.list(user, table, id);
  }
}
