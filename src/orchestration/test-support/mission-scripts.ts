import { sleep } from '../../kernel/index.js';
import type { Plan } from '../plan.js';
import type { Script, ScriptedCall } from './scripted-model.js';

/** The role a call plays, from the system text Colony's orchestration sends. */
export function roleOf(
  call: ScriptedCall,
): 'planner' | 'verifier' | 'router' | 'aggregator' | 'agent' | 'memory' {
  if (call.system.includes('Extract durable memories')) return 'memory';
  if (call.system.includes('mission planner')) return 'planner';
  if (call.system.includes('acceptance verifier')) return 'verifier';
  if (call.system.includes('router of a team')) return 'router';
  if (call.system.includes('mission aggregator')) return 'aggregator';
  return 'agent';
}

export function taskKeyOf(call: ScriptedCall): string {
  return /^Task (\S+):/m.exec(call.user)?.[1] ?? '?';
}

export interface MissionScriptOptions {
  /** The planner's answers, in order (the last one repeats). */
  plans: Array<Plan | string>;
  /** Agent answer for a task key; default `Result of <key>: done.` after `agentDelayMs`. */
  answer?: (key: string, call: ScriptedCall) => string;
  agentDelayMs?: number | ((key: string) => number);
  /** Verifier: answers containing this fail. Default `DRAFT`. */
  rejectMarker?: string;
  calls?: ScriptedCall[];
}

/** A scripted model that plays planner, verifier, router, aggregator and agents for mission tests. */
export function missionScript(options: MissionScriptOptions): Script {
  let planIndex = 0;
  return async (call) => {
    options.calls?.push(call);
    const role = roleOf(call);
    if (role === 'memory') return JSON.stringify({ memories: [] });
    if (role === 'planner') {
      const plan = options.plans[Math.min(planIndex, options.plans.length - 1)];
      planIndex++;
      return typeof plan === 'string' ? plan : JSON.stringify(plan);
    }
    if (role === 'verifier') {
      const rejected = call.user
        .split('Answer:')
        .at(-1)
        ?.includes(options.rejectMarker ?? 'DRAFT');
      return JSON.stringify(
        rejected
          ? { pass: false, violations: ['the answer is only a draft'] }
          : { pass: true, violations: [] },
      );
    }
    if (role === 'router') {
      const first = /^- ([^:]+):/m.exec(call.user)?.[1] ?? '';
      return JSON.stringify({ agent: first, reason: 'closest to the task' });
    }
    if (role === 'aggregator') {
      const keys = [...call.user.matchAll(/^## (\S+):/gm)].map((match) => match[1]);
      return `FINAL REPORT covering ${keys.join(', ')}`;
    }
    const key = taskKeyOf(call);
    const delay =
      typeof options.agentDelayMs === 'function' ? options.agentDelayMs(key) : (options.agentDelayMs ?? 0);
    if (delay > 0) await sleep(delay, call.signal);
    return options.answer ? options.answer(key, call) : `Result of ${key}: done.`;
  };
}

/** A planned task with defaults. */
export function task(
  id: string,
  title: string,
  capability: string,
  dependsOn: string[] = [],
): Plan['tasks'][number] {
  return {
    id,
    title,
    description: `${title}.`,
    capability,
    depends_on: dependsOn,
    acceptance: [`addresses ${title.toLowerCase()}`],
  };
}
