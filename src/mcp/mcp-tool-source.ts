import type { Tool } from '@modelcontextprotocol/client';
import { z } from 'zod';
import type { Services } from '../context/index.js';
import { coerceError } from '../errors/index.js';
import { transact } from '../events/index.js';
import { truncateText } from '../kernel/index.js';
import {
  fillSecretsIn,
  noResolvedSecrets,
  type ResolvedSecrets,
  redactError,
  redactSecrets,
  redactText,
  type SecretResolver,
  secretReferencesIn,
  type ToolContext,
  type ToolDefinition,
  type ToolSource,
} from '../tools/index.js';
import type { McpCallResult } from './mcp-connection.js';
import type { McpHub } from './mcp-hub.js';
import type { McpServer, McpTransport } from './mcp-server-schema.js';
import { findMcpServer } from './mcp-server-store.js';
import { isMcpToolName, modelToolName, parseMcpToolName } from './mcp-tool-names.js';

const anyObject = z.record(z.string(), z.unknown());

/** Text of a failed call's content, for the error the model reads. */
function errorText(result: McpCallResult): string {
  const texts = result.content.flatMap((part) =>
    typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text'
      ? [String((part as { text?: unknown }).text)]
      : [],
  );
  // The error is stored in the step and read by the model: a long one is cut, visibly.
  return truncateText(texts.join('\n') || 'the tool reported an error', 4000);
}

/** The secrets a server's env (stdio) or headers (HTTP) reference. */
function secretNamesOf(transport: McpTransport): string[] {
  return secretReferencesIn(transport.type === 'stdio' ? transport.env : transport.headers);
}

/** The server with its `{{secrets.NAME}}` references filled in. */
function filledServer(server: McpServer, secrets: ResolvedSecrets): McpServer {
  const transport = server.transport;
  return {
    ...server,
    transport:
      transport.type === 'stdio'
        ? { ...transport, env: fillSecretsIn(transport.env, secrets) }
        : { ...transport, headers: fillSecretsIn(transport.headers, secrets) },
  };
}

/**
 * The tools of the org's MCP servers (and the config file's), for agents that list
 * `mcp:<server>/<tool>` or `mcp:<server>/*`. A call is an ordinary durable tool step: persisted
 * before and after it runs; after a crash in the middle, only a tool the server marks
 * read-only or idempotent is called again. A server that is down, slow or answers garbage gives
 * the model a tool error and writes an `mcp-server-failed` event; the run goes on.
 *
 * A server whose env or headers reference `{{secrets.NAME}}` is started with the org's current
 * values (and restarted after a rotation); each call first asks `secrets` for the run's grants,
 * which records the use, and the call's output and errors are redacted of every value.
 */
