/**
 * `GET|PUT /api/config` (administrators) and `GET /api/templates[/:name]` (any signed-in
 * user: the first-run screen lists them right after setup). See docs/configuration.md.
 */
import { Controller, Get, Param, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { ConfigDocService } from './config-doc.service.js';
import { TemplatesService } from './templates.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { ConfigBody } from './config-doc.dto.js';

@Controller()
export class ConfigDocController {
  constructor(
    private readonly config: ConfigDocService,
    private readonly templates: TemplatesService,
    private readonly access: AccessService,
  ) {}

  /** The whole configuration as one document. */
  @Get('config')
  async get(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    return this.config.export();
  }

  /** Applies a document to an empty workspace, or answers `{applied:false, differences}` and changes nothing. */
  @Put('config')
  @AdminOnly()
  async put(@User() user: CurrentUser, @Input(ConfigBody) body: unknown, @Req() req: FastifyRequest) {
    return this.config.put(body, user, req.ip);
  }

  @Get('templates')
  async listTemplates() {
    return this.templates.list();
  }

  @Get('templates/:name')
  async template(@Param('name') name: string) {
    return this.templates.get(name);
  }
}
