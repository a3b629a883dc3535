// The e2e harness: every tests/<name>.spec.ts gets its own Playwright project
// and its own `tack serve` (started by servers.ts) on its own port with a fresh, empty data dir, so a
// spec may run the first-run setup itself and never sees another spec's data.
// Adding a spec file is all it takes; nothing here lists the specs.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const ROOT = path.resolve(__dirname, '..')
export const BIN = process.env.TACK_BIN ?? path.join(ROOT, 'build/bin/tack')
// Ports BASE, BASE+1, ... in spec-file order; override when they clash with something.
const BASE = Number(process.env.TACK_E2E_PORT_BASE ?? 18600)

export interface SpecServer { name: string; file: string; port: number; baseURL: string; dataDir: string }

/** specServers lists tests/*.spec.ts in name order, each with its port and data dir. */
export function specServers(dir = path.join(__dirname, 'tests')): SpecServer[] {
  return readdirSync(dir).filter((f) => f.endsWith('.spec.ts')).sort().map((file, i) => {
    const name = file.replace(/\.spec\.ts$/, '')
    const port = BASE + i
    // The data dir is named by port too: servers.ts starts every project's server
    // even for a run of one spec, and wipes its dir, so a second run in the same
    // machine (another port base) must not wipe the first run's data under it.
    return { name, file, port, baseURL: `http://127.0.0.1:${port}`, dataDir: path.join(tmpdir(), 'tack-e2e', `${port}-${name}`) }
  })
}

/** ensureBinary builds the server (UI included) when it is missing; scripts/test.sh always rebuilds before e2e. */
export function ensureBinary() {
  if (existsSync(BIN) || process.env.TACK_BIN) return
  console.log(`e2e: ${BIN} is missing; running make build`)
  execFileSync('make', ['build'], { cwd: ROOT, stdio: 'inherit' })
}

/** clientsDir is where a spec's server looks for desktop client builds (empty until the spec signs some in). */
export const clientsDir = (s: SpecServer) => path.join(s.dataDir, 'clients')
