import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { UsersService } from './users.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { UserBody } from './users.dto.js';

/** `/api/users`: accounts, for administrators only. */
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly access: AccessService,
  ) {}

  @Get()
  async list(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    return { items: await this.users.list() };
  }

  @Post()
  @HttpCode(201)
  @AdminOnly()
  async create(@User() user: CurrentUser, @Input(UserBody) body: unknown, @Req() req: FastifyRequest) {
    return this.users.create(user, body, req.ip);
  }

  @Get(':id')
  async get(@User() user: CurrentUser, @Param('id') id: string) {
    this.access.requireAdmin(user);
    return this.users.get(id);
  }

  @Patch(':id')
  @AdminOnly()
  async update(@User() user: CurrentUser, @Param('id') id: string, @Input(UserBody) body: unknown, @Req() req: FastifyRequest) {
    return this.users.update(user, id, body, req.ip);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@User() user: CurrentUser, @Param('id') id: string, @Req() req: FastifyRequest) {
    this.access.requireAdmin(user);
    await this.users.remove(user, id, req.ip);
  }
}
