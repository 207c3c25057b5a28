// The API as the demo's robot clients (one per tenant) and the demo's
// people, for the details page's browser tests: they find the requests
// they need through the API, as the demo's IDs change with each seed.
import assert from 'node:assert/strict'
import { baseURL } from './lib.mjs'

const tokens = new Map()
async function token(client) {
  if (!tokens.has(client)) {
    const res = await fetch(baseURL + '/oauth2/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client, client_secret: `${client}-secret` }),
    })
    assert.equal(res.status, 200, `token for ${client}`)
    tokens.set(client, (await res.json()).access_token)
  }
  return tokens.get(client)
}

/** The Authorization header of client (for pages beside the API, such as /mail). */
export async function bearer(client) {
  return { Authorization: `Bearer ${await token(client)}` }
}

/** GET path as client; null on 404; retries while rate-limited. */
export async function api(client, path) {
  for (let i = 0; ; i++) {
    const res = await fetch(baseURL + path, { headers: { Authorization: `Bearer ${await token(client)}` } })
    if (res.status === 429 && i < 20) {
      await new Promise((ok) => setTimeout(ok, 1000))
      continue
    }
    if (res.status === 404) return null
    assert.equal(res.status, 200, `GET ${path} as ${client}: ${res.status}`)
    return res.json()
  }
}

/** Rows of a search, as client. */
export async function search(client, query) {
  return (await api(client, `/v1/requests?${new URLSearchParams({ limit: '200', ...query })}`)).rows
}

/** The first request (in the given order) for which pick answers something. */
export async function find(client, rows, pick) {
  for (const row of rows) {
    const found = await pick(row)
    if (found) return found
  }
  throw new Error(`no demo request of ${client} fits`)
}

/** A demo person by the name before the @ (serve --demo prints them; passwords are openlot-<name>). */
export function person(name) {
  const out = process.env.OPENLOT_E2E_SERVE_OUTPUT ?? ''
  const line = out.split('\n').find((l) => l.includes(`${name}@`))
  const email = line && /[\w.+-]+@[\w.-]+\.\w+/.exec(line)?.[0]
  const password = line && /password\s+(\S+)/.exec(line)?.[1]
  if (email && password) return { email, password }
  const domains = { ana: 'juniper', nora: 'northstar', sam: 'studio', leo: 'lumen', quinn: 'qc' }
  return { email: `${name}@${domains[name]}.example`, password: `openlot-${name}` }
}
