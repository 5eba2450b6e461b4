import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { GroupsService } from './groups.service.js';

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
  async create(@User() user: CurrentUser, @Body() body: unknown, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    return this.groups.create(user, body, req.ip);
  }

  @Patch(':id')
  async update(@User() user: CurrentUser, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    return this.groups.update(user, id, body, req.ip);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@User() user: CurrentUser, @Param('id') id: string, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    await this.groups.remove(user, id, req.ip);
  }
}
