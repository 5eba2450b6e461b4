/**
 * Layouts and saved views of a table. Both name fields, so a table the user may not read
 * does not exist for them on any verb, and what they get is cut to the fields (and linked
 * tables) they may read; designing a layout needs `manage settings`.
 */
import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { DomainError, type TableMeta } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { LayoutsService } from './layouts.service.js';
import { ViewsService, type ViewUser } from './views.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { LayoutBody, ViewBody } from './layouts.dto.js';

function kindOf(kind: string): 'card' | 'table' {
  if (kind !== 'card' && kind !== 'table') throw new DomainError('NOT_FOUND', 'Layouts are "card" or "table"');
  return kind;
}

@Controller('tables/:table')
export class LayoutsController {
  constructor(
    private readonly layouts: LayoutsService,
    private readonly views: ViewsService,
    private readonly access: AccessService,
    private readonly schema: SchemaService,
  ) {}

  /** The table, and the user as the views see them; NOT_FOUND when they may not read the table. */
  private async reader(user: CurrentUser, ref: string): Promise<{ table: TableMeta; who: ViewUser }> {
    const table = await this.schema.table(ref, undefined, user.schemaVersion);
    const readable = this.access.readableTable(user, table);
    if (!readable) throw new DomainError('NOT_FOUND', 'Table not found');
    return { table, who: { id: user.id, mayShare: this.access.can(user, 'manage', 'settings'), readable } };
  }

  @Get('layouts/:kind')
  async get(@User() user: CurrentUser, @Param('table') ref: string, @Param('kind') kind: string) {
    const { table, who } = await this.reader(user, ref);
    const canReadTable = (id: string) => {
      const t = this.schema.tableById(id);
      return t !== undefined && this.access.readableTable(user, t) !== undefined;
    };
    return this.layouts.getLayout(table.id, kindOf(kind), { readable: who.readable, canReadTable });
  }

  @Put('layouts/:kind')
  @AdminOnly()
  async put(@Param('table') table: string, @Param('kind') kind: string, @Input(LayoutBody) body: LayoutBody) {
    return this.layouts.putLayout(table, kindOf(kind), body);
  }

  @Get('views')
  async list(@User() user: CurrentUser, @Param('table') ref: string) {
    const { table, who } = await this.reader(user, ref);
    return this.views.list(table, who);
  }

  @Post('views')
  @HttpCode(201)
  async create(@User() user: CurrentUser, @Param('table') ref: string, @Input(ViewBody) body: unknown) {
    const { table, who } = await this.reader(user, ref);
    return this.views.create(table, body, who);
  }

  @Patch('views/:id')
  async update(@User() user: CurrentUser, @Param('table') ref: string, @Param('id') id: string, @Input(ViewBody) body: unknown) {
    const { table, who } = await this.reader(user, ref);
    return this.views.update(table, id, body, who);
  }

  @Delete('views/:id')
  @HttpCode(204)
  async remove(@User() user: CurrentUser, @Param('table') ref: string, @Param('id') id: string) {
    const { table, who } = await this.reader(user, ref);
    await this.views.remove(table, id, who);
  }
}
