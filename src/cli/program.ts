import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerAgentCommand } from './commands/agent.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerBudgetCommand } from './commands/budget.js';
import { registerChatCommand } from './commands/chat.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerMcpServerCommand } from './commands/mcp-server.js';
import { registerMemoryCommand } from './commands/memory.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerMigrateDataCommand } from './commands/migrate-data.js';
import { registerMissionCommand } from './commands/mission.js';
import { registerRunCommand } from './commands/run.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerSecretCommand } from './commands/secret.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTaskCommand } from './commands/task.js';
import { registerUsageCommand } from './commands/usage.js';
import { registerWebhookCommand } from './commands/webhook.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerWorkflowCommand } from './commands/workflow.js';
import { colonyVersion } from './version.js';

/** The `colony` command tree. Errors propagate to the caller (`exitOverride`), which maps them. */
export function createProgram(cli: CliContext): Command {
  const program = new Command('colony')
    .description('Colony: a self-hostable platform for teams of LLM agents')
    .version(colonyVersion(), '-V', 'print the version (also --version, before any command)')
    .option('--json', 'machine-readable JSON output')
    .option('--url <url>', 'server URL (COLONY_URL; default http://<host>:<port> from the config)')
    .option('--key <key>', 'API key (COLONY_API_KEY; default the admin key in <data dir>/admin-key)')
    .option(
      '--config <file>',
      'config file (COLONY_CONFIG; default colony.config.json|yaml in the working dir)',
    )
    .option('--data-dir <dir>', 'data directory (COLONY_DATA_DIR, default ./.colony)')
    .option('--database-url <url>', 'postgres://… or a SQLite file (COLONY_DATABASE_URL)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => cli.io.stdout.write(text),
      writeErr: (text) => cli.io.stderr.write(text),
    })
    .exitOverride();
  registerServeCommand(program, cli);
  registerWorkerCommand(program, cli);
  registerMigrateCommand(program, cli);
  registerMigrateDataCommand(program, cli);
  registerKeysCommand(program, cli);
  registerBackupCommand(program, cli);
  registerAuditCommand(program, cli);
  registerUsageCommand(program, cli);
  registerBudgetCommand(program, cli);
  registerAgentCommand(program, cli);
  registerChatCommand(program, cli);
  registerRunCommand(program, cli);
  registerMissionCommand(program, cli);
  registerScheduleCommand(program, cli);
  registerWebhookCommand(program, cli);
  registerWorkflowCommand(program, cli);
  registerTaskCommand(program, cli);
  registerMemoryCommand(program, cli);
  registerMcpServerCommand(program, cli);
  registerSecretCommand(program, cli);
  registerMcpCommand(program, cli);
  for (const command of program.commands) applyToTree(command);
  return program;
}

function applyToTree(command: Command): void {
  command.exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const child of command.commands) applyToTree(child);
}

/**
 * `argv` with a `--version` that comes before any command turned into `-V`, so `colony --version`
 * prints the version. Commander would take a program option anywhere on the line, and
 * `agent show <name> --version <n>` names an agent's version.
 */
export function programArgv(program: Command, argv: readonly string[]): string[] {
  const commands = new Set(program.commands.map((command) => command.name()));
  const index = argv.indexOf('--version', 2);
  if (index === -1 || argv.slice(2, index).some((arg) => commands.has(arg))) return [...argv];
  return argv.with(index, '-V');
}
