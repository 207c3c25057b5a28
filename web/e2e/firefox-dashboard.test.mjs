// A smoke test of Source Management in Debian's firefox-esr (puppeteer-core
// over WebDriver BiDi): a bookmarked grouped view opens, a count opens its
// rows, a menu of row actions opens. Lumen's coordinator; nothing changes.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { baseURL, demoPerson, hasAuthorizationServer, launchFirefox } from './lib.mjs'

const withAS = await hasAuthorizationServer()
let browser
before(async () => {
  if (withAS) browser = await launchFirefox()
})
after(() => browser?.close())

test('firefox: a grouped view from its URL, a count opening its rows, a row menu', { skip: withAS ? false : 'no local authorization server' }, async () => {
  const page = await browser.newPage()
  await page.goto(baseURL + '/?group=sourceType')
  await page.waitForFunction(() => location.pathname.startsWith('/oauth2/'))
  const user = demoPerson('lumen')
  await page.locator('input[type=email], input[name=email], input[name=username]').fill(user.email)
  await page.locator('input[type=password]').fill(user.password)
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()])
  await page.waitForSelector('[data-testid=group-table] tr.group-row')
  const errors = [] // on the portal's pages (the sign-in page is the server's)
  page.on('pageerror', (e) => errors.push(e.message))
  assert.equal(new URL(page.url()).searchParams.get('group'), 'sourceType')

  const count = await page.waitForSelector('[data-testid=group-table] tr.group-row .count-button')
  await count.click()
  await page.waitForFunction(() => {
    const g = document.querySelector('[data-testid=rows-panel] .grid-scroll')
    return g?.getAttribute('aria-busy') === 'false' && g.querySelectorAll('tbody tr[data-id]').length > 0
  })
  assert.ok(new URL(page.url()).searchParams.has('groupKey'), 'the open group is in the URL')

  // The first row's More actions menu (a popover) opens with its items.
  const row = await page.waitForSelector('[data-testid=rows-grid] tbody tr[data-id]')
  await row.hover()
  const more = await row.waitForSelector('[data-testid=row-more]')
  await more.click()
  await page.waitForFunction(() => document.querySelector('.menu:popover-open [role=menuitem]'))
  const items = await page.$$eval('.menu:popover-open [role=menuitem]', (els) => els.map((e) => e.textContent))
  assert.ok(items.some((t) => /Comment/.test(t)), `menu items: ${items}`)
  assert.deepEqual(errors, [])
  await page.close()
})
