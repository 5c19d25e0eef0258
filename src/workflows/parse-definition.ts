import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ColonyError } from '../errors/index.js';
import { type Step, type WorkflowDefinition, workflowDefinition } from './definition-schema.js';
import { checkExpression, templateExpressions } from './expressions.js';
import { checkJsonSchema } from './json-schema.js';

/** One problem of a definition: where (dotted path, and line/column in the text) and what. */
export interface DefinitionProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export const maxSourceChars = 256_000;

function refuse(problems: DefinitionProblem[]): never {
  const first = problems[0];
  const where = first ? `${first.path}${first.line ? ` (line ${first.line})` : ''}: ${first.message}` : '';
  throw new ColonyError('invalid_input', `invalid workflow definition: ${where}`, {
    fields: problems.map(({ path, message }) => ({ path, message })),
    problems,
  });
}

/**
 * Parses a definition from YAML or JSON text (JSON is YAML) or from an already parsed value, and
 * validates it: the schema, unique step ids, expressions that parse, input/output schemas that
 * compile. Throws `invalid_input` whose `details.problems` name each path and, for text, its line.
 */
export function parseDefinition(source: string | unknown): WorkflowDefinition {
  let value: unknown = source;
  let locate: (path: ReadonlyArray<PropertyKey>) => { line?: number; column?: number } = () => ({});
  if (typeof source === 'string') {
    if (source.length > maxSourceChars) {
      refuse([{ path: 'source', message: `at most ${maxSourceChars} characters` }]);
    }
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      // The first errors: later ones are mostly the parser losing its way after the first.
      refuse(
        document.errors.slice(0, 5).map((error) => ({
          path: 'source',
          message: error.message.split('\n')[0] ?? error.message,
          line: error.linePos?.[0].line,
          column: error.linePos?.[0].col,
        })),
      );
    }
    value = document.toJS({ maxAliasCount: 100 }) as unknown;
    locate = (path) => {
      let node: unknown = document.contents;
      for (const key of path) {
        if (isMap(node)) node = node.get(String(key), true);
        else if (isSeq(node)) node = node.get(Number(key), true);
        else break;
      }
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (!range) return {};
      const { line, col } = lineCounter.linePos(range[0]);
      return { line, column: col };
    };
  }
  const parsed = workflowDefinition.safeParse(value);
  if (!parsed.success) refuse(parsed.error.issues.map((issue) => problemOf(issue, locate)));
  const definition = parsed.data;
  const problems = semanticProblems(definition).map((problem) => ({
    ...problem,
    ...locate(problem.path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))),
  }));
  if (problems.length > 0) refuse(problems);
  return definition;
}

function problemOf(
  issue: z.core.$ZodIssue,
  locate: (path: ReadonlyArray<PropertyKey>) => { line?: number; column?: number },
): DefinitionProblem {
  const path = issue.path.map(String).join('.') || 'definition';
  // A key that is not allowed has no node of its own: point at its object.
  return { path, message: issue.message, ...locate(issue.path) };
}

/** Children of a step with their paths relative to it. */
export function childSteps(step: Step): Array<{ steps: Step[]; path: string }> {
  const lists: Array<{ steps: Step[]; path: string }> = [];
  if (step.onError) lists.push({ steps: step.onError, path: 'onError' });
  if (step.type === 'switch') {
    step.cases.forEach((branch, index) => {
      lists.push({ steps: branch.steps, path: `cases.${index}.steps` });
    });
    if (step.default) lists.push({ steps: step.default, path: 'default' });
  }
  if (step.type === 'parallel') {
    step.branches.forEach((branch, index) => {
      lists.push({ steps: branch.steps, path: `branches.${index}.steps` });
    });
  }
  if (step.type === 'map') lists.push({ steps: step.steps, path: 'steps' });
  return lists;
}

function semanticProblems(definition: WorkflowDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const seen = new Set<string>();
  const check = (fn: () => void, path: string) => {
    try {
      fn();
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^[^:]*: /, '') : String(error);
      problems.push({ path, message });
    }
  };
  const expressions = (value: unknown, path: string) => {
    for (const found of templateExpressions(value, path)) {
      check(() => checkExpression(found.source, found.path), found.path);
    }
  };
  const visit = (steps: Step[], path: string) => {
    steps.forEach((step, index) => {
      const at = `${path}.${index}`;
      if (seen.has(step.id))
        problems.push({ path: `${at}.id`, message: `step id "${step.id}" is used twice` });
      seen.add(step.id);
      if (step.if) check(() => checkExpression(bare(step.if ?? ''), `${at}.if`), `${at}.if`);
      if (step.type === 'set') expressions(step.values, `${at}.values`);
      if (step.type === 'switch') {
        step.cases.forEach((branch, caseIndex) => {
          const casePath = `${at}.cases.${caseIndex}.when`;
          check(() => checkExpression(bare(branch.when), casePath), casePath);
        });
      }
      if (step.type === 'map') check(() => checkExpression(bare(step.items), `${at}.items`), `${at}.items`);
      if (step.type === 'wait') {
        if ((step.durationMs === undefined) === (step.until === undefined)) {
          problems.push({ path: `${at}.durationMs`, message: 'give exactly one of durationMs and until' });
        }
        if (step.until) check(() => checkExpression(bare(step.until ?? ''), `${at}.until`), `${at}.until`);
      }
      if (step.type === 'approval') expressions(step.prompt, `${at}.prompt`);
      if (step.type === 'workflow') expressions(step.input, `${at}.input`);
      if (step.type === 'fail') expressions(step.error, `${at}.error`);
      if (step.type === 'succeed') expressions(step.output, `${at}.output`);
      if (step.type === 'parallel' && typeof step.join === 'object' && step.join.n > step.branches.length) {
        problems.push({ path: `${at}.join.n`, message: `at most the ${step.branches.length} branches` });
      }
      for (const child of childSteps(step)) visit(child.steps, `${at}.${child.path}`);
    });
  };
  visit(definition.steps, 'steps');
  expressions(definition.result, 'result');
  if (definition.input) check(() => checkJsonSchema(definition.input ?? {}, 'input'), 'input');
  if (definition.output) check(() => checkJsonSchema(definition.output ?? {}, 'output'), 'output');
  return problems;
}

/** An always-expression field may still be written `${ … }`. */
export function bare(source: string): string {
  return /^\s*\$\{[\s\S]*\}\s*$/.test(source) ? source.trim().slice(2, -1).trim() : source;
}
