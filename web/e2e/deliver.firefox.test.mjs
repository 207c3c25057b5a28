// A smoke test of the Delivery UI in Debian's firefox-esr (puppeteer-core
// over WebDriver BiDi): a small file dropped on a Final Script card is
// checked by the server's dry run, hashed in the worker (hash-wasm) and
// delivered, and the card follows the transfer past Uploading.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, person } from './api.mjs'
import { baseURL, hasAuthorizationServer, launchFirefox } from './lib.mjs'

const withAS = await hasAuthorizationServer()
let browser
before(async () => {
  if (withAS) browser = await launchFirefox()
})
after(() => browser?.close())

test('firefox: drop a file on a request card and deliver it', { skip: withAS ? false : 'no local authorization server' }, async () => {
  const { rows } = await api('fp-juniper', `/v1/requests?${new URLSearchParams({ limit: '200', sourceType: 'FINAL_SCRIPT', columns: 'title,actions' })}`)
  let request
  for (const r of rows) {
    if (!r.actions?.deliver?.allowed) continue
    if (((await api('fp-juniper', `/v1/requests/${r.id}/transfers`)).transfers ?? []).length === 0) {
      request = r
      break
    }
  }
  assert.ok(request, 'a Final Script request juniper can deliver to')
  const page = await browser.newPage()
  await page.goto(`${baseURL}/deliver?ids=${request.id}`)
  await page.waitForFunction(() => location.pathname.startsWith('/oauth2/'))
  const user = person('ana')
  await page.locator('input[type=email], input[name=email], input[name=username]').fill(user.email)
  await page.locator('input[type=password]').fill(user.password)
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()])
  const card = `[data-testid=deliver-card][data-request="${request.id}"]`
  await page.waitForSelector(`${card} [data-testid=card-drop]`)
  const state = () => page.$eval(`${card} [data-testid=card-state]`, (e) => e.textContent)
  assert.equal(await state(), 'No file yet')
  await page.$eval(`${card} [data-testid=card-drop]`, (el) => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(3 << 20).fill(7)], 'script.pdf', { type: 'application/pdf', lastModified: 1_700_000_000_000 }))
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }))
  })
  await page.waitForFunction((c) => document.querySelector(`${c} [data-testid=card-state]`)?.textContent === 'Metadata needed', {}, card)
  await page.select(`${card} select[data-field=scriptFormat]`, 'PDF')
  await page.waitForFunction((c) => document.querySelector(`${c} [data-testid=card-state]`)?.textContent === 'Ready to Deliver', {}, card)
  await page.click('[data-testid=deliver-button]')
  await page.waitForFunction((c) => /Pending Inspection|Processed|Failed/.test(document.querySelector(`${c} [data-testid=card-state]`)?.textContent ?? ''), { timeout: 60_000 }, card)
  const { transfers } = await api('fp-juniper', `/v1/requests/${request.id}/transfers`)
  assert.equal(transfers.length, 1)
  assert.equal(transfers[0].files[0].size, 3 << 20)
  assert.notEqual(transfers[0].status, 'UPLOADING', 'completed with the whole-file SHA-256 the worker computed')
  await page.close()
})
