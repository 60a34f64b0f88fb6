import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module.js';
import { DeviceAuthService } from './device-auth.service.js';
import { DeviceImportService } from './device-import.service.js';
import { DeviceStatusService } from './device-status.service.js';
import { DevicesController } from './devices.controller.js';
import { DevicesRepository } from './devices.repository.js';
import { DevicesService } from './devices.service.js';

@Module({
  imports: [SitesModule],
  controllers: [DevicesController],
  providers: [
    DevicesRepository,
    DevicesService,
    DeviceImportService,
    DeviceAuthService,
    DeviceStatusService,
  ],
  exports: [DevicesRepository, DeviceAuthService, DeviceStatusService],
})
export class DevicesModule {}
