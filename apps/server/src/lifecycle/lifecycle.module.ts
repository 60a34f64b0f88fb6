import { Global, Module } from '@nestjs/common';
import { InstancesRepository } from './instances.repository.js';
import { LifecycleService } from './lifecycle.service.js';

@Global()
@Module({
  providers: [InstancesRepository, LifecycleService],
  exports: [LifecycleService],
})
export class LifecycleModule {}
