// The run's global setup: every spec's `tack serve` (harness.ts), started all
// at once, and stopped when the run ends. Playwright's webServer list starts
// its servers one after another, each only once the one before answers: 42
// servers took 20 s on an idle machine and 90 s at load 40, before any test.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { BIN, clientsDir, specServers, type SpecServer } from './harness'

// Every server starts at once, the first ones while Chromium starts too: be patient on a loaded machine.
const START_TIMEOUT = 180_000

/** portTaken reports whether something already answers on port (a server of another run). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port })
    c.once('connect', () => { c.destroy(); resolve(true) })
    c.once('error', () => resolve(false))
  })
}

/** start wipes s's data dir, starts its server and resolves once it answers healthz; it rejects if the server exits first. */
async function start(s: SpecServer, procs: ChildProcess[]): Promise<void> {
  if (await portTaken(s.port)) throw new Error(`e2e: 127.0.0.1:${s.port} (${s.name}) is already in use; set TACK_E2E_PORT_BASE`)
  rmSync(s.dataDir, { recursive: true, force: true })
  mkdirSync(clientsDir(s), { recursive: true })
  const p = spawn(BIN, ['serve', '--addr', `127.0.0.1:${s.port}`, '--data-dir', s.dataDir, '--clients', clientsDir(s)],
    { stdio: ['ignore', 'ignore', 'pipe'] })
  procs.push(p)
  // What the server says on stderr (warnings, errors) goes to the run's output, named.
  p.stderr!.on('data', (d: Buffer) => process.stderr.write(d.toString().replace(/^(?=.)/gm, `[${s.name}] `)))
  let exited: string | null = null
  p.once('exit', (code, sig) => { exited = `exited (${code ?? sig})` })
  p.once('error', (e) => { exited = e.message })
  const deadline = Date.now() + START_TIMEOUT
  for (;;) {
    if (exited) throw new Error(`e2e: the ${s.name} server ${exited} before it answered`)
    try {
      if ((await fetch(`${s.baseURL}/api/v1/healthz`)).ok) return
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`e2e: the ${s.name} server did not answer healthz within ${START_TIMEOUT / 1000} s`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export default async function globalSetup() {
  const procs: ChildProcess[] = []
  const stop = () => { for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM') }
  process.once('exit', stop) // an interrupted run leaves no server behind
  const t0 = Date.now(), servers = specServers()
  try {
    await Promise.all(servers.map((s) => start(s, procs)))
    console.log(`e2e: ${servers.length} servers up in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  } catch (e) {
    stop()
    throw e
  }
  return stop // the global teardown
}
