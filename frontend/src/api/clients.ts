// The desktop client builds the team server offers (tack serve --clients;
// backend/api/client_download_handlers.go), and which one suits a visitor.
import { api } from './client'

export interface ClientBuild {
  os: string // GOOS: windows, darwin, linux
  arch: string // GOARCH: amd64, arm64
  version: string
  file: string
  size: number
  changelog?: string
  installer?: boolean
  url: string
}

export const clientsApi = {
  list: () => api.get<{ releases: ClientBuild[] | null }>('/api/v1/clients'),
}

/** visitorOS reads the OS of a desktop browser; '' for phones and tablets, which get no desktop client. */
export function visitorOS(ua: string, platform = ''): '' | 'windows' | 'darwin' | 'linux' {
  const s = `${ua} ${platform}`
  if (/Android|iPhone|iPad|iPod|Mobile/i.test(s)) return ''
  if (/Windows|Win32|Win64/i.test(s)) return 'windows'
  if (/Macintosh|Mac OS X|MacIntel/i.test(s)) return 'darwin'
  if (/Linux|X11/i.test(s)) return 'linux'
  return ''
}

/** pickBuild is the build for os: amd64 unless the browser says arm (aarch64/arm64), else the only one there is. */
export function pickBuild(builds: ClientBuild[], os: string, ua = ''): ClientBuild | undefined {
  const mine = builds.filter((b) => b.os === os)
  const arch = /aarch64|arm64/i.test(ua) ? 'arm64' : 'amd64'
  return mine.find((b) => b.arch === arch) ?? mine[0]
}
