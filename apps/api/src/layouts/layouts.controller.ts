import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { DomainError } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../auth/current-user.js';
import { LayoutsService } from './layouts.service.js';
import { SchemaService } from '../tables/schema.service.js';

function kindOf(kind: string): 'card' | 'table' {
  if (kind !== 'card' && kind !== 'table') throw new DomainError('NOT_FOUND', 'Layouts are "card" or "table"');
  return kind;
}

@Controller('tables/:table')
export class LayoutsController {
  constructor(
    private readonly layouts: LayoutsService,
    private readonly access: AccessService,
    private readonly schema: SchemaService,
  ) {}

  /** Layouts and views name fields: a table the user may not read does not exist for them. */
  private async assertReadable(user: CurrentUser, ref: string): Promise<void> {
    if (!this.access.readableTable(user, await this.schema.table(ref))) throw new DomainError('NOT_FOUND', 'Table not found');
  }

  @Get('layouts/:kind')
  async get(@User() user: CurrentUser, @Param('table') table: string, @Param('kind') kind: string) {
    await this.assertReadable(user, table);
    return this.layouts.getLayout(table, kindOf(kind));
  }

  @Put('layouts/:kind')
  async put(@User() user: CurrentUser, @Param('table') table: string, @Param('kind') kind: string, @Body() body: unknown) {
    this.access.requireAdmin(user);
    return this.layouts.putLayout(table, kindOf(kind), body);
  }

  @Get('views')
  async views(@User() user: CurrentUser, @Param('table') table: string) {
    await this.assertReadable(user, table);
    return this.layouts.listViews(table);
  }

  @Post('views')
  @HttpCode(201)
  async createView(@User() user: CurrentUser, @Param('table') table: string, @Body() body: unknown) {
    await this.assertReadable(user, table);
    return this.layouts.createView(table, body, user.id);
  }

  @Patch('views/:id')
  async updateView(@User() user: CurrentUser, @Param('table') table: string, @Param('id') id: string, @Body() body: unknown) {
    return this.layouts.updateView(table, id, body, user);
  }

  @Delete('views/:id')
  @HttpCode(204)
  async deleteView(@User() user: CurrentUser, @Param('table') table: string, @Param('id') id: string) {
    await this.layouts.deleteView(table, id, user);
  }
}
