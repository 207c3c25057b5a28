// Source Request Details (/requests/{id}) and the error-code help page in
// Debian's chromium (playwright-core), against the demo of `serve --demo`.
// The demo's IDs change with every seed, so each test finds its request
// through the API. Tests share the server with other files: they change
// only requests they pick for themselves and assume no counts others move.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import { api, find, person, search } from './api.mjs'
import {
  assertAccessible, baseURL, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport,
} from './lib.mjs'

const withAS = await hasAuthorizationServer()
const skip = withAS ? false : 'the local authorization server is not on this server'

let browser
before(async () => {
  if (withAS) browser = await launchChromium()
})
after(() => browser?.close())

/** A fresh browser context signed in as who, showing path. */
async function signedIn(who, path) {
  const context = await browser.newContext({ viewport, baseURL, acceptDownloads: true })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && errors.push(m.text()))
  page.errors = errors
  await page.goto(path)
  await signIn(page, person(who))
  return page
}

/** Waits until the page shows the request (its title is drawn). */
async function opened(page) {
  await page.getByTestId('request-title').waitFor()
}

const cardsOf = (page, kind) => page.getByTestId(kind === 'qc' ? 'qc-card' : 'transfer-card')
const isOpen = (locator) => locator.evaluate((e) => e.open)
const inView = (locator) =>
  locator.evaluate((e) => {
    const r = e.getBoundingClientRect()
    return r.top < window.innerHeight && r.bottom > 0
  })

