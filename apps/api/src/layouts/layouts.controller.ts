import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { DomainError } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../auth/current-user.js';
import { LayoutsService } from './layouts.service.js';

function kindOf(kind: string): 'card' | 'table' {
  if (kind !== 'card' && kind !== 'table') throw new DomainError('NOT_FOUND', 'Layouts are "card" or "table"');
  return kind;
}

@Controller('tables/:table')
export class LayoutsController {
  constructor(
    private readonly layouts: LayoutsService,
    private readonly access: AccessService,
  ) {}

  @Get('layouts/:kind')
  async get(@Param('table') table: string, @Param('kind') kind: string) {
    return this.layouts.getLayout(table, kindOf(kind));
  }

  @Put('layouts/:kind')
  async put(@User() user: CurrentUser, @Param('table') table: string, @Param('kind') kind: string, @Body() body: unknown) {
    this.access.requireAdmin(user);
    return this.layouts.putLayout(table, kindOf(kind), body);
  }

  @Get('views')
  async views(@Param('table') table: string) {
    return this.layouts.listViews(table);
  }

  @Post('views')
  @HttpCode(201)
  async createView(@User() user: CurrentUser, @Param('table') table: string, @Body() body: unknown) {
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
