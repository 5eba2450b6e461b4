/**
 * POST /api/tables/:table/records/:id/attachments/:field   multipart, one or many files
 *      → 201 with the updated record
 * GET  /api/attachments/:id                                the file, as a download
 * POST /api/admin/attachments/gc                           removes unreferenced blobs (admin)
 * Removing a file is an ordinary record PATCH of the field without it.
 */
import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { User, type CurrentUser } from '../access/current-user.js';
import { AccessService } from '../access/access.service.js';
import { AttachmentGc } from './attachment-gc.service.js';
import { AttachmentsService } from './attachments.service.js';

@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly gc: AttachmentGc,
    private readonly access: AccessService,
  ) {}

  @Post('admin/attachments/gc')
  @HttpCode(200)
  async collect(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    return this.gc.collect();
  }

  @Post('tables/:table/records/:id/attachments/:field')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data') // streamed, so described here rather than checked by the input layer
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } } } })
  async upload(
    @User() user: CurrentUser,
    @Param('table') table: string,
    @Param('id') id: string,
    @Param('field') field: string,
    @Req() req: FastifyRequest,
  ) {
    return this.attachments.upload(user, table, id, field, req);
  }

  @Get('attachments/:id')
  async download(@User() user: CurrentUser, @Param('id') id: string, @Res() reply: FastifyReply) {
    const { stream, headers } = await this.attachments.download(user, id);
    return reply.headers(headers).send(stream);
  }
}
