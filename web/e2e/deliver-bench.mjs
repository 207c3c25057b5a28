// The browser half of `openlot bench upload --browser` (not a test: run.mjs
// runs only *.test.mjs): Debian's chromium through playwright-core, with the
// browser tests' launch flags, against the server the Go command started.
// It signs the person OPENLOT_E2E_USER in, opens the Delivery UI for
// --request, drops --file on its card (a drop event carrying the file from
// disk), presses Deliver and times, in the page, from the click until the
// card leaves Uploading (the transfer completed: Pending Inspection). The
// same span `openlot deliver` is timed over: start, parts, complete.
// One JSON object on stdout; progress on stderr.
//
//   OPENLOT_E2E_URL=… OPENLOT_E2E_ARTIFACTS=… OPENLOT_E2E_USER=… OPENLOT_E2E_PASSWORD=… \
//     node deliver-bench.mjs --request ID --file PATH
import { parseArgs } from 'node:util'
import { baseURL, demoUser, launchChromium, signIn, viewport } from './lib.mjs'

const { values: args } = parseArgs({ options: { request: { type: 'string' }, file: { type: 'string' } } })
if (!args.request || !args.file) throw new Error('usage: node deliver-bench.mjs --request ID --file PATH')
const log = (s) => process.stderr.write(`${s}\n`)

const browser = await launchChromium()
const errors = []
let result
try {
  const context = await browser.newContext({ viewport, baseURL })
  const page = await context.newPage()
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`/deliver?ids=${encodeURIComponent(args.request)}`)
  await signIn(page, demoUser())
  const card = page.locator(`[data-testid="deliver-card"][data-request="${args.request}"]`)
  await card.waitFor()
  const input = await page.evaluateHandle(() => {
    const i = document.createElement('input')
    i.type = 'file'
    i.hidden = true
    document.body.append(i)
    return i
  })
  await input.setInputFiles(args.file)
  await card.getByTestId('card-drop').evaluate((el, i) => {
    const dt = new DataTransfer()
    dt.items.add(i.files[0])
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }))
  }, input)
  await page.waitForFunction((id) => document.querySelector(`[data-request="${id}"] [data-testid="card-state"]`)?.textContent === 'Ready to Deliver', args.request, { timeout: 60_000 })
  log('chromium: delivering')
  result = await page.evaluate((id) => new Promise((ok) => {
    const state = document.querySelector(`[data-request="${id}"] [data-testid="card-state"]`)
    const t0 = performance.now()
    const obs = new MutationObserver(() => {
      const s = state.textContent ?? ''
      if (/Pending Inspection|Processed|Failed|Error/.test(s)) {
        obs.disconnect()
        const marks = Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('openlot:')).map((m) => [m.name.split(':')[1], m.startTime - t0]))
        ok({ ms: performance.now() - t0, state: s, marks, problem: document.querySelector(`[data-request="${id}"] .dl-problem`)?.textContent ?? '' })
      }
    })
    obs.observe(state, { characterData: true, childList: true, subtree: true })
    document.querySelector('[data-testid="deliver-button"]').click()
  }), args.request)
  // Parts PUT, from the page's own Resource Timing (no listener in this process: the measurement stays the page's).
  result.puts = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/blobs/')).length)
} finally {
  await browser.close()
}
result.pageErrors = errors
process.stdout.write(`${JSON.stringify(result)}\n`)
