// The in-page SHA-256 that checks a large file before a chunked upload,
// beside node's native one on the same bytes (run: npx vitest bench --run).
// bench/RESULTS.md records it with `sha256sum` of the same size measured alongside.
import { createHash, randomBytes } from 'node:crypto'
import { bench, describe } from 'vitest'
import { Sha256 } from './sha256'

const data = new Uint8Array(randomBytes(64 << 20))
const CHUNK = 8 << 20

describe('sha256 of 64 MiB, in 8 MiB pieces', () => {
  bench('tack Sha256 (pure TypeScript, as in the page)', () => {
    const h = new Sha256()
    for (let o = 0; o < data.length; o += CHUNK) h.update(data.subarray(o, o + CHUNK))
    h.hex()
  }, { iterations: 5, warmupIterations: 1 })
  bench('node:crypto (OpenSSL, reference)', () => {
    const h = createHash('sha256')
    for (let o = 0; o < data.length; o += CHUNK) h.update(data.subarray(o, o + CHUNK))
    h.digest('hex')
  }, { iterations: 5, warmupIterations: 1 })
})
