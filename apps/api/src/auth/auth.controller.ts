import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE } from './auth.guard.js';
import { User, type CurrentUser } from './current-user.js';
import { Public } from './public.decorator.js';
import { APP_CONFIG } from '../database/database.provider.js';
import type { AppConfig } from '../config.js';

function cookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('setup')
  async setupState() {
    return { setUp: await this.auth.isSetUp() };
  }

  @Public()
  @Post('setup')
  @HttpCode(201)
  async setup(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.auth.setup(body);
    reply.header('Set-Cookie', cookie(result.token, this.config.sessionHours * 3600));
    return result;
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.auth.login(body, req.ip);
    reply.header('Set-Cookie', cookie(result.token, this.config.sessionHours * 3600));
    return result;
  }

  @Post('auth/logout')
  @HttpCode(200)
  async logout(@User() user: CurrentUser, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.auth.logout(user);
    reply.header('Set-Cookie', cookie('', 0));
    return { ok: true };
  }

  @Get('auth/me')
  async me(@User() user: CurrentUser) {
    return { user: await this.auth.publicUser(user.id) };
  }
}
