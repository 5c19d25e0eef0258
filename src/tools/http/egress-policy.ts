import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { ColonyError } from '../../errors/index.js';
import { matchesAnyHostPattern, normalizeHost } from './host-pattern.js';
import type { HttpToolConfig } from './http-config.js';
import { isPrivateAddress } from './private-address.js';

/** Resolves a host name to all of its addresses. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

/** Seams of the egress policy; the defaults use the system resolver and the real classifier. */
export interface EgressDependencies {
  lookup: HostLookup;
  isPrivateAddress: (address: string) => boolean;
}

export const defaultEgressDependencies: EgressDependencies = {
  lookup: (hostname) => dns.lookup(hostname, { all: true, verbatim: true }),
  isPrivateAddress,
};

function forbidden(message: string): ColonyError {
  return new ColonyError('forbidden', `http_request: ${message}`);
}

/** Checks scheme, credentials and the allow/deny lists; returns the normalized host. */
export function checkUrl(url: URL, config: HttpToolConfig): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw forbidden(`only http and https URLs are allowed, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username !== '' || url.password !== '') throw forbidden('credentials in the URL are not allowed');
  const host = normalizeHost(url.hostname);
  if (matchesAnyHostPattern(host, config.deny)) throw forbidden(`host ${host} is on the deny list`);
  if (config.allow.length > 0 && !matchesAnyHostPattern(host, config.allow)) {
    throw forbidden(`host ${host} is not on the allow list`);
  }
  return host;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Resolves `host` and returns its addresses, refusing (with `forbidden`) when any of them is
 * private and the config does not allow private addresses. The caller connects only to these
 * addresses, so a DNS answer that changes between check and connect cannot slip through.
 */
export async function resolveAllowedAddresses(
  host: string,
  config: HttpToolConfig,
  dependencies: EgressDependencies,
  signal: AbortSignal,
): Promise<LookupAddress[]> {
  const version = isIP(host);
  let addresses: LookupAddress[];
  if (version !== 0) addresses = [{ address: host, family: version }];
  else {
    try {
      addresses = await abortable(dependencies.lookup(host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new ColonyError('unavailable', `http_request: could not resolve host ${host}`, undefined, {
        cause: error,
      });
    }
  }
  if (addresses.length === 0)
    throw new ColonyError('unavailable', `http_request: host ${host} has no addresses`);
  if (!config.allowPrivate) {
    const blocked = addresses.find((entry) => dependencies.isPrivateAddress(entry.address));
    if (blocked !== undefined) {
      throw forbidden(
        `host ${host} resolves to a private address (${blocked.address}); private addresses are not allowed`,
      );
    }
  }
  return addresses;
}