describe('source request details (chromium)', { skip }, () => {
  // A processed juniper request with two or more deliveries, a QC with Blockers, and comments.
  let rich
  before(async () => {
    if (!withAS) return
    const rows = await search('fp-juniper', { status: 'PROCESSED' })
    rich = await find('fp-juniper', rows, async (row) => {
      const qc = (await api('fp-juniper', `/v1/requests/${row.id}/qc`)).qc ?? []
      const blocked = qc.find((q) => (q.counts.BLOCKER ?? 0) > 0)
      if (!blocked) return null
      const transfers = (await api('fp-juniper', `/v1/requests/${row.id}/transfers`)).transfers ?? []
      const comments = (await api('fp-juniper', `/v1/requests/${row.id}/comments`)).comments ?? []
      if (transfers.length < 2 || comments.length === 0) return null
      const details = await api('fp-juniper', `/v1/requests/${row.id}`)
      return { id: row.id, details, transfers, qc, blocked, comments }
    })
  })

  test('every tab: deliveries, quality control, comments, history; the overview', async (t) => {
    const page = await signedIn('ana', `/requests/${rich.id}`)
    await opened(page)
    const r = rich.details.request

    // Header: source type and language, status, title, movie ID.
    assert.equal(await page.getByTestId('request-title').innerText(), r.title)
    assert.equal(await page.getByTestId('request-status').innerText(), 'Processed')
    assert.equal(await page.getByTestId('movie-id').innerText(), String(r.movieId))
    assert.match(await page.getByTestId('request-kind').innerText(), /\S/)

    // Deliveries (the default tab): a card per transfer, the newest expanded.
    await cardsOf(page, 'transfers').first().waitFor()
    const cards = cardsOf(page, 'transfers')
    assert.equal(await cards.count(), rich.transfers.length)
    assert.equal(await cards.first().getAttribute('data-transfer'), rich.transfers[0].id)
    assert.equal(await isOpen(cards.first()), true, 'the newest card is expanded')
    for (let i = 1; i < rich.transfers.length; i++) assert.equal(await isOpen(cards.nth(i)), false, `card ${i} is collapsed`)
    const first = cards.first()
    await first.getByRole('heading', { name: 'Transfer details' }).waitFor()
    await first.getByRole('heading', { name: 'Delivery metadata' }).waitFor()
    await first.getByRole('heading', { name: 'Technical metadata' }).waitFor()
    assert.ok((await first.getByTestId('timeline').locator('li').count()) > 0, 'a status timeline')
    const probe = rich.transfers[0].inspection?.files?.[0]?.media
    if (probe) assert.match(await first.getByRole('region', { name: 'Technical metadata' }).innerText(), /Container[\s\S]*Duration/)

    await page.getByRole('button', { name: 'Expand all' }).click()
    for (let i = 0; i < rich.transfers.length; i++) assert.equal(await isOpen(cards.nth(i)), true, `card ${i} expanded`)
    await page.getByRole('button', { name: 'Collapse all' }).click()
    for (let i = 0; i < rich.transfers.length; i++) assert.equal(await isOpen(cards.nth(i)), false, `card ${i} collapsed`)
    await first.locator('summary').click() // a click anywhere in the header opens a card
    assert.equal(await isOpen(first), true)
    await assertAccessible(page, 'details: deliveries')
    await screenshot(page, 'details-deliveries')

    // Greyed actions say why (a Processed request cannot be subassigned).
    const subassign = rich.details.actions.subassign
    if (subassign && !subassign.allowed && subassign.code !== 'forbidden') {
      const button = page.locator('[data-action=subassign]')
      assert.equal(await button.getAttribute('aria-disabled'), 'true')
      await button.hover()
      const tip = page.getByRole('tooltip').filter({ hasText: subassign.reason })
      await tip.waitFor({ state: 'visible' })
      await screenshot(page, 'details-greyed-action')
      await page.mouse.move(0, 0)
    }

    // Quality Control: a card per QC; Issues and Blockers counted; Blockers highlighted.
    await page.locator('[data-tab=qc]').click()
    await page.waitForURL((u) => u.searchParams.get('tab') === 'qc')
    const qcCards = cardsOf(page, 'qc')
    await qcCards.first().waitFor()
    assert.equal(await qcCards.count(), rich.qc.length)
    const card = qcCards.and(page.locator(`[data-transfer="${rich.blocked.transferId}"]`))
    assert.match(await card.getByTestId('qc-blockers').innerText(), new RegExp(`^${rich.blocked.counts.BLOCKER} Blocker`))
    assert.match(await card.getByTestId('qc-issues').innerText(), new RegExp(`^${rich.blocked.counts.ISSUE ?? 0} Issue`))
    assert.equal(await isOpen(qcCards.first()), true, 'the newest QC card is expanded')
    if (!(await isOpen(card))) await card.locator('summary').click()
    await card.getByTestId('qc-events').waitFor()
    assert.equal(await card.locator('tr.row-blocker').count(), rich.blocked.counts.BLOCKER, 'Blocker rows highlighted')
    assert.equal(await card.locator('tbody tr').count(), rich.blocked.qc.events.length)

    // Export: the report is fetched with the bearer token and saved as a file.
    const [csv] = await Promise.all([page.waitForEvent('download'), card.locator('[data-action=export-csv]').click()])
    assert.match(csv.suggestedFilename(), /\.csv$/)
    assert.match(await readFile(await csv.path(), 'utf8'), /^#,TC in,TC out,Severity/)
    const [pdf] = await Promise.all([page.waitForEvent('download'), card.locator('[data-action=export-pdf]').click()])
    assert.match(pdf.suggestedFilename(), /\.pdf$/)
    assert.equal((await readFile(await pdf.path())).subarray(0, 4).toString(), '%PDF')
    await card.getByRole('status').filter({ hasText: /Saved/ }).waitFor()
    await card.scrollIntoViewIfNeeded()
    await assertAccessible(page, 'details: quality control')
    await screenshot(page, 'details-qc')

    // Comments: read, add.
    await page.locator('[data-tab=comments]').click()
    await page.getByTestId('comments').waitFor()
    assert.equal(await page.getByTestId('comment').count(), rich.comments.length)
    const text = `Checked the QC notes (browser test ${Date.now()}).`
    await page.getByLabel('Add a comment').fill(text)
    await page.getByRole('button', { name: 'Add comment' }).click()
    await page.getByTestId('comment').first().filter({ hasText: text }).waitFor()
    assert.equal(await page.getByTestId('comment').count(), rich.comments.length + 1)
    await assertAccessible(page, 'details: comments')
    await screenshot(page, 'details-comments')

    // History: every entry, newest first (the comment just added on top).
    await page.locator('[data-tab=history]').click()
    await page.getByTestId('history').waitFor()
    const entries = (await api('fp-juniper', `/v1/requests/${rich.id}/history`)).entries
    const rows = page.getByTestId('history').locator('tbody tr')
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=history] tbody tr').length === n, entries.length)
    assert.equal(await rows.first().getAttribute('data-action'), 'COMMENTED')
    await assertAccessible(page, 'details: history')
    await screenshot(page, 'details-history')

    // Overview: collapsible sections, the countries drop-down, resizable and hidden.
    const ov = page.getByTestId('overview')
    const countries = rich.details.package?.countries ?? []
    if (countries.length) {
      await ov.getByTestId('countries').locator('summary').click()
      assert.equal(await ov.getByTestId('countries').locator('li').count(), countries.length)
    }
    await ov.getByTestId('overview-title').locator('summary').click()
    assert.equal(await isOpen(ov.getByTestId('overview-title')), false, 'the Title section collapses')
    const sep = page.getByRole('separator', { name: 'Resize the overview' })
    const before = Number(await sep.getAttribute('aria-valuenow'))
    await sep.focus()
    await page.keyboard.press('ArrowRight')
    assert.equal(Number(await sep.getAttribute('aria-valuenow')), before + 16)
    const box = await sep.boundingBox()
    await page.mouse.move(box.x + box.width / 2, box.y + 40)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + 40, { steps: 4 })
    await page.mouse.up()
    const dragged = Number(await sep.getAttribute('aria-valuenow'))
    assert.ok(dragged > before + 16, `dragging the border widens the panel (${before + 16} → ${dragged})`)
    await page.keyboard.press('Home')
    await page.getByRole('button', { name: 'Hide' }).click()
    await page.locator('[data-tab=deliveries]').click()
    await cardsOf(page, 'transfers').first().waitFor()
    await screenshot(page, 'details-overview-hidden')
    await page.getByRole('button', { name: 'Overview' }).click()
    await ov.waitFor()
    await sep.focus()
    await page.keyboard.press('End')
    await page.keyboard.press('Home') // leave it narrow…
    await page.evaluate(() => localStorage.removeItem('openlot.details.overview')) // …then as a new browser has it
    t.diagnostic(`request ${rich.id}: ${rich.transfers.length} deliveries, ${rich.qc.length} QC`)
    assert.deepEqual(page.errors, [], 'script errors or Content-Security-Policy violations')
    await page.context().close()
  })

  test('a mail link opens its tab and card: ?tab=qc&transfer=… and ?tab=deliveries&transfer=…', async () => {
    const target = rich.blocked.transferId
    const page = await signedIn('ana', `/requests/${rich.id}?tab=qc&transfer=${target}`)
    await opened(page)
    const card = cardsOf(page, 'qc').and(page.locator(`[data-transfer="${target}"]`))
    await card.getByTestId('qc-events').waitFor()
    assert.equal(await isOpen(card), true, 'the named QC card is expanded')
    assert.match((await card.getAttribute('class')) ?? '', /card-focused/)
    assert.equal(await inView(card), true, 'and scrolled into view')
    for (const other of await cardsOf(page, 'qc').all()) {
      if ((await other.getAttribute('data-transfer')) !== target) assert.equal(await isOpen(other), false)
    }
    assert.equal(await page.locator('[data-tab=qc]').getAttribute('aria-current'), 'page')
    await screenshot(page, 'details-mail-link-qc')

    // The delivery card of an older transfer, by its link.
    const older = rich.transfers[rich.transfers.length - 1].id
    await page.goto(`/requests/${rich.id}?tab=deliveries&transfer=${older}`)
    const dcard = cardsOf(page, 'transfers').and(page.locator(`[data-transfer="${older}"]`))
    await dcard.getByRole('heading', { name: 'Transfer details' }).waitFor()
    assert.equal(await isOpen(dcard), true)
    assert.equal(await inView(dcard), true)

    // "See Quality Control" on a delivery card goes to that delivery's QC card.
    const withQC = cardsOf(page, 'transfers').and(page.locator(`[data-transfer="${target}"]`))
    if (!(await isOpen(withQC))) await withQC.locator('summary').click()
    await withQC.locator('[data-action=see-qc]').click()
    await page.waitForURL((u) => u.searchParams.get('tab') === 'qc' && u.searchParams.get('transfer') === target)
    await card.getByTestId('qc-events').waitFor()
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('override a failed delivery with a reason; the studio verifies it', async (t) => {
    // A juniper request asking for a redelivery whose latest delivery failed with overridable codes;
    // the last such request of the list, far from the first rows other tests pick.
    const rows = (await search('fp-juniper', { status: 'REDELIVERY_REQUESTED' })).reverse()
    const pick = await find('fp-juniper', rows, async (row) => {
      const transfers = (await api('fp-juniper', `/v1/requests/${row.id}/transfers`)).transfers ?? []
      const latest = transfers[0]
      return latest?.status === 'FAILED' && latest.actions.override.allowed ? { id: row.id, transfer: latest } : null
    })
    t.diagnostic(`request ${pick.id}, transfer ${pick.transfer.id}`)
    const codes = new Map((await api('fp-juniper', '/v1/error-codes')).codes.map((c) => [c.code, c]))

    const page = await signedIn('ana', `/requests/${pick.id}?tab=deliveries&transfer=${pick.transfer.id}`)
    await opened(page)
    const card = cardsOf(page, 'transfers').and(page.locator(`[data-transfer="${pick.transfer.id}"]`))
    await card.getByTestId('findings').first().waitFor()
    // Each error code with its help text and a link to its help page.
    for (const f of pick.transfer.inspection.findings) {
      const item = card.locator(`.finding[data-code="${f.code}"]`).first()
      await item.getByText(codes.get(f.code).help).waitFor() // the help arrives with GET /v1/error-codes
      assert.equal(await item.getByRole('link').first().getAttribute('href'), `/help/error-codes#${f.code}`)
    }
    await screenshot(page, 'details-failed-delivery')

    await card.locator('[data-action=override]').click()
    const dialog = page.getByTestId('override-dialog')
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Override', exact: true }).click()
    await dialog.getByText('Please give a reason.').waitFor() // a reason is required
    await dialog.getByRole('textbox').fill('Intended: the studio asked for this version of the file.')
    await assertAccessible(page, 'details: the override dialog')
    await screenshot(page, 'details-override-dialog')
    await dialog.getByRole('button', { name: 'Override', exact: true }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByTestId('request-status').filter({ hasText: 'Delivered' }).waitFor()
    // Submitted, not yet verified: Override Pending, never "Overridden".
    await card.locator('.badge', { hasText: 'Override Pending' }).first().waitFor()
    assert.equal(await card.locator('.badge', { hasText: /^Overridden$/ }).count(), 0, 'Overridden before the studio verified')
    assert.equal(await card.locator('[data-action=override]').getAttribute('aria-disabled'), 'true', 'no second override: the API no longer allows it')
    const overridden = await api('fp-juniper', `/v1/transfers/${pick.transfer.id}`)
    assert.equal(overridden.status, 'OVERRIDDEN')
    assert.equal((await api('fp-juniper', `/v1/requests/${pick.id}`)).request.status, 'DELIVERED')
    await page.locator('[data-tab=history]').click()
    await page.locator('[data-testid=history] tbody tr[data-action=INSPECTION_OVERRIDDEN]').first().waitFor()
    assert.deepEqual(page.errors, [])
    await page.context().close()

    // The studio operator sees Verify, Reject and Ignore on the card, and verifies.
    const studio = await signedIn('sam', `/requests/${pick.id}?tab=deliveries&transfer=${pick.transfer.id}`)
    await opened(studio)
    const scard = cardsOf(studio, 'transfers').and(studio.locator(`[data-transfer="${pick.transfer.id}"]`))
    for (const a of ['verify', 'reject', 'ignore']) await scard.locator(`[data-action=${a}]:not([data-greyed])`).waitFor()
    assert.equal(await scard.locator('[data-action=override]').count(), 0, 'only the delivering partner overrides')
    await screenshot(studio, 'details-studio-verify')
    // Every status the delivery passed through, in the side panel ("N more").
    const more = scard.getByTestId('timeline-more')
    if (await more.count()) {
      await more.click()
      const sheet = studio.getByTestId('timeline-sheet')
      await sheet.waitFor()
      assert.equal(await sheet.locator('.tl-step').count(), overridden.timeline.length)
      await assertAccessible(studio, 'details: the status side panel')
      await screenshot(studio, 'details-timeline-panel')
      await studio.keyboard.press('Escape')
      await sheet.waitFor({ state: 'detached' })
    }
    await scard.locator('[data-action=verify]').click()
    const verify = studio.getByTestId('verify-dialog')
    await verify.getByText('Intended: the studio asked for this version').waitFor() // the partner's reason is shown
    await verify.getByRole('button', { name: 'Verify', exact: true }).click()
    await verify.waitFor({ state: 'detached' })
    await studio.getByTestId('request-status').filter({ hasText: 'Processed' }).waitFor()
    const verified = await api('fp-juniper', `/v1/transfers/${pick.transfer.id}`)
    assert.equal(verified.status, 'PROCESSED')
    assert.equal(verified.overrideVerified, true)
    await scard.locator('.badge', { hasText: /^Overridden$/ }).waitFor() // verified: now it is Overridden
    assert.deepEqual(studio.errors, [])
    await studio.context().close()
  })

  test('a content partner sees no action it may not take', async () => {
    // A northstar request with an overridden delivery waiting for the studio.
    const rows = await search('cp-northstar', { status: 'DELIVERED' })
    const id = rows[0].id
    const context = await browser.newContext({ viewport, baseURL })
    const page = await context.newPage()
    await page.goto(`/requests/${id}`)
    const detailsAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === `/v1/requests/${id}`)
    const transfersAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === `/v1/requests/${id}/transfers`)
    await signIn(page, person('nora'))
    await opened(page)
    // What the API told this person, and what the page shows.
    const { actions } = await (await detailsAnswer).json()
    const { transfers } = await (await transfersAnswer).json()
    await page.getByRole('button', { name: 'Expand all' }).click()
    const check = async (scope, key, a) => {
      const shown = scope.locator(`[data-action=${key}]`)
      if (a.code === 'forbidden') assert.equal(await shown.count(), 0, `${key} is hidden: ${a.reason}`)
      else if (!a.allowed) assert.equal(await shown.first().getAttribute('aria-disabled'), 'true', `${key} is greyed: ${a.reason}`)
      else assert.ok((await shown.count()) > 0, `${key} is shown`)
    }
    for (const [key, a] of Object.entries(actions)) {
      if (key === 'comment') continue // the comment box, below
      await check(page.getByTestId('request-actions'), key, a)
    }
    for (const tr of transfers) {
      const card = cardsOf(page, 'transfers').and(page.locator(`[data-transfer="${tr.id}"]`))
      for (const [key, a] of Object.entries(tr.actions)) await check(card, key, a)
    }
    // Everything a content partner may not do is forbidden to it: nothing to do but read and comment.
    const forbidden = Object.entries(actions).filter(([, a]) => a.code === 'forbidden').map(([k]) => k)
    for (const k of ['setMaterialStatus', 'subassign', 'cancel', 'setEstimatedDeliveryDate']) assert.ok(forbidden.includes(k), k)
    assert.equal(await page.locator('[data-action=override], [data-action=verify], [data-action=reject], [data-action=ignore]').count(), 0)
    await page.getByTestId('request-title').scrollIntoViewIfNeeded()
    await assertAccessible(page, 'details: content partner')
    await screenshot(page, 'details-content-partner')
    await page.locator('[data-tab=comments]').click()
    await page.getByTestId('comments').waitFor()
    assert.equal(await page.getByLabel('Add a comment').count(), actions.comment.allowed ? 1 : 0)
    await context.close()
  })

  test("a foreign request's URL shows not found exactly like a missing one", async () => {
    // A request of lumen's that juniper may not see.
    const rows = await search('fp-lumen', {})
    const foreign = await find('fp-lumen', rows, async (row) =>
      (await api('fp-juniper', `/v1/requests/${row.id}`)) === null ? row.id : null)
    const missing = '01a06edd-0000-7000-8000-000000000000'
    assert.equal(await api('fp-juniper', `/v1/requests/${missing}`), null)

    const page = await signedIn('ana', `/requests/${missing}`)
    await page.getByRole('heading', { name: 'Not found' }).waitFor()
    const missingText = await page.locator('main').innerText()
    const missingTitle = await page.title()
    const asked = []
    page.on('request', (r) => new URL(r.url()).pathname.startsWith('/v1/') && asked.push(new URL(r.url()).pathname))
    await page.goto(`/requests/${foreign}`)
    await page.getByRole('heading', { name: 'Not found' }).waitFor()
    assert.equal(await page.locator('main').innerText(), missingText)
    assert.equal(await page.title(), missingTitle)
    assert.deepEqual(asked.filter((p) => p.includes(foreign)), [`/v1/requests/${foreign}`], 'nothing more is asked of a foreign ID')
    await page.goto('/requests/not-an-id')
    await page.getByRole('heading', { name: 'Not found' }).waitFor()
    assert.equal(await page.locator('main').innerText(), missingText)
    await assertAccessible(page, 'details: not found')
    await screenshot(page, 'details-not-found')
    await page.context().close()
  })

  test('subassign an open request to an approved partner', async (t) => {
    const rows = (await search('fp-juniper', { status: 'OPEN' })).reverse()
    const pick = await find('fp-juniper', rows, async (row) => {
      if (row.subAssignee) return null
      const s = await api('fp-juniper', `/v1/requests/${row.id}/subassignees`)
      return s.subassign.allowed && s.partners.length ? { id: row.id, partners: s.partners } : null
    })
    t.diagnostic(`request ${pick.id}`)
    const page = await signedIn('ana', `/requests/${pick.id}`)
    await opened(page)
    await page.locator('[data-action=subassign]').click()
    const dialog = page.getByTestId('subassign-dialog')
    await dialog.getByRole('radio').first().waitFor()
    assert.deepEqual(await dialog.getByRole('radio').evaluateAll((rs) => rs.map((r) => r.value)), pick.partners.map((p) => p.id))
    const target = pick.partners[pick.partners.length - 1]
    await dialog.getByRole('radio', { name: target.name }).check()
    await dialog.getByLabel('Comment (optional)').fill('Lumen does the conform; we deliver.')
    await assertAccessible(page, 'details: the subassign dialog')
    await screenshot(page, 'details-subassign-dialog')
    await dialog.getByRole('button', { name: 'Subassign', exact: true }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByTestId('overview-request').getByText(target.name).waitFor()
    assert.equal((await api('fp-juniper', `/v1/requests/${pick.id}`)).request.subAssignee, target.id)
    // And back: the partner of record takes the work back from the subassignee.
    await page.locator('[data-action=takeBack]').click()
    const back = page.getByTestId('take-back-dialog')
    await back.getByText(`The subassignment to ${target.id} ends`).waitFor()
    await assertAccessible(page, 'details: the take-back dialog')
    await back.getByRole('button', { name: 'Take back', exact: true }).click()
    await back.waitFor({ state: 'detached' })
    await page.locator('[data-action=takeBack]').waitFor({ state: 'detached' }) // no longer subassigned: not offered
    assert.equal((await api('fp-juniper', `/v1/requests/${pick.id}`)).request.subAssignee ?? '', '')
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('edit the material status from the details page: the shared dialog, for one request', async (t) => {
    // An open juniper request still waiting for materials, from the start of the list
    // (the subassign test takes its pick from the end).
    const rows = await search('fp-juniper', { status: 'OPEN', materialStatus: 'NOT_RECEIVED', columns: 'materialStatus,actions', sort: 'dueDate' })
    const pick = rows.find((r) => r.actions?.setMaterialStatus?.allowed)
    assert.ok(pick, 'an open juniper request whose material status may be set')
    t.diagnostic(`request ${pick.id}`)
    const page = await signedIn('ana', `/requests/${pick.id}`)
    await opened(page)
    await page.locator('[data-action=setMaterialStatus]').click()
    const dialog = page.getByTestId('dialog-material-status')
    await dialog.getByLabel('Material status').selectOption('RECEIVED')
    await dialog.getByLabel('Reason').fill('proxy downloaded and reviewed')
    await assertAccessible(page, 'details: the material status dialog')
    await dialog.getByRole('button', { name: /^Set material status/ }).click()
    await dialog.getByTestId('bulk-result').and(dialog.locator('[data-ok=true]')).waitFor()
    await dialog.getByRole('button', { name: 'Close' }).first().click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByTestId('overview-request').getByText('Received').first().waitFor() // the page reloaded the request
    assert.equal((await api('fp-juniper', `/v1/requests/${pick.id}`)).request.materialStatus, 'RECEIVED')
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('the error-code help page: every code, an anchor each', async () => {
    const { codes } = await api('fp-juniper', '/v1/error-codes')
    const target = codes.find((c) => c.overridable) ?? codes[0]
    const page = await signedIn('ana', `/help/error-codes#${target.code}`)
    await page.getByTestId('error-codes').waitFor()
    assert.equal(await page.getByTestId('error-code').count(), codes.length)
    for (const c of codes) {
      const item = page.locator(`[id="${c.code}"]`)
      assert.match(await item.innerText(), new RegExp(c.overridable ? 'May be overridden' : 'Cannot be overridden'))
    }
    const item = page.locator(`[id="${target.code}"]`)
    assert.match((await item.getAttribute('class')) ?? '', /code-target/)
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect()
      return r.top >= 0 && r.top < window.innerHeight
    }, target.code)
    await assertAccessible(page, 'help: error codes')
    await screenshot(page, 'help-error-codes')
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })
})
