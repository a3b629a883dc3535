import { describe, expect, it } from 'vitest'
import { pickBuild, visitorOS, type ClientBuild } from './clients'

const b = (os: string, arch: string): ClientBuild => ({ os, arch, version: '1.2.0', file: 'tack', size: 1, url: `/api/v1/clients/${os}/${arch}/1.2.0/tack` })

describe('client downloads', () => {
  it('reads the OS of desktop browsers and none of phones', () => {
    expect(visitorOS('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120')).toBe('windows')
    expect(visitorOS('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Safari/605')).toBe('darwin')
    expect(visitorOS('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120')).toBe('linux')
    expect(visitorOS('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36')).toBe('')
    expect(visitorOS('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148')).toBe('')
    expect(visitorOS('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)')).toBe('')
  })
  it('picks the build of the OS, amd64 unless the browser says arm', () => {
    const all = [b('linux', 'amd64'), b('linux', 'arm64'), b('windows', 'amd64')]
    expect(pickBuild(all, 'windows')?.arch).toBe('amd64')
    expect(pickBuild(all, 'linux', 'X11; Linux aarch64')?.arch).toBe('arm64')
    expect(pickBuild(all, 'linux', 'X11; Linux x86_64')?.arch).toBe('amd64')
    expect(pickBuild([b('darwin', 'arm64')], 'darwin')?.arch).toBe('arm64')
    expect(pickBuild(all, 'darwin')).toBeUndefined()
  })
})
