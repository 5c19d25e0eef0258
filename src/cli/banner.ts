import type { ModelRegistry } from '../models/index.js';
import type { RunningServer } from '../server/index.js';

export interface BannerFacts {
  version: string;
  url: string;
  dataDir: string;
  database: { name: string; location: string };
  adminKey: RunningServer['adminKey'] & { onDisk: boolean };
  model: { offline: boolean; description: string };
  workers: number;
}

const offlineHint =
  'set OPENAI_API_KEY, ANTHROPIC_API_KEY or COLONY_COMPATIBLE_BASE_URL (Ollama, LM Studio, vLLM) for a real model';

/** How the banner names the model provider; the offline model is never left unlabelled. */
export function describeModels(models: ModelRegistry): BannerFacts['model'] {
  const real = models.providers().some((provider) => provider.configured && !provider.offline);
  if (!real) {
    return {
      offline: true,
      description: `offline (no provider configured — deterministic, not AI; ${offlineHint})`,
    };
  }
  return { offline: models.defaultModelSpec().startsWith('offline:'), description: models.describe() };
}

function keyLines(facts: BannerFacts): string[] {
  const { adminKey } = facts;
  if (adminKey.created) {
    return [
      `admin key: ${adminKey.created}`,
      `           (shown once; also saved to ${adminKey.file}, mode 0600)`,
    ];
  }
  if (adminKey.preset) return ['admin key: preset by COLONY_ADMIN_KEY'];
  if (adminKey.onDisk) return [`admin key: in ${adminKey.file}`];
  return [
    `admin key: not on disk (${adminKey.file} was removed); create one with \`colony keys create --name <name>\``,
  ];
}

/** The human banner `colony serve` prints once it listens. */
export function formatBanner(facts: BannerFacts): string {
  const keyCommand = facts.adminKey.onDisk ? `$(cat ${facts.adminKey.file})` : '<key>';
  return [
    `Colony ${facts.version} is running`,
    `url:       ${facts.url}`,
    `data dir:  ${facts.dataDir}`,
    `database:  ${facts.database.name} ${facts.database.location}`,
    ...keyLines(facts),
    `model:     ${facts.model.description}`,
    `workers:   ${facts.workers > 0 ? `${facts.workers} in this process` : 'none in this process (run `colony worker`)'}`,
    `try:       curl -H "Authorization: Bearer ${keyCommand}" ${facts.url}/v1/agents`,
    '',
  ]
    .map((line, index) => (index === 0 || line === '' ? line : `  ${line}`))
    .join('\n');
}
