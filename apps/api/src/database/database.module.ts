/**
 * The database handle and the configuration, both made before Nest (app.ts opens the
 * database and runs the migrations first): global providers, so every module reaches them.
 */
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../common/config.js';
import type { Database } from './database.js';
import { APP_CONFIG, DATABASE } from './database.provider.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(db: Database, config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useValue: db },
        { provide: APP_CONFIG, useValue: config },
      ],
      exports: [DATABASE, APP_CONFIG],
    };
  }
}
