// Typed calls for the company working calendar (backend/api/workcal_handlers.go,
// backend/workcal/API.md): everyone reads it, administrators edit it.
import { api } from './client'

/** A date that differs from the working week: a holiday (working false) or a make-up working day 调休. */
export interface WorkDay { date: string; working: boolean; note: string }
/** The working week and hours ("HH:MM", ISO weekdays Monday = 1) in time_zone, and the special days. */
export interface WorkCalendar { time_zone: string; work_start: string; work_end: string; work_days: number[]; days: WorkDay[] }
export interface WorkWeek { work_days: number[]; work_start: string; work_end: string }
export interface WorkRange { start: string; end: string; working: boolean; note: string }

export const workcalApi = {
  get: () => api.get<WorkCalendar>('/api/v1/workcal'),
  setWeek: (w: WorkWeek) => api.put<WorkWeek>('/api/v1/workcal/settings', w),
  setRange: (r: WorkRange) => api.post<{ items: WorkDay[] }>('/api/v1/workcal/range', r),
  setDay: (d: WorkDay) => api.put<WorkDay>('/api/v1/workcal/' + d.date, d),
  deleteDay: (date: string) => api.del<void>('/api/v1/workcal/' + date),
}
