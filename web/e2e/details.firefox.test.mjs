// A smoke test of Source Request Details in Debian's firefox-esr (puppeteer-core
// over WebDriver BiDi): a mail link to a QC card opens that card.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, find, person, search } from './api.mjs'
import { baseURL, hasAuthorizationServer, launchFirefox } from './lib.mjs'

const withAS = await hasAuthorizationServer()
let browser
before(async () => {
  if (withAS) browser = await launchFirefox()
})
after(() => browser?.close())

test('firefox: a mail link opens the QC card of its delivery', { skip: withAS ? false : 'no local authorization server' }, async () => {
  const rows = await search('fp-juniper', { status: 'PROCESSED' })
  const { id, transferId } = await find('fp-juniper', rows, async (row) => {
    const qc = (await api('fp-juniper', `/v1/requests/${row.id}/qc`)).qc ?? []
    const q = qc.find((c) => (c.qc.events ?? []).length > 0)
    return q ? { id: row.id, transferId: q.transferId } : null
  })
  const page = await browser.newPage()
  await page.goto(`${baseURL}/requests/${id}?tab=qc&transfer=${transferId}`)
  await page.waitForFunction(() => location.pathname.startsWith('/oauth2/'))
  const user = person('ana')
  await page.locator('input[type=email], input[name=email], input[name=username]').fill(user.email)
  await page.locator('input[type=password]').fill(user.password)
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()])
  const card = `[data-testid=qc-card][data-transfer="${transferId}"]`
  await page.waitForSelector(`${card} [data-testid=qc-events]`)
  assert.equal(await page.$eval(card, (e) => e.open), true, 'the named card is expanded')
  assert.equal(new URL(page.url()).searchParams.get('transfer'), transferId, 'the sign-in came back to the mail link')
  await page.close()
})
