import { Inject, Injectable } from '@nestjs/common';
import { deviceSecretMatches } from './device-secrets.js';
import { DevicesRepository } from './devices.repository.js';

/** Who a device is: what its credentials prove. The tenant is never taken from the device. */
export interface AuthenticatedDevice {
  deviceId: string;
  tenantId: string;
  siteId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class DeviceAuthService {
  constructor(@Inject(DevicesRepository) private readonly devices: DevicesRepository) {}

  /** The device whose id and secret these are, or undefined (unknown, wrong secret, tenant suspended). */
  async authenticate(deviceId: string, secret: string): Promise<AuthenticatedDevice | undefined> {
    if (secret.length === 0 || secret.length > 256) return undefined;
    const identity = await this.lookup(deviceId);
    if (!identity || !deviceSecretMatches(identity.secretHash, secret)) return undefined;
    return { deviceId: identity.deviceId, tenantId: identity.tenantId, siteId: identity.siteId };
  }

  /**
   * Who a device is when something else already proved its credentials (an external broker that
   * authenticated it): its tenant and site, or undefined for an unknown device.
   */
  async find(deviceId: string): Promise<AuthenticatedDevice | undefined> {
    const identity = await this.lookup(deviceId);
    return identity
      ? { deviceId: identity.deviceId, tenantId: identity.tenantId, siteId: identity.siteId }
      : undefined;
  }

  private async lookup(deviceId: string) {
    if (!UUID.test(deviceId)) return undefined;
    return this.devices.transaction('platform', (trx) => this.devices.identity(trx, deviceId));
  }
}
