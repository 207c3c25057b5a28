// A smoke test of the portal in Debian's firefox-esr, driven by
// puppeteer-core over WebDriver BiDi: openlot runs on two engines.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { baseURL, demoUser, hasAuthorizationServer, launchFirefox } from './lib.mjs'

const withAS = await hasAuthorizationServer()
let browser
before(async () => {
  browser = await launchFirefox()
})
after(() => browser?.close())

test('firefox: the signed-out page renders', async () => {
  const page = await browser.newPage()
  await page.goto(baseURL + '/signed-out')
  const h1 = await page.waitForSelector('h1')
  assert.equal(await h1.evaluate((e) => e.textContent), 'You are signed out')
  await page.close()
})

const needsAS = withAS ? false : 'the local authorization server (/oauth2/authorize) is not on this server yet'

test('firefox: sign in and see the dashboard buckets', { skip: needsAS }, async () => {
  const page = await browser.newPage()
  await page.goto(baseURL + '/')
  await page.waitForFunction(() => location.pathname.startsWith('/oauth2/'))
  const user = demoUser()
  await page.locator('input[type=email], input[name=email], input[name=username]').fill(user.email)
  await page.locator('input[type=password]').fill(user.password)
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()])
  await page.waitForSelector('[data-testid=signed-in-user]')
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=bucket-requests]')?.textContent ?? ''))
  const n = await page.$eval('[data-testid=bucket-requests]', (e) => Number(e.textContent.replace(/,/g, '')))
  assert.ok(n > 0, 'open requests counted')
  await page.close()
})
