/**
 * Every route needs a valid session unless marked @Public(). The token comes from
 * `Authorization: Bearer …` or the httpOnly `tabula_session` cookie.
 */
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@tabula/schema-engine';
import { AuthService } from './auth.service.js';
import { IS_PUBLIC } from './public.decorator.js';

export const SESSION_COOKIE = 'tabula_session';

export function tokenFrom(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (m) return m[1];
  }
  const cookie = headers['cookie'];
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE) return decodeCookie(v.join('='));
    }
  }
  return undefined;
}

/**
 * A cookie value is anyone's input: a malformed %-escape (`%`, `%E0%A4%A`) is no session,
 * i.e. 401, never a URIError and a 500. Tokens are short ASCII; anything longer is no token.
 */
function decodeCookie(raw: string): string | undefined {
  if (raw.length > 1000) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: unknown }>();
    const user = await this.auth.authenticate(tokenFrom(req.headers));
    if (!user) throw new DomainError('UNAUTHENTICATED', 'Sign in first: the session is missing, expired or revoked');
    req.user = user;
    return true;
  }
}
