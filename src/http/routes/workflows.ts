import { createRoute, z } from '@hono/zod-openapi';
import {
  applyWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  validateWorkflow,
  workflowJsonSchema,
} from '../../workflows/index.js';
import type { HttpServices } from '../http-services.js';
import {
  bodyErrors,
  commonErrors,
  conflictError,
  idParam,
  jsonBody,
  jsonContent,
  pageOf,
  pageQuery,
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const tags = ['workflows'];
const params = idParam('id', 'wfl_01jd… or a name');
const definitionSchema = z
  .record(z.string(), z.unknown())
  .openapi({ description: 'A workflow definition; its JSON Schema is GET /v1/workflows/schema.json' });

/** A definition as text (YAML or JSON) or as an object: exactly one of the two. */
const sourceBody = z
  .object({
    source: z.string().min(1).max(256_000).optional().openapi({ description: 'YAML or JSON text' }),
    definition: definitionSchema.optional(),
  })
  .strict()
  .refine((body) => (body.source === undefined) !== (body.definition === undefined), {
    message: 'give exactly one of source and definition',
    path: ['source'],
  });

const workflowSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    description: z.string(),
    latestVersion: z.number(),
    createdBy: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Workflow');
const versionSchema = z.object({
  version: z.number(),
  definition: definitionSchema,
  source: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
});
const detailSchema = workflowSchema
  .extend({ definition: definitionSchema, versions: z.array(versionSchema) })
  .openapi('WorkflowDetail');

const schema = createRoute({
  method: 'get',
  path: '/v1/workflows/schema.json',
  operationId: 'getWorkflowSchema',
  tags,
  security,
  summary: 'The JSON Schema of workflow definitions (for editors: `# yaml-language-server: $schema=…`)',
  responses: { 200: jsonContent(z.record(z.string(), z.unknown()), 'JSON Schema'), ...commonErrors },
});
const apply = createRoute({
  method: 'post',
  path: '/v1/workflows',
  operationId: 'applyWorkflow',
  tags,
  security,
  summary: 'Apply a definition: a new workflow, or the next version of the one with its name (member)',
  request: { body: jsonBody(sourceBody) },
  responses: {
    201: jsonContent(workflowSchema.extend({ version: z.number() }), 'Applied'),
    ...commonErrors,
    ...bodyErrors,
  },
});
const validate = createRoute({
  method: 'post',
  path: '/v1/workflows/validate',
  operationId: 'validateWorkflow',
  tags,
  security,
  summary: 'Validate a definition without storing it; a 400 names each problem’s path and line',
  request: { body: jsonBody(sourceBody) },
  responses: {
    200: jsonContent(z.object({ valid: z.literal(true), definition: definitionSchema }), 'Valid'),
    ...commonErrors,
    ...bodyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/workflows',
  operationId: 'listWorkflows',
  tags,
  security,
  summary: 'The org’s workflows by name',
  request: { query: pageQuery },
  responses: { 200: pageOf('workflows', workflowSchema, 'Workflows'), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/v1/workflows/{id}',
  operationId: 'getWorkflow',
  tags,
  security,
  summary: 'A workflow with its latest definition and its versions, newest first',
  request: { params },
  responses: { 200: jsonContent(detailSchema, 'The workflow'), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/workflows/{id}',
  operationId: 'deleteWorkflow',
  tags,
  security,
  summary: 'Delete a workflow and its versions (member); refused while a run of it is unfinished',
  request: { params },
  responses: { 200: jsonContent(workflowSchema, 'Deleted'), ...commonErrors, ...conflictError },
});

export function registerWorkflowRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(schema, async (http) => {
    contextOf(http, services);
    return http.json(workflowJsonSchema(), 200);
  });
  app.openapi(apply, async (http) => {
    const body = http.req.valid('json');
    const applied = await applyWorkflow(contextOf(http, services), body.source ?? body.definition ?? '');
    return http.json(applied, 201);
  });
  app.openapi(validate, async (http) => {
    const body = http.req.valid('json');
    const definition = validateWorkflow(contextOf(http, services), body.source ?? body.definition ?? '');
    return http.json({ valid: true as const, definition }, 200);
  });
  app.openapi(list, async (http) =>
    http.json(await listWorkflows(contextOf(http, services), http.req.valid('query')), 200),
  );
  app.openapi(get, async (http) =>
    http.json(await getWorkflow(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(remove, async (http) =>
    http.json(await deleteWorkflow(contextOf(http, services), http.req.valid('param').id), 200),
  );
}
