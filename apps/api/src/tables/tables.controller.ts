import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AcceptedInterceptor } from '../jobs/jobs.controller.js';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { DomainError } from '@tabula/schema-engine';
import { TablesService } from './tables.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { FieldCreateBody, FieldUpdateBody, TableCreateBody, TableUpdateBody } from './tables.dto.js';

@Controller('tables')
export class TablesController {
  constructor(
    private readonly tables: TablesService,
    private readonly access: AccessService,
  ) {}

  /** The tables and fields this user may read (others do not exist for them). */
  @Get()
  async list(@User() user: CurrentUser) {
    return { items: await this.tables.list((t) => this.access.readableTable(user, t)) };
  }

  @Post()
  @HttpCode(201)
  @AdminOnly()
  async create(@Input(TableCreateBody) body: unknown) {
    return this.tables.create(body);
  }

  @Get(':table')
  async get(@User() user: CurrentUser, @Param('table') table: string) {
    return this.tables.get(table, (t) => this.access.readableTable(user, t));
  }

  @Patch(':table')
  @AdminOnly()
  async update(@Param('table') table: string, @Input(TableUpdateBody) body: TableUpdateBody) {
    return this.tables.update(table, body);
  }

  @Delete(':table')
  @HttpCode(204)
  async remove(@User() user: CurrentUser, @Param('table') table: string, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    await this.tables.remove(table, { id: user.id, address: req.ip });
  }

  @Post(':table/fields')
  @HttpCode(201)
  @AdminOnly()
  async addField(@Param('table') table: string, @Input(FieldCreateBody) body: unknown) {
    return this.tables.addField(table, body);
  }

  @Patch(':table/fields/:field')
  @UseInterceptors(AcceptedInterceptor) // a type change answers 202 with its job
  @AdminOnly()
  async updateField(
    @User() user: CurrentUser,
    @Param('table') table: string,
    @Param('field') field: string,
    @Input(FieldUpdateBody) body: unknown,
    @Query('dryRun') dryRun?: string,
  ) {
    return this.tables.updateField(table, field, body, parseDryRun(dryRun), user);
  }

  @Delete(':table/fields/:field')
  @HttpCode(204)
  async removeField(@User() user: CurrentUser, @Param('table') table: string, @Param('field') field: string, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    await this.tables.removeField(table, field, { id: user.id, address: req.ip });
  }
}

/** `?dryRun=` is a yes or no; anything else would run the change for real, so it is refused. */
function parseDryRun(v: unknown): boolean {
  if (v === undefined || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new DomainError('VALIDATION_FAILED', 'dryRun must be true or false', {
    dryRun: { code: 'INVALID_BOOLEAN', message: 'true or false' },
  });
}
