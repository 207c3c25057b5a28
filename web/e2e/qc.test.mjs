// The Quality Control screens in Debian's chromium (playwright-core),
// against `serve --demo`: a juniper delivery of a real clip (made by
// ffmpeg, delivered through the API as the partner's tool would) goes
// through inspection and opens QC; the QC operator finds it in the queue,
// plays it, records a Blocker at a timecode and finishes: QC Failed. The
// partner then opens the event's timecode on the request's Quality Control
// tab and the player stands at that time; its category shows its help.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { api, person, search } from './api.mjs'
import { assertAccessible, baseURL, clientToken, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport } from './lib.mjs'

const withAS = await hasAuthorizationServer()
const skip = withAS ? false : 'the local authorization server is not on this server'

let browser
let dir
before(async () => {
  if (!withAS) return
  browser = await launchChromium()
  dir = await mkdtemp(join(tmpdir(), 'openlot-qc-e2e-'))
})
after(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A fresh browser context signed in as who, showing path. */
async function signedIn(who, path) {
  const context = await browser.newContext({ viewport, baseURL })
  const page = await context.newPage()
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(e.message))
  await page.goto(path)
  await signIn(page, person(who))
  return page
}

/** POST path as a bearer token, JSON both ways. */
async function post(token, path, body) {
  const res = await fetch(baseURL + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  const out = await res.json()
  assert.ok(res.ok, `POST ${path}: ${res.status} ${JSON.stringify(out)}`)
  return out
}

/**
 * Delivers file to request id as fulfillment partner client, through the
 * API (transfer, part URLs, PUT, complete), and waits until its QC opens.
 */
async function deliverForQC(client, id, file, metadata) {
  const token = await clientToken(client)
  const bytes = await readFile(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const started = await post(token, '/v1/transfers', {
    method: 'API',
    transfers: [{ requestId: id, files: [{ name: 'qc-clip.mp4', size: bytes.length, sha256, contentType: 'video/mp4', metadata }] }],
  })
  const r = started.results[0]
  assert.ok(r.ok, `transfer to ${id}: ${r.code} ${r.message}`)
  const t = r.transfer
  const f = t.files[0]
  const parts = Array.from({ length: f.parts }, (_, i) => ({ file: 0, number: i + 1 }))
  const { urls } = await post(token, `/v1/transfers/${t.id}/parts`, { parts })
  for (const u of urls) {
    const from = (u.number - 1) * f.partSize
    const res = await fetch(u.url, { method: u.method, headers: u.header ?? {}, body: bytes.subarray(from, Math.min(from + f.partSize, bytes.length)) })
    assert.ok(res.ok, `PUT part ${u.number}: ${res.status}`)
  }
  await post(token, `/v1/transfers/${t.id}/complete`, {})
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((ok) => setTimeout(ok, 500))) {
    const qc = (await api(client, `/v1/requests/${id}/qc`)).qc ?? []
    if (qc.some((q) => q.transferId === t.id && q.qc.status === 'READY')) return t.id
    const now = (await api(client, `/v1/requests/${id}/transfers`)).transfers.find((x) => x.id === t.id)
    assert.ok(!['FAILED', 'ERROR', 'INTERNAL_ERROR'].includes(now.status), `the clip's delivery ended ${now.status}: ${now.errorCode} ${now.errorMessage}`)
  }
  throw new Error(`the delivery ${t.id} to ${id} opened no QC in 90 s`)
}

describe('quality control (chromium)', { skip }, () => {
  let request // a juniper AV request the clip went to
  let transfer // the clip's delivery, QC Ready
  before(async () => {
    if (!withAS) return
    const clip = join(dir, 'qc-clip.mp4')
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=24:d=8', '-f', 'lavfi', '-i', 'sine=d=8',
      '-ac', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', clip])
    const rows = await search('fp-juniper', { status: 'Open', sourceType: 'AV_MUXED', materialStatus: 'Received,Accepted', fulfillmentPartner: 'juniper' })
    assert.ok(rows.length > 0, 'the demo has an open juniper AV request with materials')
    request = rows[0].id
    transfer = await deliverForQC('fp-juniper', request, clip, { frameRate: '24', language: 'en', audioConfiguration: '2.0', videoResolution: 'HD' })
  })

  test('a QC operator records a Blocker at a timecode and the QC fails', async () => {
    const page = await signedIn('quinn', '/')
    // The QC screens are in the navigation of QC operators.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quality Control' }).click()
    await page.getByTestId('qc-queue-table').waitFor()
    // (The view is checked once the queue has read the URL; wait for it rather than read it once.)
    await page.getByRole('radio', { name: 'To do', checked: true }).waitFor({ timeout: 10_000 })
    const row = page.locator(`[data-testid="qc-queue-row"][data-transfer="${transfer}"]`)
    await row.waitFor()
    assert.equal(await row.getAttribute('data-status'), 'READY')
    await screenshot(page, 'qc-queue')
    await assertAccessible(page, 'the QC queue')

    // Only Ready deliveries under "Ready".
    // (The view follows the URL, which the router updates a moment after the click.)
    await page.getByRole('radio', { name: 'Ready', exact: true }).click()
    await page.waitForURL(/view=ready/)
    await page.getByRole('radio', { name: 'Ready', exact: true, checked: true }).waitFor({ timeout: 10_000 })
    await page.getByTestId('qc-queue-table').waitFor()
    const statuses = await page.getByTestId('qc-queue-row').evaluateAll((rs) => rs.map((r) => r.dataset.status))
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 'READY'), `Ready shows ${statuses}`)
    // And only one facility's, by the partner filter (kept in the URL with the view).
    await page.getByLabel('Partner').selectOption({ label: 'Juniper Post' })
    await page.waitForURL(/partner=juniper/)
    await page.locator(`[data-testid="qc-queue-row"][data-transfer="${transfer}"]`).waitFor()
    const partners = await page.getByTestId('qc-queue-row').evaluateAll((rs) => rs.map((r) => r.cells[2].textContent))
    assert.ok(partners.every((p) => p === 'Juniper Post'), `the Juniper filter shows ${[...new Set(partners)]}`)

    // The QC page: the delivered clip plays.
    await page.locator(`[data-testid="qc-queue-row"][data-transfer="${transfer}"]`).getByRole('link').first().click()
    await page.getByTestId('qc-page').waitFor()
    const video = page.getByTestId('player').locator('video')
    await video.waitFor()
    await page.waitForFunction(() => (document.querySelector('[data-testid="player"] video')?.readyState ?? 0) >= 1, null, { timeout: 20_000 })
    assert.ok(Math.abs((await video.evaluate((v) => v.duration)) - 8) < 0.2, 'the player holds the 8 s clip')

    const status = (s) => page.locator(`[data-testid="qc-page"][data-status="${s}"]`).waitFor()
    await page.getByRole('button', { name: 'Start QC' }).click()
    await status('IN_PROGRESS')
    // Hold and resume; fix notes take a note.
    await page.getByRole('button', { name: 'Hold' }).click()
    await status('ON_HOLD')
    await page.getByRole('button', { name: 'Fix notes needed' }).click()
    const notes = page.getByTestId('qc-note-dialog')
    await notes.getByLabel('Note for the partner and the studio').fill('Send the textless version of the opening titles')
    await notes.getByRole('button', { name: 'Fix notes needed' }).click()
    await status('FIX_NOTES_NEEDED')
    assert.match(await page.locator('.qc-latest').innerText(), /textless version/)
    await page.getByRole('button', { name: 'Resume' }).click()
    await status('IN_PROGRESS')

    // An Issue at 1 s, marked with the I key, then signed off.
    const player = page.getByTestId('player').locator('video')
    await player.evaluate((v) => { v.currentTime = 1 })
    await page.waitForFunction(() => document.querySelector('[data-testid="player-timecode"]')?.textContent?.includes('00:00:01:00'))
    await page.locator('body').press('i')
    assert.equal(await page.getByLabel('In', { exact: true }).inputValue(), '00:00:01:00')
    await page.getByRole('radio', { name: 'Issue' }).check()
    await page.getByLabel('Category').selectOption('2.4')
    await page.getByLabel('Note', { exact: true }).fill('Tone a little hot')
    await page.getByRole('button', { name: /Add event at 00:00:01:00/ }).click()
    const issue = page.locator('[data-testid="qc-events"] tbody tr[data-severity="ISSUE"]')
    await issue.waitFor()
    await issue.getByRole('button', { name: 'Sign off' }).click()
    await issue.getByText('signed off').waitFor()

    // Move the playhead to 3 s with the player's handle and mark in and out there.
    await video.evaluate((v) => { v.currentTime = 3 })
    await page.waitForFunction(() => document.querySelector('[data-testid="player-timecode"]')?.textContent?.includes('00:00:03:00'))
    await page.getByRole('button', { name: 'Mark in at the playhead' }).click()
    await page.getByLabel('Out', { exact: true }).fill('00:00:04:12')
    await page.getByRole('radio', { name: 'Blocker' }).check()
    await page.getByLabel('Category').selectOption('1.1')
    await page.getByLabel('Note', { exact: true }).fill('Picture drops to black for a second and a half')
    await screenshot(page, 'qc-page-adding')
    await page.getByRole('button', { name: /Add event at 00:00:03:00/ }).click()
    const event = page.locator('[data-testid="qc-events"] tbody tr[data-severity="BLOCKER"]')
    await event.waitFor()
    assert.match(await event.innerText(), /00:00:03:00\s+00:00:04:12/)
    assert.match(await event.innerText(), /Quinn Ito/, 'the event names who recorded it')
    await assertAccessible(page, 'the QC page')

    // A timecode of the list seeks the player.
    await video.evaluate((v) => { v.currentTime = 6 })
    await page.getByRole('button', { name: 'Play from 00:00:04:12' }).click()
    await page.waitForFunction(() => Math.abs((document.querySelector('[data-testid="player"] video')?.currentTime ?? 0) - 4.5) < 0.05)

    await page.getByRole('button', { name: 'Finish QC' }).click()
    await page.locator('[data-testid="qc-page"][data-status="FAILED"]').waitFor()
    assert.equal(await page.getByTestId('qc-status').innerText(), 'Failed')
    await screenshot(page, 'qc-page-failed')
    const qc = (await api('qc-ops', `/v1/transfers/${transfer}/qc`))
    assert.equal(qc.qc.status, 'FAILED')
    assert.deepEqual(page.errors, [])
  })

  test("the partner opens a QC event's timecode in the player, and its category's help", async () => {
    const page = await signedIn('ana', `/requests/${request}?tab=qc&transfer=${transfer}`)
    const card = page.locator(`[data-testid="qc-card"][data-transfer="${transfer}"]`)
    await card.getByTestId('qc-events').waitFor()
    // No QC screens in a partner's navigation.
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quality Control' }).count(), 0)

    await card.getByRole('button', { name: 'Play the delivery from 00:00:03:00' }).click()
    const dialog = page.getByTestId('qc-player-dialog')
    await dialog.locator('video').waitFor()
    await page.waitForFunction(() => {
      const v = document.querySelector('[data-testid="qc-player-dialog"] video')
      return v && v.readyState >= 1 && Math.abs(v.currentTime - 3) < 0.05
    }, null, { timeout: 20_000 })
    assert.match(await dialog.getByTestId('player-timecode').innerText(), /00:00:03:00/)
    await screenshot(page, 'qc-partner-player')
    await assertAccessible(page, "the partner's QC player")
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await card.getByRole('button', { name: /1\.1 Video: black or blank frames/ }).click()
    const help = page.getByTestId('category-help')
    await help.waitFor()
    assert.match(await help.innerText(), /Picture missing/)
    await screenshot(page, 'qc-partner-category-help')
    assert.deepEqual(page.errors, [])
  })
})

describe('quality control of a demo delivery (chromium)', { skip }, () => {
  test('a delivery whose file cannot be played says so, and QC still works', async () => {
    const ready = (await api('qc-ops', '/v1/qc?status=READY&limit=50')).qc.find((c) => !(c.files ?? [])[0]?.startsWith('qc-clip'))
    const page = await signedIn('quinn', `/qc/${ready.transferId}`)
    await page.getByTestId('qc-page').waitFor()
    // The demo's deliveries have no bytes: either no material to play, or the player reports the failed load.
    await page.locator('.qc-screen [role=alert], .qc-screen-none').first().waitFor({ timeout: 20_000 })
    await screenshot(page, 'qc-page-no-file')
    await page.getByRole('button', { name: 'Start QC' }).click()
    await page.locator('[data-testid="qc-page"][data-status="IN_PROGRESS"]').waitFor()
    await assertAccessible(page, 'a QC page without a playable file')
  })
})
