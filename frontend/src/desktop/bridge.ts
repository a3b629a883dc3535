// Typed wrapper over the desktop shell's Wails bindings (app/app.go,
// window.go.app.App). In a plain browser there is no shell: available() is false.

export type ConnectionMode = '' | 'remote' | 'local'

export interface Connection {
  mode: ConnectionMode
  url?: string
}

/** What a failed binding rejects with (app.FormatError), same shape as API errors. */
export interface BindingError {
  code: string
  key: string
  message: string
}

interface AppBinding {
  GetConnection(): Promise<Connection>
  ConnectRemote(url: string): Promise<Connection>
  CreateLocalWorkspace(): Promise<Connection>
  Disconnect(): Promise<Connection>
  PickFolder(title: string): Promise<string>
  SearchChatOffline(req: LocalChatSearch): Promise<LocalChatHit[]>
  HasChatIndex(): Promise<boolean>
}

/** LocalChatSearch is chat search in the desktop's own index (app/chatindex.go, backend/chatlocal). */
export interface LocalChatSearch { q: string; conversation_id?: string; sender_id?: string; from?: string; to?: string }
/** LocalChatHit is a message found there, with its conversation's title. */
export interface LocalChatHit {
  id: string; conversation_id: string; seq: number; sender_id: string; sender_name: string; body: string; created_at: string
  conversation_title: string
}

declare global {
  interface Window {
    go?: { app?: { App?: AppBinding } }
  }
}

export function available(): boolean {
  return typeof window !== 'undefined' && !!window.go?.app?.App
}

export function desktop(): AppBinding {
  const b = window.go?.app?.App
  if (!b) throw { code: 'unavailable', key: 'desktop.not_desktop', message: 'not running in the desktop app' } as BindingError
  return b
}

/** Normalises whatever a binding rejected with into a BindingError. */
export function asBindingError(e: unknown): BindingError {
  if (e && typeof e === 'object' && 'key' in e) return e as BindingError
  return { code: 'internal', key: 'desktop.internal', message: String(e) }
}
