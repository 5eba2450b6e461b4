import { Module, type DynamicModule } from '@nestjs/common';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { SCHEMA_HOOKS, SchemaService, type SchemaHooks } from './schema.service.js';

@Module({})
class SchemaHooksModule {}

@Module({ imports: [WorkspaceModule], providers: [SchemaService], exports: [SchemaService] })
export class SchemaModule {
  /**
   * The hooks the schema cache takes from the floors above it, given once by the
   * composition root (app.module.ts): a global provider, so the one SchemaService sees them
   * whichever module imports SchemaModule.
   */
  static hooks(hooks: SchemaHooks): DynamicModule {
    return { module: SchemaHooksModule, global: true, providers: [{ provide: SCHEMA_HOOKS, useValue: hooks }], exports: [SCHEMA_HOOKS] };
  }
}
