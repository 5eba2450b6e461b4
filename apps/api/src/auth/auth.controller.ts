import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE, tokenFrom } from './auth.guard.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { Public } from './public.decorator.js';
import { APP_CONFIG } from '../database/database.provider.js';
import type { AppConfig } from '../common/config.js';
import { packRules } from '@casl/ability/extra';
import { AccessService } from '../access/access.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { Input } from '../common/input.js';
import { LoginBody, PasswordChangeBody, SetupBody } from './auth.dto.js';

function cookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly schema: SchemaService,
  ) {}

  @Public()
  @Get('setup')
  async setupState() {
    return { setUp: await this.auth.isSetUp() };
  }

  @Public()
  @Post('setup')
  @HttpCode(201)
  async setup(@Input(SetupBody) body: SetupBody, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.auth.setup(body);
    reply.header('Set-Cookie', cookie(result.token, this.config.sessionHours * 3600));
    return result;
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  async login(@Input(LoginBody) body: LoginBody, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
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

  /** Who is signed in, without a 401 when nobody is: `{user: null}`. */
  @Public()
  @Get('auth/session')
  async session(@Req() req: FastifyRequest) {
    const user = await this.auth.authenticate(tokenFrom(req.headers as Record<string, string | string[] | undefined>));
    return { user: user ? await this.auth.publicUser(user.id) : null };
  }

  @Get('auth/me')
  async me(@User() user: CurrentUser) {
    return { user: await this.auth.publicUser(user.id) };
  }

  /** Changes the user's own password; every other session of the user ends. */
  @Post('auth/me/password')
  @HttpCode(200)
  async changePassword(@User() user: CurrentUser, @Input(PasswordChangeBody) body: PasswordChangeBody, @Req() req: FastifyRequest) {
    await this.auth.changePassword(user, body, req.ip);
    return { ok: true };
  }

  /**
   * The user's rules packed with CASL's packRules, for the UI to hide what is not allowed
   * (tables and fields by key; `$me`, attributes and groups already bound). Advisory: the
   * API checks every request itself.
   */
  @Get('auth/me/abilities')
  async abilities(@User() user: CurrentUser): Promise<{ rules: unknown[] }> {
    const rules = this.access.caslRules(user, await this.schema.list(user.schemaVersion));
    return { rules: packRules(rules as never) };
  }
}
