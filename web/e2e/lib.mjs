// Shared pieces of the browser tests: the server under test, the browsers
// (Debian's chromium through playwright-core, Debian's firefox-esr through
// puppeteer-core over WebDriver BiDi), sign-in, axe-core and screenshots.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium } from 'playwright-core'

export const baseURL = process.env.OPENLOT_E2E_URL
export const artifacts = process.env.OPENLOT_E2E_ARTIFACTS
if (!baseURL || !artifacts) throw new Error('run the browser tests through run.mjs, which starts the server')

export const viewport = { width: 1440, height: 900 }

// Flags that keep Chromium off the network this machine does not have
// (no component updates, sync or background fetches) and off the GPU.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Debian's chromium, headless, with a fresh profile (playwright makes one per launch). */
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.OPENLOT_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: chromiumArgs })
}

/** Debian's firefox-esr through WebDriver BiDi, headless, with a fresh profile. */
export async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core')
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.OPENLOT_FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    defaultViewport: viewport,
  })
}

/** Whether the server is its own authorization server (discovery answers). */
export async function hasAuthorizationServer() {
  for (const p of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    const res = await fetch(baseURL + p)
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) return true
  }
  return false
}

/**
 * A demo user of fulfillment partner juniper: OPENLOT_E2E_USER and
 * OPENLOT_E2E_PASSWORD, or the line of `serve --demo`'s output that names
 * a juniper user with a password, or shared/demo's juniper person.
 */
export function demoUser(partner = 'juniper', role = 'fp') {
  if (process.env.OPENLOT_E2E_USER) return { email: process.env.OPENLOT_E2E_USER, password: process.env.OPENLOT_E2E_PASSWORD ?? '' }
  const lines = (process.env.OPENLOT_E2E_SERVE_OUTPUT ?? '').split('\n')
  for (const line of lines) {
    const email = /[\w.+-]+@[\w.-]+\.\w+/.exec(line)?.[0]
    const password = /password\s*:?\s*(\S+)/i.exec(line)?.[1]
    if (email && password && line.toLowerCase().includes(partner) && new RegExp(`\\b${role}\\b`, 'i').test(line)) {
      return { email, password }
    }
  }
  // shared/demo's person of juniper (password "openlot-" + the email's name).
  if (partner === 'juniper' && role === 'fp') return { email: 'ana@juniper.example', password: 'openlot-ana' }
  throw new Error(`serve --demo printed no ${role} user of ${partner} with a password:\n${lines.join('\n')}`)
}

/** Signs in on the authorization server's page the app sent the browser to (playwright). */
export async function signIn(page, user = demoUser()) {
  await page.waitForURL((u) => u.pathname.startsWith('/oauth2/'))
  await page.getByLabel(/e-?mail/i).fill(user.email)
  await page.getByLabel(/password/i).fill(user.password)
  await page.getByRole('button', { name: /sign in/i }).click()
  await page.getByTestId('signed-in-user').waitFor()
}

/** Fails on serious or critical axe-core violations of the page as it is now. */
export async function assertAccessible(page, name) {
  const result = await new AxeBuilder({ page }).analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`),
    [],
    `axe-core on ${name}`,
  )
}

/** Writes a 1440×900 screenshot of the page to the artefacts folder. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`) })
}

/**
 * A demo person of a partner, by the partner's name as `serve --demo`
 * prints it among the demo people (e.g. "Lumen"), or shared/demo's person
 * of that partner.
 */
export function demoPerson(partner) {
  const lines = (process.env.OPENLOT_E2E_SERVE_OUTPUT ?? '').split('\n')
  const p = partner.toLowerCase()
  for (const line of lines) {
    const email = /[\w.+-]+@[\w.-]+\.\w+/.exec(line)?.[0]
    const password = /password\s*:?\s*(\S+)/i.exec(line)?.[1]
    if (email && password && line.toLowerCase().includes(p)) return { email, password }
  }
  const known = { lumen: ['leo@lumen.example', 'openlot-leo'], juniper: ['ana@juniper.example', 'openlot-ana'] }
  if (known[p]) return { email: known[p][0], password: known[p][1] }
  throw new Error(`serve --demo printed no person of ${partner}`)
}

/**
 * A bearer token of a demo machine client (client credentials), e.g.
 * fp-lumen: the secret is the one `serve --demo` prints, else
 * "<client>-secret".
 */
export async function clientToken(client) {
  const out = process.env.OPENLOT_E2E_SERVE_OUTPUT ?? ''
  const secret = new RegExp(`\\b${client}\\s+secret\\s+(\\S+)`).exec(out)?.[1] ?? `${client}-secret`
  const res = await fetch(baseURL + '/oauth2/token', {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  })
  assert.equal(res.status, 200, `token for ${client}`)
  return (await res.json()).access_token
}

/** GET an API path with a bearer token, as JSON. */
export async function apiGet(token, path) {
  const res = await fetch(baseURL + path, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } })
  const body = await res.json()
  assert.equal(res.status, 200, `GET ${path}: ${JSON.stringify(body)}`)
  return body
}
