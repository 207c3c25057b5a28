// Runs openlot's browser tests: starts a real `openlot serve --demo` (the
// built binary given as --binary, a temp data folder, a free port), runs
// the *.test.mjs files here with node's test runner against it, stops it.
//
//   node run.mjs --binary ../../bin/openlot [--artifacts dir] [test files...]
//
// Screenshots (1440×900) go to --artifacts (default: web/e2e/artifacts).
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, rm, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const here = dirname(fileURLToPath(import.meta.url))
const { values: args, positionals } = parseArgs({
  options: { binary: { type: 'string' }, artifacts: { type: 'string' } },
  allowPositionals: true,
})
if (!args.binary) {
  console.error('usage: node run.mjs --binary path/to/openlot [--artifacts dir] [files...]')
  process.exit(2)
}
const artifacts = resolve(args.artifacts ?? join(here, 'artifacts'))
await rm(artifacts, { recursive: true, force: true })
await mkdir(artifacts, { recursive: true })

const data = await mkdtemp(join(tmpdir(), 'openlot-e2e-'))
const server = spawn(resolve(args.binary), ['serve', '--demo', '--demo-materials=false', '--addr', '127.0.0.1:0', '--data', data], {
  stdio: ['ignore', 'pipe', 'pipe'],
})
let out = ''
let errTail = ''
server.stderr.on('data', (b) => (errTail = (errTail + b).slice(-4000)))
const url = await new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error(`openlot serve did not start in 60 s:\n${out}\n${errTail}`)), 60_000)
  server.stdout.on('data', (b) => {
    out += b
    const m = /openlot is serving (http:\/\/\S+)/.exec(out)
    if (m) {
      clearTimeout(timer)
      ok(m[1])
    }
  })
  server.on('exit', (code) => fail(new Error(`openlot serve exited (${code}):\n${out}\n${errTail}`)))
})
await new Promise((ok) => setTimeout(ok, 300)) // the rest of what serve prints (demo users)
await writeFile(join(artifacts, 'serve.txt'), out)
console.log(`openlot serve --demo at ${url} (data in ${data}); screenshots in ${artifacts}`)

const files = positionals.length
  ? positionals.map((f) => resolve(f))
  : (await readdir(here)).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(here, f))
const started = Date.now()
const code = await new Promise((ok) => {
  const t = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, OPENLOT_E2E_URL: url, OPENLOT_E2E_ARTIFACTS: artifacts, OPENLOT_E2E_SERVE_OUTPUT: out },
  })
  t.on('exit', (c, signal) => ok(c ?? (signal ? 1 : 0)))
})
console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`)
server.kill('SIGTERM')
await new Promise((ok) => {
  const timer = setTimeout(() => {
    server.kill('SIGKILL')
    ok()
  }, 20_000)
  server.on('exit', () => {
    clearTimeout(timer)
    ok()
  })
})
await rm(data, { recursive: true, force: true })
process.exit(code)
