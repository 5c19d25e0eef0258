export { createScheduleHandlers } from './schedule-fire.js';
export {
  type CreateScheduleInput,
  createScheduleInput,
  type ScheduleTarget,
  scheduleTarget,
  type UpdateScheduleInput,
  updateScheduleInput,
} from './schedule-schema.js';
export {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  type Schedule,
  type ScheduleFiring,
  updateSchedule,
} from './schedules.js';
