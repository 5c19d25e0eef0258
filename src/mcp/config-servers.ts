import { ColonyError } from '../errors/index.js';
import { secretReferencesIn } from '../tools/index.js';
import { type McpServer, mcpTransport } from './mcp-server-schema.js';

/** An entry of `mcpServers` in colony.config.yaml, as the config schema checked it. */
export type McpServerEntry =
  | {
      readonly description?: string | undefined;
      readonly command: string;
      readonly args?: readonly string[] | undefined;
      readonly env?: Readonly<Record<string, string>> | undefined;
    }
  | {
      readonly description?: string | undefined;
      readonly url: string;
      readonly headers?: Readonly<Record<string, string>> | undefined;
    };

/**
 * The config file's servers, offered to every org (`source: "config"`, id `config:<name>`).
 *
 * @throws ColonyError `invalid_input` naming `mcpServers.<name>…` for a value the API would refuse.
 */
export function configServersOf(entries: Readonly<Record<string, McpServerEntry>>): McpServer[] {
  return Object.entries(entries).map(([name, entry]) => {
    const transport = mcpTransport.safeParse(
      'command' in entry
        ? { type: 'stdio', command: entry.command, args: entry.args ?? [], env: entry.env ?? {} }
        : { type: 'http', url: entry.url, headers: entry.headers ?? {} },
    );
    if (!transport.success) {
      const issue = transport.error.issues[0];
      const path = ['mcpServers', name, ...(issue?.path ?? []).map(String)].join('.');
      throw new ColonyError('invalid_input', `${path}: ${issue?.message ?? 'invalid'}`, {
        fields: [{ path, message: issue?.message ?? 'invalid' }],
      });
    }
    const values = transport.data.type === 'stdio' ? transport.data.env : transport.data.headers;
    if (secretReferencesIn(values).length > 0) {
      // Secrets belong to an org, and a config-file server serves every org.
      const path = `mcpServers.${name}.${transport.data.type === 'stdio' ? 'env' : 'headers'}`;
      const message =
        'a server of the configuration file serves every org and cannot reference org secrets: register it with the API (POST /v1/mcp-servers)';
      throw new ColonyError('invalid_input', `${path}: ${message}`, { fields: [{ path, message }] });
    }
    return {
      id: `config:${name}`,
      orgId: null,
      name,
      description: entry.description ?? '',
      transport: transport.data,
      source: 'config',
      version: 1,
      createdAt: 0,
      updatedAt: 0,
    };
  });
}
