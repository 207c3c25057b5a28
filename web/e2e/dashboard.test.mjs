// Source Management in Debian's chromium (playwright-core), as Lumen's
// coordinator: buckets against the API's counts, the modifier bar, two-level
// grouping, opening a bucket, the columns kept across a reload, a bookmark,
// a saved template, and a bulk material-status change where one request is
// refused. axe-core on every state; screenshots at 1440×900.
//
// The server is shared with the other browser tests: this file changes only
// requests of Lumen (which they leave alone) that it picks from the API
// itself, and compares counts read at the same moment, never fixed numbers.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  apiGet, assertAccessible, baseURL, clientToken, demoPerson, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport,
} from './lib.mjs'

const withAS = await hasAuthorizationServer()
const skip = withAS ? false : 'the local authorization server is not on this server'

let browser
let page
let token // fp-lumen's, to read what the API says

before(async () => {
  if (!withAS) return
  browser = await launchChromium()
  const context = await browser.newContext({ viewport, baseURL })
  page = await context.newPage()
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(e.message))
  page.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && page.errors.push(m.text()))
  token = await clientToken('fp-lumen')
  await page.goto('/')
  await signIn(page, demoPerson('lumen'))
})
after(async () => {
  if (page) assert.deepEqual(page.errors, [], 'script errors or Content-Security-Policy violations')
  await browser?.close()
})

const countsSettled = () =>
  page.waitForFunction(() => {
    const busy = document.querySelector('.bucket-groups, .group-table-wrap')?.getAttribute('aria-busy')
    return busy === 'false'
  })
const rowsSettled = () =>
  page.waitForFunction(() => {
    const g = document.querySelector('[data-testid=rows-panel] .grid-scroll')
    return g && g.getAttribute('aria-busy') === 'false' && g.querySelector('tbody tr')
  })
const number = (s) => Number(s.replace(/[^\d]/g, ''))

// What the page asks the API: its counts (limit=1, columns=id) and its rows (columns=…,actions).
const isCounts = (r) => {
  const u = new URL(r.url())
  return u.pathname === '/v1/requests' && u.searchParams.get('limit') === '1' && u.searchParams.get('columns') === 'id'
}
const isRows = (r) => {
  const u = new URL(r.url())
  return u.pathname === '/v1/requests' && (u.searchParams.get('columns') ?? '').endsWith(',actions')
}

/** Does act (a click, a key) and waits until the page drew the answer of the call it causes. */
async function answered(act, which = isCounts) {
  const res = page.waitForResponse(which)
  await act()
  await res
  if (which === isCounts) await countsSettled()
  else await rowsSettled()
}
const search = (q) => apiGet(token, `/v1/requests?${q}`)

async function shownBuckets() {
  const out = {}
  for (const key of ['requests', 'critical', 'atRisk', 'onTrack', 'awaitingMaterials', 'materialsAvailable', 'overdueUndelivered']) {
    out[key] = number(await page.getByTestId(`bucket-${key}`).innerText())
  }
  return out
}

async function headerOrder() {
  return page.locator('[data-testid=rows-grid] thead th[data-column]').evaluateAll((ths) =>
    ths.map((th) => th.dataset.column).filter((c) => !c.startsWith('_')))
}

