import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { RolesService } from './roles.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { RoleBody } from './roles.dto.js';

/** `/api/roles`: roles and their rules, for administrators only. `:id` is the id or the name. */
@Controller('roles')
export class RolesController {
  constructor(
    private readonly roles: RolesService,
    private readonly access: AccessService,
  ) {}

  @Get()
  async list(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    return { items: await this.roles.list() };
  }

  @Post()
  @HttpCode(201)
  @AdminOnly()
  async create(@User() user: CurrentUser, @Input(RoleBody) body: unknown, @Req() req: FastifyRequest) {
    return this.roles.create(user, body, req.ip);
  }

  @Get(':id')
  async get(@User() user: CurrentUser, @Param('id') id: string) {
    this.access.requireAdmin(user);
    return this.roles.get(id);
  }

  @Patch(':id')
  @AdminOnly()
  async update(@User() user: CurrentUser, @Param('id') id: string, @Input(RoleBody) body: unknown, @Req() req: FastifyRequest) {
    return this.roles.update(user, id, body, req.ip);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@User() user: CurrentUser, @Param('id') id: string, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    await this.roles.remove(user, id, req.ip);
  }
}
