import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { SeedRepository } from './seed.repository.js';
import { SeedService } from './seed.service.js';

@Module({
  imports: [AuthModule, UsersModule, TenantsModule],
  providers: [SeedRepository, SeedService],
  exports: [SeedService],
})
export class SeedModule {}
