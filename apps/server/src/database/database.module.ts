import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Database } from './database.js';

/** Provides the opened database; main.ts opens it before Nest boots so start-up errors stay one line. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: Database): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: Database, useValue: database }],
      exports: [Database],
    };
  }
}
