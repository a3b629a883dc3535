// Writes a .br and a .gz sibling next to every text file of dist/ at build
// time, at the highest levels: the Go server (backend/api/ui.go) sends them as
// they are to clients that accept them, so no request pays for compression.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

const TEXT = /\.(js|mjs|css|html|svg|json|txt|webmanifest|map)$/
// Below this the headers cost more than compression saves (the server agrees).
const MIN = 1024

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* files(p)
    else yield p
  }
}

export function precompress(outDir: URL): Plugin {
  return {
    name: 'tack-precompress',
    apply: 'build',
    closeBundle() {
      const dir = outDir.pathname
      for (const f of files(dir)) {
        if (!TEXT.test(f) || statSync(f).size < MIN) continue
        const data = readFileSync(f)
        writeFileSync(f + '.gz', gzipSync(data, { level: 9 }))
        writeFileSync(f + '.br', brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        }))
      }
    },
  }
}
