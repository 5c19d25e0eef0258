import { createRoute, z } from '@hono/zod-openapi';
import {
  createSchedule,
  createScheduleInput,
  deleteSchedule,
  getSchedule,
  listSchedules,
  scheduleTarget,
  updateSchedule,
  updateScheduleInput,
} from '../../schedules/index.js';
import type { HttpServices } from '../http-services.js';
import {
  idempotencyErrors,
  idempotencyHeaders,
  idempotently,
  withIdempotencyKey,
} from '../idempotency/index.js';
import {
  bodyErrors,
  commonErrors,
  conflictError,
  idParam,
  jsonBody,
  jsonContent,
  security,
} from '../openapi-helpers.js';
import { type ColonyApp, contextOf } from '../request-context.js';

const scheduleSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    description: z.string(),
    cron: z.string().nullable(),
    intervalMs: z.number().nullable(),
    timezone: z.string().nullable(),
    target: scheduleTarget,
    enabled: z.boolean(),
    nextRunAt: z.number().nullable(),
    lastRunAt: z.number().nullable(),
    createdBy: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Schedule');
const firingSchema = z.object({
  scheduledAt: z.number(),
  taskId: z.string(),
  status: z.string(),
  result: z.unknown(),
  error: z.string().nullable(),
});
const scheduleDetailSchema = scheduleSchema
  .extend({
    upcoming: z.array(z.number()).openapi({ description: 'the next run times (epoch ms)' }),
    history: z.array(firingSchema).openapi({ description: 'the last firings, newest first' }),
  })
  .openapi('ScheduleDetail');
const tags = ['schedules'];
const param = { params: idParam('id', 'sch_01jd… or a name') };

const create = createRoute({
  method: 'post',
  path: '/v1/schedules',
  operationId: 'createSchedule',
  tags,
  security,
  summary:
    'Schedule a prompt to an agent or a mission, on a cron pattern (with a time zone) or a fixed interval (member)',
  request: { headers: idempotencyHeaders, body: jsonBody(withIdempotencyKey(createScheduleInput)) },
  responses: {
    201: jsonContent(scheduleSchema, 'Created'),
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
    ...idempotencyErrors,
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/schedules',
  operationId: 'listSchedules',
  tags,
  security,
  summary: 'List the org’s schedules with their next run times',
  responses: {
    200: jsonContent(z.object({ schedules: z.array(scheduleSchema) }), 'Schedules'),
    ...commonErrors,
  },
});
const get = createRoute({
  method: 'get',
  path: '/v1/schedules/{id}',
  operationId: 'getSchedule',
  tags,
  security,
  summary: 'A schedule with its next five run times and its last firings',
  request: param,
  responses: { 200: jsonContent(scheduleDetailSchema, 'Schedule'), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/v1/schedules/{id}',
  operationId: 'updateSchedule',
  tags,
  security,
  summary: 'Change a schedule; `enabled: false` pauses it, `enabled: true` resumes it (member)',
  request: { ...param, body: jsonBody(updateScheduleInput) },
  responses: { 200: jsonContent(scheduleSchema, 'Updated'), ...commonErrors, ...bodyErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/schedules/{id}',
  operationId: 'deleteSchedule',
  tags,
  security,
  summary: 'Delete a schedule (member); firings already queued still run',
  request: param,
  responses: { 200: jsonContent(scheduleSchema, 'Deleted'), ...commonErrors },
});

export function registerScheduleRoutes(app: ColonyApp, services: HttpServices): void {
  app.openapi(create, async (http) => {
    const { idempotencyKey, ...input } = http.req.valid('json');
    const created = await idempotently(http, services, contextOf(http, services), {
      body: input,
      bodyKey: idempotencyKey,
      run: (context) => createSchedule(context, input),
      respond: (schedule) => ({ status: 201, body: schedule }),
    });
    return http.json(created.body, 201);
  });
  app.openapi(list, async (http) =>
    http.json({ schedules: await listSchedules(contextOf(http, services)) }, 200),
  );
  app.openapi(get, async (http) =>
    http.json(await getSchedule(contextOf(http, services), http.req.valid('param').id), 200),
  );
  app.openapi(update, async (http) =>
    http.json(
      await updateSchedule(contextOf(http, services), http.req.valid('param').id, http.req.valid('json')),
      200,
    ),
  );
  app.openapi(remove, async (http) =>
    http.json(await deleteSchedule(contextOf(http, services), http.req.valid('param').id), 200),
  );
}
