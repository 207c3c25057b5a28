// The browser half of `openlot bench web` (not a test: run.mjs runs only
// *.test.mjs): Debian's chromium through playwright-core, with the browser
// tests' launch flags, against a running openlot that the Go command
// started and seeded. It signs the person OPENLOT_E2E_USER in through the
// real PKCE flow, then times navigations to / until the buckets are drawn:
//
//   - warm: --rounds reloads of the signed-in page (HTTP cache warm; the
//     silent sign-in with the refresh token is part of each reload);
//   - changed: --changed reloads, each after a comment on one of the
//     partner's requests (OPENLOT_BENCH_CHANGE, with the bearer token
//     OPENLOT_BENCH_TOKEN), so the server rebuilds the partner's search index
//     as it does after any change;
//   - cold: --cold fresh browser contexts (empty HTTP cache, no compiled
//     code) that carry only the stored refresh token, as a new window would.
//
// Each round records the wall time from page.goto('/') until playwright sees
// the Requests bucket's count, the page's own time from navigation start to
// the count in the DOM and to the next frame, and what the page's requests
// took (Resource Timing). One JSON object on stdout; progress on stderr.
//
//   OPENLOT_E2E_URL=… OPENLOT_E2E_ARTIFACTS=… OPENLOT_E2E_USER=… OPENLOT_E2E_PASSWORD=… \
//     OPENLOT_BENCH_TOKEN=… OPENLOT_BENCH_CHANGE=… node bench.mjs [--rounds 30] [--changed 10] [--cold 10]
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { baseURL, demoUser, launchChromium, signIn, viewport } from './lib.mjs'

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '30' }, changed: { type: 'string', default: '10' }, cold: { type: 'string', default: '10' } },
})
const rounds = Number(args.rounds)
const coldRounds = Number(args.cold)
const changedRounds = Number(args.changed)
const log = (s) => process.stderr.write(`${s}\n`)

// Runs in the page before its own scripts: notes when the Requests bucket
// first shows a number (performance.now() counts from navigation start).
function watchBuckets() {
  const drawn = () => /\d/.test(document.querySelector('[data-testid="bucket-requests"]')?.textContent ?? '')
  const obs = new MutationObserver(() => {
    if (!drawn()) return
    obs.disconnect()
    window.__bucketsDrawn = performance.now()
    requestAnimationFrame(() => (window.__bucketsFrame = performance.now()))
  })
  obs.observe(document, { subtree: true, childList: true, characterData: true })
}

// What the page loaded, by kind, from Resource Timing (ms from navigation start).
function pageTimings() {
  const nav = performance.getEntriesByType('navigation')[0]
  const kinds = {}
  const js = { files: 0, transferred: 0, decoded: 0 }
  for (const e of performance.getEntriesByType('resource')) {
    const u = new URL(e.name)
    let kind
    if (u.pathname === '/oauth2/token') kind = 'token'
    else if (u.pathname === '/v1/search/values') kind = 'values'
    else if (u.pathname === '/v1/requests') kind = u.searchParams.get('limit') === '1' ? 'counts' : 'rows'
    else if (u.pathname === '/config.json') kind = 'config'
    else if (u.pathname.startsWith('/.well-known/')) kind = 'discovery'
    else if (u.pathname.endsWith('.js')) {
      kind = 'js'
      js.files++
      js.transferred += e.transferSize
      js.decoded += e.decodedBodySize
    } else continue
    const k = (kinds[kind] ??= { start: e.startTime, end: e.responseEnd, server: 0, url: e.name })
    k.start = Math.min(k.start, e.startTime)
    k.end = Math.max(k.end, e.responseEnd)
    k.server = Math.max(k.server, e.responseStart - e.requestStart) // time to first byte: the server's part
  }
  return {
    drawn: window.__bucketsDrawn, frame: window.__bucketsFrame,
    html: nav ? nav.responseEnd : undefined, domContentLoaded: nav ? nav.domContentLoadedEventEnd : undefined,
    kinds, js,
  }
}

async function measure(page) {
  const started = performance.now()
  await page.goto('/')
  await page.getByTestId('bucket-requests').filter({ hasText: /\d/ }).waitFor()
  const wall = performance.now() - started
  // The rest of the page (the rows, the modifier values) finishes before the
  // next round, so rounds do not compete for the server.
  await page.waitForLoadState('networkidle')
  const t = await page.evaluate(pageTimings)
  if (t.drawn === undefined) throw new Error('the page did not note when the buckets were drawn')
  return { wall, ...t }
}

// A change to one of the partner's requests through the API, outside the page.
async function comment(text) {
  const id = process.env.OPENLOT_BENCH_CHANGE
  const res = await fetch(`${baseURL}/v1/requests/${encodeURIComponent(id)}/comments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.OPENLOT_BENCH_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  })
  if (res.status !== 201) throw new Error(`comment on ${id}: ${res.status} ${await res.text()}`)
}

const browser = await launchChromium()
const failures = []
try {
  let context = await browser.newContext({ viewport, baseURL })
  await context.addInitScript(watchBuckets)
  let page = await context.newPage()
  page.on('pageerror', (e) => failures.push(e.message))
  const signInStarted = performance.now()
  await page.goto('/')
  await signIn(page, demoUser())
  await page.getByTestId('bucket-requests').filter({ hasText: /\d/ }).waitFor()
  await page.waitForLoadState('networkidle')
  const signInMs = performance.now() - signInStarted
  log(`signed in and buckets drawn in ${signInMs.toFixed(0)} ms`)
  const requests = Number((await page.getByTestId('bucket-requests').innerText()).replace(/\D/g, ''))

  const warm = []
  for (let i = 0; i < rounds; i++) {
    warm.push(await measure(page))
    log(`warm ${i + 1}/${rounds}: ${warm.at(-1).wall.toFixed(0)} ms`)
  }
  const changed = []
  for (let i = 0; i < changedRounds; i++) {
    await comment(`bench web: change ${i + 1}`)
    changed.push(await measure(page))
    log(`changed ${i + 1}/${changedRounds}: ${changed.at(-1).wall.toFixed(0)} ms`)
  }
  // A fresh context per cold round with the storage of the one before
  // (refresh tokens rotate: each reload stores the next one).
  const cold = []
  for (let i = 0; i < coldRounds; i++) {
    const storageState = await context.storageState()
    await context.close()
    context = await browser.newContext({ viewport, baseURL, storageState })
    await context.addInitScript(watchBuckets)
    page = await context.newPage()
    page.on('pageerror', (e) => failures.push(e.message))
    cold.push(await measure(page))
    log(`cold ${i + 1}/${coldRounds}: ${cold.at(-1).wall.toFixed(0)} ms`)
  }
  await context.close()
  process.stdout.write(JSON.stringify({ signInMs, bucketRequests: requests, warm, changed, cold, pageErrors: failures }) + '\n')
} finally {
  await browser.close()
}
