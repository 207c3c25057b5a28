// The studio screens in Debian's chromium (playwright-core), against
// `serve --demo`: the studio operator verifies one overridden delivery and
// rejects another with a reason from the verification queue, creates
// requests (one per language), and adds a material version by uploading a
// file; and, from a request's details page, ignores a delivery, requests a
// redelivery and upgrades a request.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { api, person } from './api.mjs'
import { assertAccessible, baseURL, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport } from './lib.mjs'

const withAS = await hasAuthorizationServer()
const skip = withAS ? false : 'the local authorization server is not on this server'

let browser
let dir
before(async () => {
  if (!withAS) return
  browser = await launchChromium()
  dir = await mkdtemp(join(tmpdir(), 'openlot-studio-e2e-'))
})
after(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function signedIn(who, path) {
  const context = await browser.newContext({ viewport, baseURL })
  const page = await context.newPage()
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(e.message))
  await page.goto(path)
  await signIn(page, person(who))
  return page
}

describe('studio (chromium)', { skip }, () => {
  test('the verification queue: verify one override, reject another with a reason', async () => {
    const page = await signedIn('sam', '/')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Studio' }).click()
    await page.getByTestId('verify-table').waitFor()
    await screenshot(page, 'studio-verify-queue')
    await assertAccessible(page, 'the verification queue')

    const rows = page.getByTestId('verify-row')
    assert.ok((await rows.count()) >= 2, 'the demo has two overridden deliveries waiting')
    const [a, b] = await rows.evaluateAll((rs) => rs.slice(0, 2).map((r) => ({ request: r.dataset.request, transfer: r.dataset.transfer })))

    await page.locator(`[data-testid="verify-row"][data-transfer="${a.transfer}"]`).getByRole('button', { name: 'Verify' }).click()
    const verify = page.getByTestId('verify-dialog')
    await verify.waitFor()
    await verify.getByRole('button', { name: 'Verify', exact: true }).click()
    await verify.waitFor({ state: 'detached' })
    await page.locator(`[data-testid="verify-row"][data-transfer="${a.transfer}"]`).waitFor({ state: 'detached' })

    await page.locator(`[data-testid="verify-row"][data-transfer="${b.transfer}"]`).getByRole('button', { name: 'Reject' }).click()
    const reject = page.getByTestId('reject-dialog')
    await reject.waitFor()
    // A reason is needed.
    await reject.getByRole('button', { name: 'Reject', exact: true }).click()
    await reject.getByText('Please give a reason.').waitFor()
    await reject.getByLabel('Reason').fill('The black at 00:10:02 is not in the reference; deliver the full picture')
    await screenshot(page, 'studio-reject-dialog')
    await reject.getByRole('button', { name: 'Reject', exact: true }).click()
    await reject.waitFor({ state: 'detached' })
    await page.locator(`[data-testid="verify-row"][data-transfer="${b.transfer}"]`).waitFor({ state: 'detached' })

    assert.equal((await api('studio-ops', `/v1/requests/${a.request}`)).request.status, 'PROCESSED')
    assert.equal((await api('studio-ops', `/v1/requests/${b.request}`)).request.status, 'REDELIVERY_REQUESTED')
    const history = (await api('studio-ops', `/v1/requests/${b.request}/history`)).entries
    assert.ok(history.some((e) => /not in the reference/.test(`${e.reason} ${e.comment} ${e.after}`)), 'the reason is in the history')
    assert.deepEqual(page.errors, [])
  })

  test('create requests, one per language', async () => {
    const page = await signedIn('sam', '/studio/new')
    const form = page.getByTestId('create-requests')
    await form.waitFor()
    // A title found by part of its name.
    const known = (await api('studio-ops', '/v1/requests?status=all&limit=1&columns=title,movieId')).rows[0]
    await page.getByLabel('Find a title').fill(known.title.split(/[:\s]/)[0])
    const title = page.getByLabel('Title', { exact: true })
    await title.locator(`option[value="${known.movieId}"]`).waitFor({ state: 'attached' })
    await title.selectOption(String(known.movieId))
    const first = String(known.movieId)
    const pkg = page.getByLabel('Package')
    if (!(await pkg.inputValue())) await pkg.selectOption({ index: 1 })
    await page.getByLabel('Fulfillment partner').selectOption('juniper')
    await page.getByLabel('Source type').selectOption('SUBTITLE')
    await page.getByLabel('Languages').fill('fr-CA, de')
    await page.getByLabel('Due date').fill('2027-03-15')
    await page.getByLabel('Comment for the partner (optional)').fill('Please follow the new style guide')
    await screenshot(page, 'studio-create-form')
    await assertAccessible(page, 'create requests')
    await page.getByRole('button', { name: 'Create 2 requests' }).click()
    const created = page.getByTestId('created')
    await created.getByText('2 of 2 created').waitFor()
    const links = await created.getByTestId('created-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    assert.equal(links.length, 2)
    await screenshot(page, 'studio-created')
    for (const [i, href] of links.entries()) {
      const r = (await api('fp-juniper', `/v1${href}`)).request
      assert.equal(r.movieId, Number(first))
      assert.equal(r.sourceType, 'SUBTITLE')
      assert.equal(r.language, ['fr-CA', 'de'][i])
      assert.equal(r.dueDate, '2027-03-15')
      assert.equal(r.status, 'OPEN')
    }
    // The new request's page opens from the result.
    await created.getByTestId('created-link').first().click()
    await page.getByTestId('request-title').waitFor()
    assert.deepEqual(page.errors, [])
  })

  test('add a material version by uploading a file', async () => {
    const rows = (await api('studio-ops', '/v1/requests?status=Open&limit=1&columns=title')).rows
    const request = rows[0].id
    const page = await signedIn('sam', `/studio/materials?request=${request}`)
    await page.getByTestId('materials-table').waitFor()
    const file = join(dir, 'shooting-script.pdf')
    const bytes = Buffer.from('%PDF-1.4\n% a shooting script for the e2e test\n'.repeat(2000))
    await writeFile(file, bytes)
    const form = page.getByTestId('add-version')
    await form.getByLabel('Asset type').selectOption('SCRIPT')
    await form.getByLabel('File').setInputFiles(file)
    await form.getByLabel('Note (optional)').fill('locked script, revision 3')
    await assertAccessible(page, 'the studio materials')
    await form.getByRole('button', { name: 'Upload and add' }).click()
    const row = page.locator('[data-testid="material-row"][data-asset="SCRIPT"]')
    await row.filter({ hasText: 'shooting-script.pdf' }).waitFor()
    const m = await api('studio-ops', `/v1/materials?requests=${request}&assetType=SCRIPT`)
    const added = m.assetTypes[0].materials.find((x) => x.fileName === 'shooting-script.pdf')
    assert.ok(added, 'the version is listed by the API')
    assert.equal(added.size, bytes.length)

    // A proxy video, then its pool of watermarked proxies emptied (the demo of a proxy made on demand).
    const clip = join(dir, 'proxy.mp4')
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24:d=4', '-f', 'lavfi', '-i', 'sine=d=4',
      '-ac', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip])
    await form.getByLabel('Asset type').selectOption('PROXY_VIDEO')
    await form.getByLabel('File').setInputFiles(clip)
    await form.getByRole('button', { name: 'Upload and add' }).click()
    const proxy = page.locator('[data-testid="material-row"][data-asset="PROXY_VIDEO"]')
    await proxy.filter({ hasText: 'proxy.mp4' }).waitFor()
    await proxy.getByRole('button', { name: 'Empty proxy pool' }).click()
    await page.getByText(/Pool emptied: \d+ unused prox/).waitFor()
    await screenshot(page, 'studio-materials')
    assert.deepEqual(page.errors, [])
  })

  test('from the details page: ignore a delivery, request a redelivery, upgrade a request', async () => {
    // Processed requests with a processed delivery, from the end of the list (other tests take the first rows).
    const rows = (await api('studio-ops', '/v1/requests?status=Processed&limit=200')).rows.reverse()
    const picked = []
    for (const row of rows) {
      const latest = ((await api('studio-ops', `/v1/requests/${row.id}/transfers`)).transfers ?? [])[0]
      if (latest?.status === 'PROCESSED') picked.push({ id: row.id, transfer: latest.id })
      if (picked.length === 3) break
    }
    assert.equal(picked.length, 3, 'the demo has three processed requests')
    const [ignored, redelivered, upgraded] = picked

    // Ignore: the delivery is set aside with a reason.
    const page = await signedIn('sam', `/requests/${ignored.id}?tab=deliveries&transfer=${ignored.transfer}`)
    await page.getByTestId('request-title').waitFor()
    const card = page.locator(`[data-testid="transfer-card"][data-transfer="${ignored.transfer}"]`)
    await card.locator('[data-action=ignore]:not([data-greyed])').click()
    const ignore = page.getByTestId('ignore-dialog')
    await ignore.getByRole('button', { name: 'Ignore', exact: true }).click()
    await ignore.getByText('Please give a reason.').waitFor()
    await ignore.getByRole('textbox').first().fill('Delivered to the wrong request; the partner confirmed')
    await ignore.getByRole('button', { name: 'Ignore', exact: true }).click()
    await ignore.waitFor({ state: 'detached' })
    await card.locator('[data-action=ignore][data-greyed]').waitFor() // an ignored delivery cannot be ignored again
    assert.equal((await api('studio-ops', `/v1/transfers/${ignored.transfer}`)).status, 'IGNORED')

    // Request a redelivery: the request asks the partner again, and says so in its history.
    await page.goto(`/requests/${redelivered.id}`)
    await page.getByTestId('request-title').waitFor()
    await page.locator('[data-action=requestRedelivery]:not([data-greyed])').click()
    const redelivery = page.getByTestId('redelivery-dialog')
    await redelivery.getByLabel('Reason').fill('The studio changed the cut; deliver the new version')
    await screenshot(page, 'studio-request-redelivery')
    await assertAccessible(page, 'request a redelivery')
    await redelivery.getByRole('button', { name: 'Request redelivery', exact: true }).click()
    await redelivery.waitFor({ state: 'detached' })
    await page.locator('[data-action=requestRedelivery][data-greyed]').waitFor()
    assert.equal((await api('studio-ops', `/v1/requests/${redelivered.id}`)).request.status, 'REDELIVERY_REQUESTED')

    // Upgrade: the page moves to the new request; the old one links to it.
    await page.goto(`/requests/${upgraded.id}`)
    await page.getByTestId('request-title').waitFor()
    await page.locator('[data-action=upgrade]:not([data-greyed])').click()
    const upgrade = page.getByTestId('upgrade-dialog')
    await upgrade.getByLabel('Due date of the new request').fill('2027-04-30')
    await upgrade.getByLabel('Reason').fill('The studio now needs the UHD version')
    await upgrade.getByRole('button', { name: 'Upgrade', exact: true }).click()
    await page.waitForURL((u) => u.pathname.startsWith('/requests/') && !u.pathname.endsWith(upgraded.id))
    const created = decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
    await page.getByTestId('request-title').waitFor()
    const old = (await api('studio-ops', `/v1/requests/${upgraded.id}`)).request
    assert.equal(old.status, 'UPGRADED')
    assert.equal(old.upgradedTo, created)
    const fresh = (await api('studio-ops', `/v1/requests/${created}`)).request
    assert.equal(fresh.status, 'OPEN')
    assert.equal(fresh.dueDate, '2027-04-30')
    await page.goto(`/requests/${upgraded.id}`)
    await page.getByText('This request was upgraded').waitFor()
    await screenshot(page, 'studio-upgraded')
    assert.deepEqual(page.errors, [])
  })
})