export function createMcpToolSource(services: Services, hub: McpHub, secrets: SecretResolver): ToolSource {
  const serverOf = (orgId: string, name: string) =>
    findMcpServer(services.database.db, hub.configServers, orgId, name);

  // A server that cannot be listed is reported once a minute, not at every step of every run.
  const listingReported = new Map<string, number>();

  /** The connection for `server`, its secret references filled with `resolved` (the org's current values when absent). */
  async function connect(server: McpServer, orgId: string, resolved?: ResolvedSecrets) {
    const names = secretNamesOf(server.transport);
    if (names.length === 0) return { connection: hub.connectionOf(server), used: noResolvedSecrets };
    const used = resolved ?? (await secrets.forOrg(orgId, names));
    return { connection: hub.connectionOf(filledServer(server, used), used.revision), used };
  }

  async function reportFailure(
    server: McpServer,
    error: Error,
    context: Pick<ToolContext, 'orgId'> & Partial<ToolContext>,
    tool?: string,
  ) {
    services.logger.warn({ err: error, server: server.name }, 'MCP server failed');
    await transact(services, (_transaction, outbox) =>
      outbox.emit({
        type: 'mcp-server-failed',
        orgId: context.orgId,
        runId: context.runId ?? null,
        conversationId: context.chatId ?? null,
        subjectId: server.id,
        payload: { server: server.name, ...(tool ? { tool } : {}), error: error.message },
      }),
    ).catch((thrown: unknown) => services.logger.warn({ err: thrown }, 'could not record mcp-server-failed'));
  }

  function definitionOf(server: McpServer, name: string, listed: Tool | undefined): ToolDefinition {
    const readOnly = listed?.annotations?.readOnlyHint === true;
    const safe = readOnly || listed?.annotations?.idempotentHint === true;
    const modelName = modelToolName(server.name, name);
    return {
      name: modelName,
      description: listed?.description ?? `The tool "${name}" of the MCP server "${server.name}".`,
      inputSchema: anyObject,
      modelInputSchema: listed?.inputSchema ?? { type: 'object', properties: {} },
      requiresApproval: () => false,
      // The `mutating` policy waits for every tool the server does not mark read-only.
      isMutating: () => !readOnly,
      idempotent: safe,
      async execute(input, context) {
        const names = secretNamesOf(server.transport);
        // Grants are checked (and the use recorded) before the server sees the call.
        const granted = names.length > 0 ? await secrets.forToolCall(context, modelName, names) : undefined;
        let used = granted ?? noResolvedSecrets;
        let result: McpCallResult;
        try {
          const open = await connect(server, context.orgId, granted);
          used = open.used;
          result = await open.connection.callTool(name, input as Record<string, unknown>, context.signal);
        } catch (thrown) {
          const error = redactError(coerceError(thrown), used);
          if (!context.signal.aborted) await reportFailure(server, error, context, name);
          throw error;
        }
        if (result.isError) throw new Error(redactText(errorText(result), used));
        return redactSecrets(
          {
            content: result.content,
            ...(result.structuredContent === undefined
              ? {}
              : { structuredContent: result.structuredContent }),
          },
          used,
        );
      },
    };
  }

  return {
    owns: isMcpToolName,
    async check(orgId, name) {
      const reference = parseMcpToolName(name);
      if (!reference) return `"${name}" is not an MCP tool: use mcp:<server>/<tool> or mcp:<server>/*`;
      if (!(await serverOf(orgId, reference.server))) return `unknown MCP server "${reference.server}"`;
      return undefined;
    },
    async resolve(orgId, names, signal) {
      const wanted = new Map<string, string[]>();
      for (const name of names) {
        const reference = parseMcpToolName(name);
        if (reference)
          wanted.set(reference.server, [...(wanted.get(reference.server) ?? []), reference.tool]);
      }
      // Servers are listed at once: one that is down costs the step its timeout once, not per server.
      const perServer = await Promise.all(
        [...wanted].map(async ([serverName, tools]) => {
          const server = await serverOf(orgId, serverName);
          if (!server) return [];
          let listed: Tool[] | undefined;
          let used = noResolvedSecrets;
          try {
            const open = await connect(server, orgId);
            used = open.used;
            listed = await open.connection.listTools(signal);
          } catch (thrown) {
            const last = listingReported.get(server.id) ?? Number.NEGATIVE_INFINITY;
            if (!signal.aborted && services.clock.now() - last >= 60_000) {
              listingReported.set(server.id, services.clock.now());
              await reportFailure(server, redactError(coerceError(thrown), used), { orgId });
            }
          }
          // Named tools are offered even when the listing failed (a call then says why); `*`
          // adds what the listing found.
          const named = tools.filter((tool) => tool !== '*');
          const all = tools.includes('*') ? (listed ?? []).map((tool) => tool.name) : [];
          return [...new Set([...named, ...all])].map((name) =>
            definitionOf(
              server,
              name,
              listed?.find((tool) => tool.name === name),
            ),
          );
        }),
      );
      const definitions = perServer.flat();
      return definitions;
    },
  };
}