describe('dashboard', { skip }, () => {
  test('the buckets equal the API counts; a fulfillment partner sees its fixed pill', async () => {
    await page.getByTestId('bucket-requests').filter({ hasText: /\d/ }).waitFor()
    await countsSettled()
    const shown = await shownBuckets()
    const api = await search('limit=1&columns=id')
    assert.deepEqual(shown, api.buckets)
    assert.ok(api.buckets.requests > 0, 'Lumen has open requests')
    assert.match(await page.getByTestId('pill-fixed').innerText(), /Fulfillment Partner:\s*Lumen/)
    assert.match(await page.getByTestId('total').innerText(), new RegExp(`${api.total.toLocaleString('en-US')} matching`))
    await assertAccessible(page, 'the dashboard')
    await screenshot(page, 'dashboard-buckets')
  })

  test('the modifier bar: a value, a free-text date and a fuzzy title, Enter searches', async () => {
    const input = page.getByTestId('modifier-input')
    await input.click()
    await input.fill('subtit')
    await page.getByRole('option', { name: /^Source Type: Subtitle/ }).waitFor()
    await input.press('Enter') // the first suggestion
    await input.fill('2026-12..2027-02')
    await page.getByRole('option', { name: 'Due Date: 2026-12..2027-02' }).click()
    await assertAccessible(page, 'the modifier bar with its suggestions')
    await screenshot(page, 'dashboard-modifiers')
    await answered(() => input.press('Enter')) // an empty input searches
    const url = new URL(page.url())
    assert.equal(url.searchParams.get('dueDate'), '2026-12..2027-02')
    assert.equal(url.searchParams.get('sourceType'), 'SUBTITLE')
    const api = await search('sourceType=SUBTITLE&dueDate=2026-12..2027-02&limit=1&columns=id')
    assert.deepEqual(await shownBuckets(), api.buckets)

    // A pill comes off; a title goes on.
    await page.getByRole('button', { name: 'Remove Due Date' }).click()
    await input.fill('house')
    await page.getByRole('option', { name: 'Title contains “house”' }).click()
    await answered(() => page.getByTestId('search-button').click())
    assert.equal(new URL(page.url()).searchParams.get('title'), 'house')
    assert.equal(new URL(page.url()).searchParams.has('dueDate'), false)
    assert.deepEqual(await shownBuckets(), (await search('sourceType=SUBTITLE&title=house&limit=1&columns=id')).buckets)
  })

  test('two-level grouping: the buckets per source type and language, as the API counts them', async () => {
    await page.goto('/')
    await countsSettled()
    await page.getByTestId('group-by').click()
    await answered(() => page.getByRole('checkbox', { name: 'Source Type' }).check())
    await answered(() => page.getByRole('checkbox', { name: 'Language' }).check())
    assert.equal(new URL(page.url()).searchParams.get('group'), 'sourceType,language')
    await page.keyboard.press('Escape')
    const api = await search('group=sourceType,language&limit=1&columns=id')
    const rows = page.locator('[data-testid=group-table] tr.group-row')
    assert.equal(await rows.count(), api.groups.length, 'one row per group')
    for (const g of api.groups.slice(0, 8)) {
      const key = `${g.key.sourceType}|${g.key.language}`
      for (const b of ['critical', 'atRisk', 'awaitingMaterials']) {
        assert.equal(number(await page.getByTestId(`group-${b}-${key}`).innerText()), g.buckets[b], `${b} of ${key}`)
      }
      assert.equal(number(await page.getByTestId(`group-total-${key}`).innerText()), g.total, `total of ${key}`)
    }
    await assertAccessible(page, 'the dashboard grouped by source type, then language')
    await screenshot(page, 'dashboard-grouped')
  })

  test('opening a bucket of a group shows its rows, each saying why', async () => {
    const api = await search('group=sourceType,language&limit=1&columns=id')
    const g = api.groups.filter((x) => x.buckets.critical > 0 && x.buckets.critical <= 50).sort((a, b) => b.buckets.critical - a.buckets.critical)[0]
    assert.ok(g, 'a group with critical requests')
    const key = `${g.key.sourceType}|${g.key.language}`
    await answered(() => page.getByTestId(`group-critical-${key}`).click(), isRows)
    assert.equal(new URL(page.url()).searchParams.get('bucket'), 'critical')
    assert.equal(new URL(page.url()).searchParams.get('groupKey'), key)
    const rows = await search(`group=sourceType,language&bucket=critical&groupKey=${encodeURIComponent(key)}&columns=why&limit=50`)
    const ids = await page.locator('[data-testid=rows-grid] tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id))
    assert.deepEqual(ids, rows.rows.map((r) => r.id))
    const whys = await page.locator('[data-testid=rows-grid] tbody td[data-column=why]').allInnerTexts()
    assert.deepEqual(whys, rows.rows.map((r) => r.why))
    assert.ok(whys.every((w) => w.length > 0), 'every row says why')
    await page.locator('[data-testid=rows-grid] tbody tr').first().hover()
    const details = page.locator('[data-testid=rows-grid] tbody tr').first().getByRole('link', { name: /^Details of/ })
    assert.equal(await details.getAttribute('target'), '_blank')
    assert.equal(await details.getAttribute('href'), `/requests/${ids[0]}`)
    await assertAccessible(page, 'an open bucket of a group')
    await screenshot(page, 'dashboard-group-bucket')

    // Without grouping, a bucket card opens its rows the same way.
    await page.goto('/')
    await countsSettled()
    await rowsSettled()
    await answered(() => page.getByTestId('bucket-atRisk').click(), isRows)
    assert.equal(new URL(page.url()).searchParams.get('bucket'), 'atRisk')
    const atRisk = await search('bucket=atRisk&columns=id&limit=50')
    const shown = await page.locator('[data-testid=rows-grid] tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id))
    assert.deepEqual(shown, atRisk.rows.map((r) => r.id))
    assert.equal(number(await page.getByTestId('rows-panel').locator('.rows-count').innerText()), atRisk.buckets.atRisk)
  })

  test('a column moved by dragging, resized and hidden stays so after a reload', async () => {
    await page.goto('/?bucket=critical')
    await rowsSettled()
    const before = await headerOrder()
    assert.ok(before.indexOf('dueDate') > before.indexOf('title'))
    await page.locator('th[data-column=dueDate]').dragTo(page.locator('th[data-column=title]'), { targetPosition: { x: 4, y: 10 } })
    const moved = await headerOrder()
    assert.equal(moved[0], 'dueDate', `order after the drag: ${moved}`)

    // Resize with the keyboard: the separator takes arrows.
    const sep = page.getByRole('separator', { name: /^Resize Title/ })
    const width = Number(await sep.getAttribute('aria-valuenow'))
    await sep.focus()
    await sep.press('ArrowRight')
    await sep.press('ArrowRight')
    assert.equal(Number(await sep.getAttribute('aria-valuenow')), width + 20)

    // Hide Language in the Columns panel.
    await page.getByTestId('columns-button').click()
    await page.getByTestId('column-list').getByRole('checkbox', { name: 'Language' }).uncheck()
    await assertAccessible(page, 'the columns panel')
    await screenshot(page, 'dashboard-columns')
    await page.keyboard.press('Escape')
    const arranged = await headerOrder()
    assert.ok(!arranged.includes('language'))

    await page.reload()
    await rowsSettled()
    assert.deepEqual(await headerOrder(), arranged, 'the columns after the reload')
    assert.equal(Number(await page.getByRole('separator', { name: /^Resize Title/ }).getAttribute('aria-valuenow')), width + 20)

    // Back to the default arrangement, for the screenshots that follow.
    await page.getByTestId('columns-button').click()
    await page.getByRole('button', { name: 'Reset to default' }).click()
    await page.keyboard.press('Escape')
    assert.deepEqual(await headerOrder(), before)
  })

  test('a bookmarked URL (and a mail link) restores the view', async () => {
    const api = await search('sourceType=SUBTITLE,SDH_CC&group=language&limit=1&columns=id')
    const g = api.groups.find((x) => x.buckets.requests > 0)
    assert.ok(g)
    const url = `/?sourceType=SUBTITLE,SDH_CC&group=language&bucket=requests&groupKey=${encodeURIComponent(g.key.language)}&sort=-dueDate`
    const fresh = await page.context().newPage()
    await fresh.goto(url)
    await fresh.getByTestId('group-table').waitFor()
    await fresh.getByTestId('pill-sourceType').filter({ hasText: /Source Type:\s*Subtitle, SDH\/CC/ }).waitFor()
    assert.match(await fresh.locator('.group-chain').innerText(), /Language/)
    await fresh.getByTestId('rows-panel').waitFor()
    await fresh.waitForFunction(() => document.querySelector('[data-testid=rows-panel] .grid-scroll')?.getAttribute('aria-busy') === 'false')
    assert.equal(await fresh.locator('th[data-column=dueDate]').getAttribute('aria-sort'), 'descending')
    const rows = await search(`sourceType=SUBTITLE,SDH_CC&group=language&bucket=requests&groupKey=${encodeURIComponent(g.key.language)}&sort=-dueDate&columns=id&limit=50`)
    const ids = await fresh.locator('[data-testid=rows-grid] tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id))
    assert.deepEqual(ids, rows.rows.map((r) => r.id))
    await assertAccessible(fresh, 'a bookmarked view')
    await screenshot(fresh, 'dashboard-bookmark')

    // The links mail sends: /?bucket=critical and /?movieId=…
    await fresh.goto('/?bucket=critical')
    await fresh.getByRole('heading', { name: 'Critical requests' }).waitFor()
    assert.equal(await fresh.locator('[data-bucket=critical] .bucket-count').getAttribute('aria-expanded'), 'true')
    const one = (await search('limit=1&columns=movieId')).rows[0]
    await fresh.goto(`/?movieId=${one.movieId}`)
    await fresh.getByTestId('pill-movieId').waitFor()
    await fresh.waitForFunction(() => document.querySelector('[data-testid=rows-panel] .grid-scroll')?.getAttribute('aria-busy') === 'false')
    const byMovie = await search(`movieId=${one.movieId}&limit=1&columns=id`)
    assert.equal(number(await fresh.getByTestId('rows-panel').locator('.rows-count').innerText()), byMovie.total)
    await fresh.close()
  })

  test('a template saved with the star and applied from the list', async () => {
    const name = `e2e dashboard ${Date.now()}`
    await page.goto('/?sourceType=SUBTITLE&materialStatus=NOT_RECEIVED&group=language')
    await page.getByTestId('group-table').waitFor()
    await page.getByTestId('template-star').click()
    await page.getByTestId('template-name').fill(name)
    await assertAccessible(page, 'saving a template')
    await page.getByTestId('template-name').press('Enter')
    await page.getByText(`Saved the template “${name}”.`).waitFor()

    await page.goto('/') // a new page load: the list comes from the API
    await countsSettled()
    await page.getByTestId('templates-button').click()
    const item = page.getByTestId('template-item').filter({ hasText: name })
    await screenshot(page, 'dashboard-templates')
    await assertAccessible(page, 'the template list')
    await answered(() => item.locator('.template-apply').click())
    assert.equal(new URL(page.url()).searchParams.get('group'), 'language')
    assert.equal(new URL(page.url()).searchParams.get('sourceType'), 'SUBTITLE')
    assert.equal(new URL(page.url()).searchParams.get('materialStatus'), 'NOT_RECEIVED')
    await page.getByTestId('pill-materialStatus').waitFor()
    assert.equal(await page.getByTestId('template-star').getAttribute('aria-label'), `Saved as “${name}”: save again under a name`)

    // Delete it again.
    await page.getByTestId('templates-button').click()
    await item.getByRole('button', { name: /^Delete the template/ }).click()
    await item.getByRole('button', { name: 'Delete' }).click()
    await page.getByText(`Deleted the template “${name}”.`).waitFor()
    await page.keyboard.press('Escape')
  })

  test('a bulk material-status change: one refused request shown, the others changed', async () => {
    // Lumen's requests, picked here: two Open ones that may take it, one Cancelled one that may not.
    const open = (await search('status=Open&materialStatus=NOT_RECEIVED,ASSIGNED&sort=-dueDate&columns=title,materialStatus,actions&limit=50'))
      .rows.filter((r) => r.actions.setMaterialStatus.allowed).slice(0, 2)
    const cancelled = (await search('status=Cancelled&columns=title,materialStatus,actions&limit=50'))
      .rows.find((r) => !r.actions.setMaterialStatus.allowed && r.actions.setMaterialStatus.code !== 'forbidden')
    assert.equal(open.length, 2, 'two open requests of Lumen')
    assert.ok(cancelled, 'a cancelled request of Lumen')
    const ids = [...open.map((r) => r.id), cancelled.id]

    await page.goto(`/?requestId=${ids.join(',')}&status=All`)
    await rowsSettled()
    assert.equal(await page.locator('[data-testid=rows-grid] tbody tr[data-id]').count(), 3)
    await page.getByRole('checkbox', { name: 'Select every request on this page' }).check()
    await page.getByTestId('bulk-bar').waitFor()
    assert.match(await page.getByTestId('bulk-bar').innerText(), /3\s+selected/)
    await assertAccessible(page, 'the bulk bar')
    await screenshot(page, 'dashboard-bulk-bar')
    await page.getByTestId('bulk-edit').click()
    await page.getByRole('menuitem', { name: /^Material status/ }).click()
    const dialog = page.getByTestId('dialog-material-status')
    await dialog.getByLabel('Material status').selectOption('RECEIVED')
    await dialog.getByLabel('Reason').fill('e2e: proxy downloaded')
    assert.match(await dialog.getByRole('status').first().innerText(), /1 request of 3 will refuse it/)
    await dialog.getByRole('button', { name: 'Set material status for 3 requests' }).click()
    await dialog.getByTestId('bulk-summary').waitFor()
    assert.match(await dialog.getByTestId('bulk-summary').innerText(), /Material status set: 2 requests\.\s+1 request refused\./)
    const refused = dialog.locator('[data-testid=bulk-result][data-ok=false]')
    assert.equal(await refused.count(), 1)
    assert.equal(await refused.getAttribute('data-id'), cancelled.id)
    assert.match(await refused.innerText(), /Cancelled/)
    assert.equal(await dialog.locator('[data-testid=bulk-result][data-ok=true]').count(), 2)
    await assertAccessible(page, 'the per-request results of a bulk action')
    await screenshot(page, 'dashboard-bulk-results')
    await dialog.getByRole('button', { name: 'Done' }).click()

    const after = await search(`requestId=${ids.join(',')}&status=All&columns=materialStatus&limit=3`)
    const status = Object.fromEntries(after.rows.map((r) => [r.id, r.materialStatus]))
    assert.equal(status[open[0].id], 'RECEIVED')
    assert.equal(status[open[1].id], 'RECEIVED')
    assert.equal(status[cancelled.id], cancelled.materialStatus, 'the refused request kept its status')
    // The grid shows the new statuses.
    await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"] td[data-column=materialStatus]`)?.textContent === 'Received', open[0].id)
  })
})
