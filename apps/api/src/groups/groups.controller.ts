import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { GroupsService } from './groups.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { GroupBody } from './groups.dto.js';

/** `/api/groups`: groups of users, for administrators only. */
@Controller('groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly access: AccessService,
  ) {}

  @Get()
  async list(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    return { items: await this.groups.list() };
  }

  @Post()
  @HttpCode(201)
  @AdminOnly()
  async create(@User() user: CurrentUser, @Input(GroupBody) body: unknown, @Req() req: FastifyRequest) {
    return this.groups.create(user, body, req.ip);
  }

  @Patch(':id')
  @AdminOnly()
  async update(@User() user: CurrentUser, @Param('id') id: string, @Input(GroupBody) body: unknown, @Req() req: FastifyRequest) {
    return this.groups.update(user, id, body, req.ip);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@User() user: CurrentUser, @Param('id') id: string, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    await this.groups.remove(user, id, req.ip);
  }
}
