// Thin wrapper over the Wails bindings of app/sync.go (window.go.app.Sync).
// In a plain browser there is no local agent: available() is false.

export type SyncMode = 'backup' | 'two-way' | 'mirror'
export type SyncState = 'synced' | 'syncing' | 'paused' | 'needs_confirmation' | 'degraded' | 'error' | 'stopped' | 'folder_gone' | 'signed_out'

/** Why a local path was not backed up (backend/syncagent/model.go Skip*). */
export type SkipReason = 'unreadable' | 'locked' | 'symlink' | 'special'

export interface SkippedItem {
  path: string
  reason: SkipReason
  /** The OS error, in English. */
  detail?: string
}

export interface SyncPair {
  id: string
  local_path: string
  space_id: string
  remote_folder_id: string
  mode: SyncMode
  paused: boolean
}

export interface PairStatus {
  pair_id: string
  local_path: string
  space_id: string
  /** The drive folder the pair syncs with. */
  remote_folder_id: string
  mode: SyncMode
  state: SyncState
  pending: number
  files_done: number
  files_total: number
  bytes_done: number
  bytes_total: number
  error?: string
  degraded?: string
  pending_delete?: number
  /** Files rewritten at once (ransomware?) whose upload waits for ConfirmOverwrites. */
  pending_overwrite?: number
  clashes?: string[]
  skipped?: SkippedItem[]
  /** When the pair stopped for good (state stopped). */
  stopped_at?: string
  last_sync: string
  /** Drive entries whose names cannot be local file names: not synced. */
  refused?: RefusedName[]
}

/** A drive entry the agent refused (backend/syncagent/names.go). */
export interface RefusedName {
  /** The pair-relative folder it is in ('' = the top). */
  folder: string
  /** As the server sent it, unprintable characters escaped. */
  name: string
  /** Why: a drive.nameProblem key. */
  problem: string
}

export interface SyncOverview {
  overall: SyncState
  pairs: PairStatus[]
}

export interface SyncPrefs {
  /** KiB/s for all transfers together; 0 = no limit. */
  bandwidth_kbps: number
}

interface SyncBinding {
  ListPairs(): Promise<SyncPair[]>
  AddPair(req: { local_path: string; space_id: string; remote_folder_id: string; mode: SyncMode }): Promise<SyncPair>
  RemovePair(id: string): Promise<void>
  PausePair(id: string): Promise<void>
  ResumePair(id: string): Promise<void>
  ConfirmDeletes(id: string): Promise<void>
  ConfirmOverwrites(id: string): Promise<void>
  SyncStatus(): Promise<SyncOverview>
  Preferences(): Promise<SyncPrefs>
  SetBandwidthLimit(kbps: number): Promise<void>
}

interface AppBinding {
  PickFolder(title: string): Promise<string>
  StartAtLogin(): Promise<boolean>
  SetStartAtLogin(on: boolean): Promise<boolean>
  /** The automatic punch 极速打卡 (app/punch.go); absent in an older client. */
  AutoPunch?(): Promise<boolean>
  SetAutoPunch?(on: boolean): Promise<boolean>
  /** The client's own update (app/update.go UpdateState); absent in an older client. */
  UpdateState?(): Promise<UpdateInfo>
}

/** UpdateInfo mirrors app.UpdateInfo: state "" (nothing to say), available, ready or refused. */
export interface UpdateInfo {
  state: '' | 'available' | 'ready' | 'refused'
  version: string
  changelog: string
  reason?: 'signature' | 'downgrade'
}

/** appBinding is the shell's own facade (app/app.go), undefined outside the desktop app or in an older client. */
export function appBinding(): AppBinding | undefined {
  return (window as any).go?.app?.App as AppBinding | undefined
}

function binding(): SyncBinding | undefined {
  return (window as any).go?.app?.Sync as SyncBinding | undefined
}

/** pickFolder opens the native folder chooser of the desktop app; '' when cancelled. */
export async function pickFolder(title: string): Promise<string> {
  const app = (window as any).go?.app?.App as AppBinding | undefined
  if (!app) throw new Error('sync: not running in the desktop app')
  return (await app.PickFolder(title)) ?? ''
}

/** notRunning: the desktop has no sync engine (signed out, or no server). */
export function notRunning(e: unknown): boolean {
  return (e as { key?: string } | null)?.key === 'desktop.sync_not_running'
}

export function available(): boolean {
  return binding() !== undefined
}

export function sync(): SyncBinding {
  const b = binding()
  if (!b) throw new Error('sync: not running in the desktop app')
  return b
}
