import type { JSONSchema7 } from '@ai-sdk/provider';
import { jsonSchema, type ToolSet, tool } from 'ai';
import { ColonyError } from '../errors/index.js';
import type { ToolDefinition } from './tool-definition.js';
import type { ToolRegistry } from './tool-registry.js';

/**
 * The AI SDK tool set for the named tools, with descriptions and input schemas but no `execute`:
 * the model only proposes calls, and the runtime executes them itself so each call is persisted
 * before and after it runs.
 *
 * @throws ColonyError `invalid_input` when a name is not registered.
 * @example
 * const result = await generateText({ model, tools: toAiSdkTools(registry, ['get_time']), prompt });
 */
export function toAiSdkTools(registry: ToolRegistry, names: string[]): ToolSet {
  const tools: ToolSet = {};
  for (const name of names) {
    const definition = registry.get(name);
    if (definition === undefined) throw new ColonyError('invalid_input', `unknown tool "${name}"`);
    tools[name] = aiSdkToolOf(definition);
  }
  return tools;
}

/** The AI SDK tool set of resolved definitions (`ToolRegistry.resolve`), keyed by their names. */
export function aiSdkToolsOf(definitions: Iterable<ToolDefinition>): ToolSet {
  const tools: ToolSet = {};
  for (const definition of definitions) tools[definition.name] = aiSdkToolOf(definition);
  return tools;
}

function aiSdkToolOf(definition: ToolDefinition) {
  const inputSchema = definition.modelInputSchema
    ? jsonSchema(definition.modelInputSchema as JSONSchema7)
    : definition.inputSchema;
  return tool({ description: definition.description, inputSchema });
}
