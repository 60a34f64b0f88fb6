import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Role } from '@ecogrid/contracts';
import { AuditService } from '../audit/audit.service.js';
import { PasswordService } from '../auth/password.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { TenantsRepository } from '../tenants/tenants.repository.js';
import type { ScopedTransaction } from '../database/scope.js';
import { UsersRepository } from '../users/users.repository.js';
import { SeedRepository } from './seed.repository.js';

/** Documented in the README; refused in production, where ADMIN_PASSWORD is required. */
export const DEMO_PLATFORM_ADMIN_PASSWORD = 'EcoGrid-Platform-2026';
export const DEMO_TENANT = { name: 'Demo Energy', slug: 'demo-energy' } as const;
export const DEMO_USERS: ReadonlyArray<{
  username: string;
  password: string;
  role: Role;
  displayName: string;
}> = [
  {
    username: 'demo-admin',
    password: 'EcoGrid-Admin-2026',
    role: 'admin',
    displayName: 'Demo Admin',
  },
  {
    username: 'demo-operator',
    password: 'EcoGrid-Operator-2026',
    role: 'operator',
    displayName: 'Demo Operator',
  },
  {
    username: 'demo-viewer',
    password: 'EcoGrid-Viewer-2026',
    role: 'viewer',
    displayName: 'Demo Viewer',
  },
];

export interface SeededCredentials {
  username: string;
  /** Shown only while it is still the documented demo password. */
  password: string | undefined;
  role: string;
}

/**
 * Start-up seeding, idempotent: the platform admin (from ADMIN_LOGIN / ADMIN_PASSWORD) always;
 * outside production the demo tenant with an admin, an operator and a viewer.
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger('seed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(TenantsRepository) private readonly tenants: TenantsRepository,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(SeedRepository) private readonly seeds: SeedRepository,
  ) {}

  async run(): Promise<SeededCredentials[]> {
    const adminPassword = this.config.ADMIN_PASSWORD ?? DEMO_PLATFORM_ADMIN_PASSWORD;
    const adminIsDemo = !this.config.ADMIN_PASSWORD;
    const demo = this.config.DEMO_SEED ?? this.config.NODE_ENV !== 'production';
    // Hashing is slow: done before the lock, whether or not the rows turn out to exist.
    const adminHash = await this.passwords.hash(adminPassword);
    const demoHashes = demo
      ? await Promise.all(DEMO_USERS.map((user) => this.passwords.hash(user.password)))
      : [];

    const outcome = await this.users.transaction('platform', async (trx) => {
      await this.seeds.lock(trx);
      const admin = await this.ensurePlatformAdmin(trx, this.config.ADMIN_LOGIN, adminHash);
      const demoCreated = demo ? await this.ensureDemoTenant(trx, demoHashes) : false;
      return { admin, demoCreated };
    });
    if (outcome.admin.created)
      this.logger.log(`created the platform admin "${outcome.admin.username}"`);
    if (outcome.demoCreated) this.logger.log(`created the demo tenant "${DEMO_TENANT.name}"`);

    const stillDemo =
      adminIsDemo &&
      (outcome.admin.created ||
        (await this.passwords.verify(outcome.admin.passwordHash, adminPassword)));
    const shown: SeededCredentials[] = [
      {
        username: outcome.admin.username,
        password: stillDemo ? adminPassword : undefined,
        role: 'platform admin',
      },
    ];
    if (demo) {
      shown.push(
        ...DEMO_USERS.map((user) => ({
          username: user.username,
          password: user.password,
          role: `${user.role}, ${DEMO_TENANT.name}`,
        })),
      );
    }
    return shown;
  }

  private async ensurePlatformAdmin(
    trx: ScopedTransaction,
    username: string,
    passwordHash: string,
  ) {
    const existing = await this.users.findPlatformAdmin(trx, username);
    if (existing)
      return { username: existing.username, passwordHash: existing.password_hash, created: false };
    const row = await this.users.insert(trx, {
      tenantId: null,
      username,
      passwordHash,
      displayName: 'Platform Admin',
      email: null,
      role: null,
      isPlatformAdmin: true,
      siteIds: null,
    });
    await this.audit.record(trx, {
      action: 'seed.platform_admin',
      tenantId: null,
      userId: null,
      resourceType: 'user',
      resourceId: row.id,
    });
    return { username, passwordHash, created: true };
  }

  private async ensureDemoTenant(trx: ScopedTransaction, hashes: string[]): Promise<boolean> {
    if (await this.tenants.findBySlug(trx, DEMO_TENANT.slug)) return false;
    const tenant = await this.tenants.insert(trx, { ...DEMO_TENANT, settings: {} });
    for (const [index, user] of DEMO_USERS.entries()) {
      if (await this.users.usernameTaken(trx, user.username)) continue;
      await this.users.insert(trx, {
        tenantId: tenant.id,
        username: user.username,
        passwordHash: hashes[index]!,
        displayName: user.displayName,
        email: null,
        role: user.role,
        isPlatformAdmin: false,
        siteIds: null,
      });
    }
    await this.audit.record(trx, {
      action: 'seed.demo_tenant',
      tenantId: tenant.id,
      userId: null,
      resourceType: 'tenant',
      resourceId: tenant.id,
    });
    return true;
  }
}
