// Typed calls for the sync device heartbeats (backend/api/sync_device_handlers.go).
import { api, type Page } from './client'

export interface DevicePair {
  pair_id: string
  local_path: string
  state: string
  error?: string
  last_sync?: string
  skipped: number
  pending_delete: number
}

export interface SyncDevice {
  id: string
  user_id: string
  user_name: string
  name: string
  client: string
  reported_at: string
  last_backup_at: string | null
  pairs: DevicePair[]
  stopped: number
  errors: number
  skipped: number
  /** No successful backup (or report) for a day, or a pair stopped. */
  behind: boolean
}

export const devicesApi = {
  list: (behind: boolean) => api.get<Page<SyncDevice>>('/api/v1/sync/devices' + (behind ? '?behind=1' : '')),
}
