// The materials tests' helpers: the API as the demo's robots (writes too),
// adding a material as the studio robot, and ffmpeg.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { baseURL } from './lib.mjs'

export const run = promisify(execFile)

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

export async function call(client, method, path, body) {
  const res = await fetch(baseURL + path, {
    method,
    headers: { Authorization: `Bearer ${await token(client)}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json().catch(() => ({}))
  assert.ok(res.ok, `${method} ${path} as ${client}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Adds a file as the next version of an asset type of a title, as the studio robot. */
export async function addMaterial(movieId, assetType, file, fileName, contentType, variant) {
  const bytes = await readFile(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const up = await call('studio-ops', 'POST', '/v1/materials/uploads', { fileName, contentType, size: bytes.length, sha256 })
  const put = await fetch(up.url, { method: up.method, headers: up.header ?? {}, body: bytes })
  assert.ok(put.ok, `upload ${fileName}: ${put.status}`)
  return call('studio-ops', 'POST', '/v1/materials', { movieId, assetType, variant, fileName, sha256, contentType, upload: up.upload })
}

export async function ffmpeg(...args) {
  await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args])
}
