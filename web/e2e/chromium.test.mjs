// The portal in Debian's chromium (playwright-core): serving, sign-in
// through the real PKCE flow, the dashboard's counts against the API's,
// silent sign-in on reload, sign-out; axe-core on every page.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  assertAccessible, baseURL, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport,
} from './lib.mjs'

// Decided before the tests are declared, so that skips say why.
const withAS = await hasAuthorizationServer()
let browser
before(async () => {
  browser = await launchChromium()
})
after(() => browser?.close())

async function newPage() {
  const context = await browser.newContext({ viewport, baseURL })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && errors.push(m.text()))
  page.errors = errors
  return page
}

describe('serving', () => {
  test('the app, its hashed assets and its configuration', async () => {
    const index = await fetch(baseURL + '/')
    assert.equal(index.status, 200)
    assert.equal(index.headers.get('cache-control'), 'no-cache')
    const html = await index.text()
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    assert.ok(asset, `index.html names no script under /assets: ${html}`)
    const js = await fetch(baseURL + asset)
    assert.equal(js.status, 200)
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    const config = await (await fetch(baseURL + '/config.json')).json()
    assert.deepEqual(config, { issuer: baseURL, clientId: 'openlot-web', scope: config.scope, bearer: 'access_token', api: '' })
  })

  test('a portal path deep in the app is the app', async () => {
    const res = await fetch(baseURL + '/requests/does-not-exist')
    assert.equal(res.status, 200)
    assert.match(await res.text(), /<div id="root">/)
  })
})

describe('signed out', () => {
  test('the signed-out page offers sign-in and is accessible', async () => {
    const page = await newPage()
    await page.goto('/signed-out')
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor()
    assert.ok(await page.getByRole('link', { name: 'Sign in' }).isVisible())
    await assertAccessible(page, '/signed-out')
    await screenshot(page, 'signed-out')
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('opening the portal sends the browser to sign in with PKCE (S256)', async () => {
    const page = await newPage()
    const authorize = withAS ? page.waitForRequest((r) => new URL(r.url()).pathname === '/oauth2/authorize') : null
    await page.goto('/requests/abc?tab=history')
    if (!withAS) {
      // Until the local authorization server exists, the gate says sign-in failed.
      await page.getByRole('alert').waitFor()
      await assertAccessible(page, 'the sign-in gate without an authorization server')
      await page.context().close()
      return
    }
    const u = new URL((await authorize).url())
    assert.equal(u.searchParams.get('response_type'), 'code')
    assert.equal(u.searchParams.get('client_id'), 'openlot-web')
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256')
    assert.match(u.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/)
    assert.equal(u.searchParams.get('redirect_uri'), baseURL + '/auth/callback')
    assert.ok(u.searchParams.get('state'))
    await page.waitForURL((u) => u.pathname.startsWith('/oauth2/'), { waitUntil: 'load' })
    await page.getByLabel(/password/i).waitFor()
    await assertAccessible(page, 'the sign-in page')
    await screenshot(page, 'sign-in')
    await page.context().close()
  })
})

describe('signed in', () => {
  let page
  before(async () => {
    if (!withAS) return
    page = await newPage()
  })
  after(() => page?.context().close())

  const needsAS = () => (withAS ? false : 'the local authorization server (/oauth2/authorize) is not on this server yet')

  test('sign-in through the real PKCE flow opens the dashboard with the user', { skip: needsAS() }, async () => {
    await page.goto('/')
    await signIn(page)
    assert.equal(new URL(page.url()).pathname, '/')
    assert.match(await page.getByTestId('signed-in-user').innerText(), /\S/)
    await page.getByRole('heading', { name: 'Source Management' }).waitFor()
  })

  test('the dashboard buckets equal the API counts', { skip: needsAS() }, async () => {
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/requests' && r.request().method() === 'GET')
    await page.getByRole('button', { name: 'Refresh' }).click()
    const body = await (await answer).json()
    await page.waitForFunction(() => document.querySelector('.bucket-groups')?.getAttribute('aria-busy') === 'false')
    for (const [key, count] of Object.entries(body.buckets)) {
      const shown = (await page.getByTestId(`bucket-${key}`).innerText()).replace(/,/g, '')
      assert.equal(Number(shown), count, `bucket ${key}`)
    }
    assert.ok(body.buckets.requests > 0, 'the demo partner has open requests')
    await assertAccessible(page, 'the dashboard')
    await screenshot(page, 'dashboard')
    assert.deepEqual(page.errors, [], 'script errors or Content-Security-Policy violations')
  })

  test('only the refresh token is stored; a reload signs in silently', { skip: needsAS() }, async (t) => {
    const stored = await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } }))
    const keys = Object.keys(stored.local)
    assert.deepEqual(keys.filter((k) => k.startsWith('openlot.refresh:')).length, 1, `localStorage: ${keys}`)
    assert.deepEqual(Object.keys(stored.session), [], 'nothing left in sessionStorage')
    let authorized = false
    page.on('request', (r) => (authorized ||= new URL(r.url()).pathname === '/oauth2/authorize'))
    const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth2/token')
    const started = Date.now()
    await page.reload()
    assert.equal((await refreshed).status(), 200)
    await page.getByTestId('signed-in-user').waitFor()
    await page.getByTestId('bucket-requests').filter({ hasText: /\d/ }).waitFor()
    t.diagnostic(`reload to buckets drawn (silent sign-in included): ${Date.now() - started} ms`)
    assert.equal(authorized, false, 'the reload went to the sign-in page')
  })

  test('sign-out forgets the session', { skip: needsAS() }, async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((u) => u.pathname === '/signed-out')
    const keys = await page.evaluate(() => Object.keys(localStorage))
    assert.deepEqual(keys.filter((k) => k.startsWith('openlot.refresh:')), [])
    await page.getByRole('link', { name: 'Sign in' }).click()
    await page.waitForURL((u) => u.pathname.startsWith('/oauth2/'))
  })
})
