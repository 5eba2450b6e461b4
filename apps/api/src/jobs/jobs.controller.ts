/**
 * GET /api/jobs/:id — the progress of a long job: `{id, kind, state, done, total, error,
 * result?}`. Any signed-in user may read the jobs they started, an administrator all of
 * them; any other id is a 404 (whether it exists does not leak).
 *
 * AcceptedInterceptor (on the routes that start jobs, not global: an interceptor costs
 * every request an rxjs pipeline) turns a handler's `accepted(body, location)` into `202 Accepted`
 * with a `Location` header: the answer of a request that started a job.
 */
import { Controller, Get, Injectable, Param, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { DomainError, isUuid } from '@tabula/schema-engine';
import { map, type Observable } from 'rxjs';
import { User, type CurrentUser } from '../access/current-user.js';
import { ACCEPTED, JobsService, type JobOut } from './jobs.service.js';

@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get(':id')
  async get(@User() user: CurrentUser, @Param('id') id: string): Promise<JobOut> {
    const job = isUuid(id) ? await this.jobs.get(id.toLowerCase()) : undefined;
    if (!job || (!user.isAdmin && job.startedBy !== user.id)) throw new DomainError('NOT_FOUND', 'Job not found');
    const { startedBy: _by, ...out } = job;
    return out;
  }
}

@Injectable()
export class AcceptedInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body) => {
        if (body === null || typeof body !== 'object' || !(ACCEPTED in body)) return body;
        const reply = ctx.switchToHttp().getResponse<{ status(code: number): unknown; header(name: string, value: string): unknown }>();
        reply.status(202);
        reply.header('location', String((body as Record<symbol, unknown>)[ACCEPTED]));
        return body;
      }),
    );
  }
}
