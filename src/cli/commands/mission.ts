import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ColonyApiError, errorFromResponse, followEvents } from '../../client/index.js';
import { ColonyError } from '../../errors/index.js';
import type { Mission, MissionBoard } from '../../orchestration/index.js';
import type { CliContext } from '../cli-context.js';
import { brief, createOutput, formatTable, formatTime, type Output } from '../output.js';
import { type GlobalOptions, globalsOf, integerOption, listOption, resolveClient } from '../settings.js';

interface MissionApi {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  events(
    missionId: string,
    signal?: AbortSignal,
  ): AsyncGenerator<{ event: string; data: Record<string, unknown> }>;
}

/** A small client for the mission routes, with the same URL and key resolution as every command. */
function missionApi(
  globals: GlobalOptions,
  cli: CliContext,
): MissionApi & { agents: ReturnType<typeof resolveClient>['agents'] } {
  const client = resolveClient(globals, cli.io, cli.hints);
  let key = globals.key ?? cli.io.env.COLONY_API_KEY;
  if (!key && cli.hints.keyFile && existsSync(cli.hints.keyFile))
    key = readFileSync(cli.hints.keyFile, 'utf8').trim();
  const headers = (extra: Record<string, string> = {}) => ({
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...extra,
  });
  async function send(
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
    lastEventId?: string | null,
  ) {
    let response: Response;
    try {
      response = await fetch(client.baseUrl + path, {
        method,
        headers: headers({
          accept,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (thrown) {
      throw new ColonyApiError(0, 'unavailable', `cannot reach Colony at ${client.baseUrl}`, undefined, {
        cause: thrown,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
  return {
    agents: client.agents,
    async request<T>(method: string, path: string, body?: unknown) {
      return (await (await send(method, path, body)).json()) as T;
    },
    async *events(missionId, signal) {
      const messages = followEvents({
        open: (lastEventId) =>
          send(
            'GET',
            `/v1/missions/${encodeURIComponent(missionId)}/events`,
            undefined,
            'text/event-stream',
            lastEventId,
          ),
        isEnd: (message) =>
          ['mission-succeeded', 'mission-failed', 'mission-canceled'].includes(message.event),
        signal,
      });
      for await (const message of messages) {
        const parsed = JSON.parse(message.data) as { payload?: Record<string, unknown> };
        yield { event: message.event, data: parsed.payload ?? {} };
      }
    },
  };
}

function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

export function formatBoard(board: MissionBoard): string {
  const lines = [
    `mission ${board.id}: ${board.state}${board.error ? ` (${board.error})` : ''}`,
    `goal:     ${board.goal}`,
    `progress: ${progressBar(board.progress.succeeded, board.progress.total)}   plans: ${board.generation}`,
    `usage:    ${board.usage.inputTokens} in / ${board.usage.outputTokens} out tokens, $${board.usage.costUsd.toFixed(4)}`,
    `created:  ${formatTime(board.createdAt)}   finished: ${formatTime(board.finishedAt)}`,
    '',
    formatTable(
      ['task', 'status', 'assignee', 'depends on', 'tries', 'tokens', 'ms', 'title'],
      board.tasks.map((task) => [
        board.generation > 1 ? `${task.generation}/${task.key}` : task.key,
        task.status,
        task.assignees.map((assignee) => assignee.name).join(','),
        task.dependsOn.join(',') || '-',
        String(task.attempts),
        String(task.usage.inputTokens + task.usage.outputTokens),
        task.startedAt && task.finishedAt ? String(task.finishedAt - task.startedAt) : '-',
        brief(task.title, 50),
      ]),
    ),
  ];
  const violations = board.tasks.flatMap((task) =>
    task.violations.map(
      (violation) => `  ${task.key} attempt ${violation.attempt}: ${violation.violations.join('; ')}`,
    ),
  );
  if (violations.length > 0) lines.push('', 'violations:', ...violations);
  const pending = board.checkpoints.filter((checkpoint) => checkpoint.status === 'pending');
  if (pending.length > 0)
    lines.push(
      '',
      `waiting at checkpoint ${pending.map((checkpoint) => checkpoint.name).join(', ')}: colony mission approve ${board.id}`,
    );
  if (board.report) lines.push('', board.report);
  return lines.join('\n');
}

/** The agents `colony mission run` creates when the org has none. */
export const starterTeam = [
  {
    name: 'researcher',
    capabilities: { text: 'research, find and collect information, investigate', tags: ['research'] },
  },
  {
    name: 'analyst',
    capabilities: {
      text: 'compare, analyze and evaluate options and trade-offs',
      tags: ['analysis', 'compare'],
    },
  },
  {
    name: 'writer',
    capabilities: { text: 'write summaries, reports and recommendations', tags: ['write', 'summary'] },
  },
];

async function ensureAgents(api: ReturnType<typeof missionApi>, out: Output): Promise<void> {
  const page = await api.agents.list({ limit: 1 });
  if (page.agents.length > 0) return;
  for (const agent of starterTeam) await api.agents.create(agent);
  out.note(
    `no agents yet: created ${starterTeam.map((agent) => agent.name).join(', ')} (edit them with \`colony agent\`)`,
  );
}

async function follow(
  api: ReturnType<typeof missionApi>,
  out: Output,
  missionId: string,
): Promise<MissionBoard> {
  let total = 0;
  let done = 0;
  for await (const { event, data } of api.events(missionId)) {
    const key = String(data.key ?? '');
    if (event === 'mission-planned') {
      const tasks = (data.tasks ?? []) as Array<{
        key: string;
        title: string;
        dependsOn: string[];
        assignees: string[];
      }>;
      total = tasks.length + done;
      out.line(`planned ${tasks.length} task(s) (${String(data.method)}; plan ${String(data.generation)}):`);
      for (const task of tasks) {
        const after = task.dependsOn.length > 0 ? ` after ${task.dependsOn.join(', ')}` : '';
        out.line(`  ${task.key}  ${brief(task.title, 60)} → ${task.assignees.join(', ')}${after}`);
      }
    } else if (event === 'mission-task-started') {
      const agents = (data.agents ?? []) as string[];
      out.line(`▶ ${key} started (attempt ${String(data.attempt)}, ${agents.join(', ')})`);
    } else if (event === 'mission-task-violation') {
      out.line(`✗ ${key} rejected: ${((data.violations ?? []) as string[]).join('; ')}`);
    } else if (event === 'mission-task-succeeded') {
      done++;
      out.line(`✓ ${key} done  ${progressBar(done, total)}`);
    } else if (event === 'mission-task-failed') {
      out.line(`✗ ${key} failed: ${String(data.error)}`);
    } else if (event === 'mission-replanned') {
      out.line(`↻ replanning: ${String(data.reason)}`);
    } else if (event === 'mission-checkpoint-reached') {
      out.line(`⏸ checkpoint ${String(data.name)}: approve with \`colony mission approve ${missionId}\``);
    } else if (event === 'mission-aggregating') {
      out.line('… writing the report');
    }
  }
  return api.request<MissionBoard>('GET', `/v1/missions/${encodeURIComponent(missionId)}`);
}

export function registerMissionCommand(program: Command, cli: CliContext): void {
  const mission = program
    .command('mission')
    .description('missions: a goal becomes a plan, tasks and a report');

  mission
    .command('run')
    .description('start a mission and follow it live (tasks, progress, the report)')
    .argument('<goal>', 'what to achieve, in plain language (clauses become tasks offline)')
    .option('--agents <names>', 'only these agents (comma-separated)', listOption)
    .option('--checkpoints', 'wait for approval before the final report')
    .option('--model <spec>', 'model that plans, verifies and aggregates (provider:model)')
    .option('--max-tokens <n>', 'token budget', integerOption('--max-tokens', 1))
    .option('--no-follow', 'print the mission and return at once')
    .action(
      async (
        goal: string,
        options: {
          agents?: string[];
          checkpoints?: boolean;
          model?: string;
          maxTokens?: number;
          follow: boolean;
        },
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const out = createOutput(cli.io, globals.json === true);
        const api = missionApi(globals, cli);
        if (!options.agents) await ensureAgents(api, out);
        const created = await api.request<Mission>('POST', '/v1/missions', {
          goal,
          ...(options.agents ? { agents: options.agents } : {}),
          ...(options.checkpoints ? { checkpoints: true } : {}),
          ...(options.model ? { model: options.model } : {}),
          ...(options.maxTokens ? { budget: { maxTokens: options.maxTokens } } : {}),
        });
        if (!options.follow) {
          out.result(created, () => `mission ${created.id}: ${created.state}`);
          return;
        }
        out.note(
          `mission ${created.id} (${created.options.model}) — stop it with \`colony mission stop ${created.id}\``,
        );
        const board = await follow(api, out, created.id);
        out.result(board, () => `\n${formatBoard(board)}`);
        if (board.state !== 'succeeded') {
          // A mission that did not succeed exits non-zero (canceled 6, failed 2; see docs/cli.md).
          throw new ColonyError(
            board.state === 'canceled' ? 'canceled' : 'unprocessable',
            `mission ${board.id} ${board.state}: ${board.error ?? 'no reason recorded'}`,
          );
        }
      },
    );

  mission
    .command('show')
    .description('the status board of a mission')
    .argument('<id>', 'mission id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const board = await missionApi(globals, cli).request<MissionBoard>(
        'GET',
        `/v1/missions/${encodeURIComponent(id)}`,
      );
      createOutput(cli.io, globals.json === true).result(board, () => formatBoard(board));
    });

  mission
    .command('list')
    .description('recent missions')
    .option('--limit <n>', 'how many', integerOption('--limit', 1), 20)
    .action(async (options: { limit: number }, command: Command) => {
      const globals = globalsOf(command);
      const page = await missionApi(globals, cli).request<{ missions: Mission[] }>(
        'GET',
        `/v1/missions?limit=${options.limit}`,
      );
      createOutput(cli.io, globals.json === true).result(page, () =>
        formatTable(
          ['id', 'state', 'progress', 'created', 'goal'],
          page.missions.map((entry) => [
            entry.id,
            entry.state,
            `${entry.progress.succeeded}/${entry.progress.total}`,
            formatTime(entry.createdAt),
            brief(entry.goal, 60),
          ]),
        ),
      );
    });

  mission
    .command('stop')
    .description('emergency stop: cancel the mission’s tasks and runs now')
    .argument('<id>', 'mission id')
    .option('--reason <text>', 'why (kept on the mission)')
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      const globals = globalsOf(command);
      const board = await missionApi(globals, cli).request<MissionBoard>(
        'POST',
        `/v1/missions/${encodeURIComponent(id)}/stop`,
        options.reason ? { reason: options.reason } : {},
      );
      createOutput(cli.io, globals.json === true).result(
        board,
        () => `mission ${board.id}: ${board.state}${board.error ? ` (${board.error})` : ''}`,
      );
    });

  mission
    .command('approve')
    .description('approve the mission’s pending checkpoint(s)')
    .argument('<id>', 'mission id')
    .option('--name <checkpoint>', 'only this checkpoint')
    .action(async (id: string, options: { name?: string }, command: Command) => {
      const globals = globalsOf(command);
      const board = await missionApi(globals, cli).request<MissionBoard>(
        'POST',
        `/v1/missions/${encodeURIComponent(id)}/checkpoints/approve`,
        options.name ? { name: options.name } : {},
      );
      createOutput(cli.io, globals.json === true).result(board, () => `mission ${board.id}: ${board.state}`);
    });
}
