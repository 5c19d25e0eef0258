import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './secret-cipher.js';
import { openSecretsKey, secretsKeyOf } from './secret-key.js';

const key = secretsKeyOf(randomBytes(32), 'test');
const value = 'sk-live-0123456789abcdef';

describe('sealing secrets with AES-256-GCM', () => {
  it('opens what it sealed, with a fresh IV each time and no clear text stored', () => {
    const first = sealSecret(key, 'org_1', 'CRM_TOKEN', value);
    const second = sealSecret(key, 'org_1', 'CRM_TOKEN', value);
    expect(Buffer.from(first.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(first.authTag, 'base64')).toHaveLength(16);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(JSON.stringify(first)).not.toContain(value);
    expect(first.keyId).toBe(key.id);
    expect(openSecret(key, 'org_1', 'CRM_TOKEN', first)).toBe(value);
    expect(openSecret(key, 'org_1', 'CRM_TOKEN', second)).toBe(value);
  });

  it('detects a changed ciphertext, tag or IV, and a value moved to another org or name', () => {
    const sealed = sealSecret(key, 'org_1', 'CRM_TOKEN', value);
    const flipped = (text: string) => {
      const bytes = Buffer.from(text, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    const tampered = [
      () => openSecret(key, 'org_1', 'CRM_TOKEN', { ...sealed, ciphertext: flipped(sealed.ciphertext) }),
      () => openSecret(key, 'org_1', 'CRM_TOKEN', { ...sealed, authTag: flipped(sealed.authTag) }),
      () => openSecret(key, 'org_1', 'CRM_TOKEN', { ...sealed, iv: flipped(sealed.iv) }),
      () => openSecret(key, 'org_2', 'CRM_TOKEN', sealed),
      () => openSecret(key, 'org_1', 'OTHER', sealed),
    ];
    for (const attempt of tampered) expect(attempt).toThrow(/integrity check/);
    const otherKey = secretsKeyOf(randomBytes(32), 'other');
    expect(() => openSecret(otherKey, 'org_1', 'CRM_TOKEN', sealed)).toThrow(/sealed with another key/);
    expect(otherKey.id).not.toBe(key.id);
  });
});

describe('the secrets key', () => {
  it('is generated into the data dir with mode 0600 at first start, then read back', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'colony-key-')), 'data');
    const created = openSecretsKey({ dataDir, generate: true });
    const path = join(dataDir, 'secrets.key');
    expect(created?.source).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    const again = openSecretsKey({ dataDir, generate: true });
    expect(again?.key.equals(created?.key ?? Buffer.alloc(0))).toBe(true);
    expect(again?.id).toBe(created?.id);
  });

  it('comes from COLONY_SECRETS_KEY first, and is never made up for a shared database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'colony-key-'));
    const raw = randomBytes(32);
    const fromHex = openSecretsKey({ configured: raw.toString('hex'), dataDir, generate: true });
    const fromBase64 = openSecretsKey({ configured: raw.toString('base64'), dataDir, generate: true });
    expect(fromHex?.key.equals(raw)).toBe(true);
    expect(fromBase64?.id).toBe(fromHex?.id);
    expect(fromHex?.source).toBe('COLONY_SECRETS_KEY');
    expect(() => statSync(join(dataDir, 'secrets.key'))).toThrow();
    expect(openSecretsKey({ dataDir, generate: false })).toBeNull();
    expect(() => openSecretsKey({ configured: 'too-short', dataDir, generate: false })).toThrow(/32 bytes/);
  });

  it('refuses a key file that does not hold 32 bytes', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'colony-key-'));
    writeFileSync(join(dataDir, 'secrets.key'), 'not a key\n');
    expect(() => openSecretsKey({ dataDir, generate: true })).toThrow(/must hold a 32-byte key/);
  });
});
