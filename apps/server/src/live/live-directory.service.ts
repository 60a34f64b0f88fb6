import { Inject, Injectable } from '@nestjs/common';
import { DevicesRepository } from '../devices/devices.repository.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { SitesRepository } from '../sites/sites.repository.js';

const TTL_MS = 30_000;
const MAX_ENTRIES = 100_000;

/**
 * Where sites and devices are, for checking subscriptions: looked up in the caller's tenant and
 * remembered briefly, so a reconnect storm of many clients does not become as many queries.
 */
@Injectable()
export class LiveDirectory {
  private readonly sites = new ExpiringCache<string, true>(TTL_MS, MAX_ENTRIES);
  private readonly devices = new ExpiringCache<string, { siteId: string }>(TTL_MS, MAX_ENTRIES);

  constructor(
    @Inject(SitesRepository) private readonly sitesRepository: SitesRepository,
    @Inject(DevicesRepository) private readonly devicesRepository: DevicesRepository,
  ) {}

  async siteExists(tenantId: string, siteId: string): Promise<boolean> {
    const found = await this.sites.get(`${tenantId}/${siteId}`, () =>
      this.sitesRepository.transaction({ tenantId }, async (trx) =>
        (await this.sitesRepository.findById(trx, tenantId, siteId)) ? true : undefined,
      ),
    );
    return found === true;
  }

  device(tenantId: string, deviceId: string): Promise<{ siteId: string } | undefined> {
    return this.devices.get(`${tenantId}/${deviceId}`, () =>
      this.sitesRepository.transaction({ tenantId }, async (trx) => {
        const row = await this.devicesRepository.findById(trx, tenantId, deviceId);
        return row ? { siteId: row.site_id } : undefined;
      }),
    );
  }
}
