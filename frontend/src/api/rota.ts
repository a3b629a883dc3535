// Typed calls for the rota (排班, backend/api/attendance_rota_handlers.go):
// a department's heads and the attendance admins set each person's shift per day.
import { api } from './client'

export interface RotaCell { user_id: string; date: string; shift_id: string; clear?: boolean }
export interface RotaPerson { user_id: string; name: string; department_id: string; locked: boolean }
export interface RotaShift { id: string; name: string; start_min: number; end_min: number }
export interface RotaSheet { department_id: string; month: string; days: string[]; people: RotaPerson[]; shifts: RotaShift[]; cells: RotaCell[] }
export interface RotaResult { cells: number }
export interface RotaCycle { user_ids: string[]; from: string; to: string; pattern: string[]; offset: number }

const base = '/api/v1/attendance/rota/'
const d = (dept: string) => base + encodeURIComponent(dept)

export const rotaApi = {
  sheet: (dept: string, month: string) => api.get<RotaSheet>(`${d(dept)}/${month}`),
  save: (dept: string, cells: RotaCell[]) => api.put<RotaResult>(d(dept), { cells }),
  cycle: (dept: string, c: RotaCycle) => api.post<RotaResult>(d(dept) + '/cycle', c),
  copy: (dept: string, kind: 'week' | 'month', to: string) => api.post<RotaResult>(d(dept) + '/copy', { kind, to }),
  templateUrl: (dept: string, month: string, lang: string) => `${d(dept)}/${month}/template?lang=${encodeURIComponent(lang)}`,
  importFile: (dept: string, month: string, file: Blob) => api.post<RotaResult>(`${d(dept)}/${month}/import`, file),
}
