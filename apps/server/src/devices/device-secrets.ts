import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A device's secret: 256 random bits, shown once; only its SHA-256 is stored. */
export function newDeviceSecret(): { secret: string; hash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashDeviceSecret(secret) };
}

export function hashDeviceSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function deviceSecretMatches(storedHash: Uint8Array, presented: string): boolean {
  const candidate = hashDeviceSecret(presented);
  return storedHash.length === candidate.length && timingSafeEqual(storedHash, candidate);
}
