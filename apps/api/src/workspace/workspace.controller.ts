import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { AuthService } from '../auth/auth.service.js';
import { tokenFrom } from '../auth/auth.guard.js';
import { WorkspaceService } from './workspace.service.js';

@Controller()
export class WorkspaceController {
  constructor(
    private readonly ws: WorkspaceService,
    private readonly auth: AuthService,
  ) {}

  /** Who is signed in, without a 401 when nobody is: `{user: null}`. */
  @Public()
  @Get('auth/session')
  async session(@Req() req: FastifyRequest) {
    const user = await this.auth.authenticate(tokenFrom(req.headers as Record<string, string | string[] | undefined>));
    return { user: user ? await this.auth.publicUser(user.id) : null };
  }

  /** The workspace's name and settings, for every signed-in user. */
  @Get('workspace')
  workspace() {
    const w = this.ws.current;
    return { name: w.name, baseCurrency: w.baseCurrency, timeZone: w.timeZone, locale: w.locale };
  }
}
