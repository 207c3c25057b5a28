// A smoke test of the QC screens in Debian's firefox-esr (puppeteer-core
// over WebDriver BiDi): a QC operator opens a Ready delivery from the queue
// and starts its QC.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { person } from './api.mjs'
import { baseURL, hasAuthorizationServer, launchFirefox } from './lib.mjs'

const withAS = await hasAuthorizationServer()
let browser
before(async () => {
  if (withAS) browser = await launchFirefox()
})
after(() => browser?.close())

test('firefox: a QC operator starts QC from the queue', { skip: withAS ? false : 'no local authorization server' }, async () => {
  const page = await browser.newPage()
  await page.goto(`${baseURL}/qc?view=ready`)
  await page.waitForFunction(() => location.pathname.startsWith('/oauth2/'))
  const user = person('quinn')
  await page.locator('input[type=email], input[name=email], input[name=username]').fill(user.email)
  await page.locator('input[type=password]').fill(user.password)
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()])
  await page.waitForSelector('[data-testid=qc-queue-row][data-status=READY]')
  const transfer = await page.$eval('[data-testid=qc-queue-row][data-status=READY]', (r) => r.dataset.transfer)
  await Promise.all([page.waitForSelector('[data-testid=qc-page]'), page.click(`[data-testid=qc-queue-row][data-transfer="${transfer}"] a`)])
  assert.equal(new URL(page.url()).pathname, `/qc/${transfer}`)
  await page.click('[data-action=qc-start]')
  await page.waitForSelector('[data-testid=qc-page][data-status=IN_PROGRESS]')
  assert.equal(await page.$eval('[data-testid=qc-status]', (e) => e.textContent), 'In Progress')
  await page.close()
})
