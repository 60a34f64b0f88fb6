import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module.js';
import { DeviceImportService } from './device-import.service.js';
import { DevicesController } from './devices.controller.js';
import { DevicesRepository } from './devices.repository.js';
import { DevicesService } from './devices.service.js';

@Module({
  imports: [SitesModule],
  controllers: [DevicesController],
  providers: [DevicesRepository, DevicesService, DeviceImportService],
  exports: [DevicesRepository],
})
export class DevicesModule {}
