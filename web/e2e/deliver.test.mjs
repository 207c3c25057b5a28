// The Delivery UI (/deliver) in Debian's chromium (playwright-core),
// against `serve --demo`: a clip made here by ffmpeg dropped on a request
// card and followed to Processed; a reload in the middle of an upload and
// the resume sending only the missing parts; a File Bin delivery to three
// requests at once (and two stems on one Audio M&E card, Apply to All
// Rows). Files are dropped as a person's drag would drop them: a drop event
// whose DataTransfer holds real files from disk (a headless browser has no
// desktop to drag from). The demo's IDs change with every seed, so each
// test finds its requests through the API.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { api, person } from './api.mjs'
import { assertAccessible, baseURL, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport } from './lib.mjs'

const withAS = await hasAuthorizationServer()
const skip = withAS ? false : 'the local authorization server is not on this server'

let browser
let dir
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openlot-deliver-'))
  if (withAS) browser = await launchChromium()
})
after(async () => {
  await browser?.close()
  await rm(dir, { recursive: true, force: true })
})

/** A fresh browser context signed in as who, showing path. */
async function signedIn(who, path) {
  const context = await browser.newContext({ viewport, baseURL })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.errors = errors
  await page.goto(path)
  await signIn(page, person(who))
  return page
}

/** Juniper's requests that take a delivery now and have none yet, by source type. */
async function deliverable(sourceType, n) {
  const { rows } = await api('fp-juniper', `/v1/requests?${new URLSearchParams({ limit: '200', sourceType, columns: 'title,sourceType,language,status,actions' })}`)
  const out = []
  for (const r of rows) {
    if (!r.actions?.deliver?.allowed) continue
    const { transfers } = await api('fp-juniper', `/v1/requests/${r.id}/transfers`)
    if ((transfers ?? []).length === 0) out.push(r)
    if (out.length === n) return out
  }
  throw new Error(`the demo has fewer than ${n} ${sourceType} requests juniper can deliver to`)
}

/** A file name people would give a delivery of title: words, SxxEyy, a suffix. */
function nameFor(title, suffix) {
  const m = /season\s+(\d+)\D+episode\s+(\d+)/i.exec(title)
  let base = title.replace(/:\s*season\s+\d+\D+episode\s+\d+/i, '')
  if (m) base += ` S${m[1].padStart(2, '0')}E${m[2].padStart(2, '0')}`
  return `${base.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}_${suffix}`
}

function ffmpeg(...args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args])
}

/** A 4 s 640×360 24 fps H.264 + AAC stereo clip, as inspection of a proxy expects. */
function clip(name) {
  const out = join(dir, name)
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=24:d=4', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', out)
  return out
}

/** A 3 s stereo 48 kHz 24-bit WAV stem. */
function stem(name, freq) {
  const out = join(dir, name)
  ffmpeg('-f', 'lavfi', '-i', `sine=f=${freq}:r=48000:d=3`, '-ac', '2', '-c:a', 'pcm_s24le', out)
  return out
}

async function bytesFile(name, size) {
  const out = join(dir, name)
  await writeFile(out, randomBytes(size))
  return out
}

/**
 * Drops files from disk on target as a drag from the desktop would: a
 * hidden input takes them (real File objects with their names, sizes and
 * modification times), then dragenter, dragover and drop carry them.
 */
async function drop(page, target, paths) {
  const input = await page.evaluateHandle(() => {
    const i = document.createElement('input')
    i.type = 'file'
    i.multiple = true
    i.hidden = true
    document.body.append(i)
    return i
  })
  await input.setInputFiles(paths)
  await target.evaluate((el, i) => {
    const dt = new DataTransfer()
    for (const f of i.files) dt.items.add(f)
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }))
    i.remove()
  }, input)
}

const card = (page, id) => page.locator(`[data-testid="deliver-card"][data-request="${id}"]`)
const stateOf = (c) => c.getByTestId('card-state')

async function waitState(c, re, timeout = 30_000) {
  const state = stateOf(c)
  const until = Date.now() + timeout
  for (;;) {
    const text = await state.innerText()
    if (re.test(text)) return text
    if (Date.now() > until) assert.fail(`card state ${JSON.stringify(text)} never matched ${re}`)
    await new Promise((ok) => setTimeout(ok, 200))
  }
}

describe('delivery UI (chromium)', { skip }, () => {
  test('a clip made by ffmpeg, dropped on the card from the Deliver action, ends Processed without a refresh', async () => {
    const [r] = await deliverable('PRODUCTION_LOCKED_PROXY', 1)
    const file = clip(nameFor(r.title, 'proxy.mp4'))
    const details = await signedIn('ana', `/requests/${r.id}`)
    await details.getByTestId('request-title').waitFor()
    const [page] = await Promise.all([details.context().waitForEvent('page'), details.locator('[data-action="deliver"]').click()])
    page.errors = []
    page.on('pageerror', (e) => page.errors.push(e.message))
    await page.waitForURL((u) => u.pathname === '/deliver')
    assert.equal(new URL(page.url()).searchParams.get('ids'), r.id, 'the Deliver action opens the Delivery UI for its request')
    const c = card(page, r.id)
    await c.waitFor()
    assert.equal(await stateOf(c).innerText(), 'No file yet')

    await drop(page, c.getByTestId('card-drop'), [file])
    await waitState(c, /Metadata needed/)
    assert.match(await c.getByTestId('card-problem').innerText(), /frameRate.*required/i, 'the dry run names what is missing')
    await c.locator('select[data-field="frameRate"]').selectOption('24')
    await waitState(c, /Ready to Deliver/)
    assert.equal(await c.getByTestId('card-select').isChecked(), true, 'a card with a file dropped on it is selected for delivery')
    await assertAccessible(page, 'the Delivery UI, one request ready')
    await screenshot(page, 'deliver-ready')

    await page.getByTestId('deliver-button').click()
    await waitState(c, /Pending Inspection|Processed/, 60_000)
    await screenshot(page, 'deliver-pending')
    await waitState(c, /^Processed$/, 120_000)
    await screenshot(page, 'deliver-processed')
    const { transfers } = await api('fp-juniper', `/v1/requests/${r.id}/transfers`)
    assert.equal(transfers.length, 1)
    assert.equal(transfers[0].status, 'PROCESSED')
    assert.equal(transfers[0].method, 'UI')
    assert.equal(transfers[0].files[0].metadata.frameRate, '24')
    assert.deepEqual(page.errors, [])
  })

  test('a reload in the middle of an upload: dropping the same file again sends only the missing parts', async () => {
    const [r] = await deliverable('FINAL_SCRIPT', 1)
    const file = await bytesFile(nameFor(r.title, 'script.pdf'), 40 << 20) // five parts of 8 MiB
    const page = await signedIn('ana', `/deliver?ids=${r.id}`)
    const c = card(page, r.id)
    await c.waitFor()

    // Storage takes the first two parts; the others hang until the reload.
    let puts = 0
    const held = []
    await page.route((u) => u.pathname.startsWith('/blobs/'), (route) => {
      if (route.request().method() !== 'PUT') return route.continue()
      puts++
      if (puts <= 2) return route.continue()
      held.push(route)
    })
    await drop(page, c.getByTestId('card-drop'), [file])
    await c.locator('select[data-field="scriptFormat"]').selectOption('PDF')
    await waitState(c, /Ready to Deliver/)
    await page.getByTestId('deliver-button').click()
    await waitState(c, /Uploading/)
    const id = await page.waitForFunction(() => Object.keys(localStorage).filter((k) => k.startsWith('openlot.deliver:')).map((k) => localStorage.getItem(k))[0]).then((h) => h.jsonValue())
    let before
    for (let i = 0; i < 100; i++) {
      before = await api('fp-juniper', `/v1/transfers/${id}`)
      if ((before.files[0].received ?? []).length === 2 && held.length === 3) break
      await new Promise((ok) => setTimeout(ok, 200))
    }
    assert.equal((before.files[0].received ?? []).length, 2, 'storage holds the two parts let through')
    assert.equal(held.length, 3)
    await screenshot(page, 'deliver-uploading')

    await page.unroute((u) => u.pathname.startsWith('/blobs/'))
    let after = 0
    await page.route((u) => u.pathname.startsWith('/blobs/'), (route) => {
      if (route.request().method() === 'PUT') after++
      return route.continue()
    })
    await page.reload()
    await c.waitFor()
    assert.equal(await stateOf(c).innerText(), 'No file yet', 'after a reload the card starts empty')
    await drop(page, c.getByTestId('card-drop'), [file])
    await c.getByTestId('card-resume').waitFor()
    assert.match(await c.getByTestId('card-resume').innerText(), /holds 2 of 5 parts/)
    assert.equal(await c.locator('select[data-field="scriptFormat"]').inputValue(), 'PDF', 'the metadata the transfer began with')
    await waitState(c, /Ready to Deliver/)
    await screenshot(page, 'deliver-resume')
    await page.getByTestId('deliver-button').click()
    await waitState(c, /Pending Inspection|Processed|Failed/, 60_000)
    assert.equal(after, 3, 'only the three missing parts are sent after the reload')
    const { transfers } = await api('fp-juniper', `/v1/requests/${r.id}/transfers`)
    assert.equal(transfers.length, 1, 'the resume finished the same transfer; none was superseded')
    assert.equal(transfers[0].id, id)
    assert.notEqual(transfers[0].status, 'UPLOADING')
    assert.equal(transfers[0].files[0].size, 40 << 20)
  })

  test('a File Bin delivery to three requests at once, and two stems with Apply to All Rows', async () => {
    const scripts = await deliverable('FINAL_SCRIPT', 3)
    const [me] = await deliverable('AUDIO_ME', 1)
    const files = await Promise.all(scripts.map((r) => bytesFile(nameFor(r.title, `${r.language || 'en'}_script.pdf`), 200_000 + Math.floor(Math.random() * 1000))))
    const stems = [stem(nameFor(me.title, 'ME_stems_L.wav'), 440), stem(nameFor(me.title, 'ME_stems_R.wav'), 660)]
    const ids = [...scripts, me].map((r) => r.id)
    const page = await signedIn('ana', `/deliver?ids=${ids.join(',')}`)
    for (const id of ids) await card(page, id).waitFor()

    // Group by source type: one heading per source type.
    await page.getByTestId('group-by').selectOption('sourceType')
    assert.deepEqual((await page.locator('.dl-h2').allInnerTexts()).map((t) => t.replace(/\s*\(\d+\)$/, '')).sort(), ['Audio M&E', 'Final Script'])

    // The File Bin: a count, expandable, files by type.
    const bin = page.getByTestId('file-bin')
    await drop(page, bin.getByTestId('bin-drop'), [...files, ...stems])
    assert.equal(await bin.getByTestId('bin-count').innerText(), '5')
    await bin.getByRole('button', { name: /File Bin/ }).click()
    assert.match((await bin.locator('.dl-bin-kind').allInnerTexts()).join('|'), /Audio\s*\(2\)\|Documents\s*\(3\)/i)

    // Each script card: Select a source recommends its own file, with reasons.
    for (const [i, r] of scripts.entries()) {
      const c = card(page, r.id)
      await c.getByTestId('select-source').locator('summary').click()
      const rec = c.locator('.dl-option-rec')
      await rec.first().waitFor()
      assert.equal(await rec.count(), 1, `one file recommended for ${r.title}`)
      assert.match(await rec.innerText(), new RegExp(files[i].split('/').pop().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      assert.match(await rec.locator('.dl-reasons').innerText(), /title words/)
      if (i === 0) {
        await assertAccessible(page, 'the Delivery UI, File Bin open and a source list open')
        await screenshot(page, 'deliver-bin-select')
      }
      await rec.locator('input').check()
      await c.getByTestId('select-source').locator('summary').click()
      await c.locator('select[data-field="scriptFormat"]').selectOption('PDF')
    }
    // The M&E card: two stems dropped on it, metadata set once and applied to both rows.
    const mc = card(page, me.id)
    await drop(page, mc.getByTestId('card-drop'), stems)
    assert.equal(await mc.locator('tbody tr').count(), 2, 'Audio M&E takes several files: both stems are rows')
    await mc.locator('select[data-field="audioConfiguration"]').first().selectOption('2.0')
    await mc.locator('select[data-field="frameRate"]').first().selectOption('24')
    await waitState(mc, /Metadata needed/)
    await mc.getByTestId('apply-all').click()
    assert.equal(await mc.locator('select[data-field="audioConfiguration"]').nth(1).inputValue(), '2.0')
    for (const id of ids) await waitState(card(page, id), /Ready to Deliver/)

    await page.getByTestId('select-all').check()
    assert.match(await page.getByTestId('deliver-button').innerText(), /Deliver \(4\)/)
    await screenshot(page, 'deliver-bin-ready')
    await page.getByTestId('deliver-button').click()
    await page.getByTestId('overall-progress').waitFor().catch(() => undefined) // small files may finish before it draws
    for (const id of ids) await waitState(card(page, id), /Pending Inspection|Processed|Failed/, 60_000)
    await screenshot(page, 'deliver-bin-delivered')
    for (const [i, r] of scripts.entries()) {
      const { transfers } = await api('fp-juniper', `/v1/requests/${r.id}/transfers`)
      assert.equal(transfers.length, 1, `${r.title}: one delivery`)
      assert.equal(transfers[0].files[0].name, files[i].split('/').pop(), `${r.title}: its own file`)
    }
    const { transfers } = await api('fp-juniper', `/v1/requests/${me.id}/transfers`)
    assert.deepEqual(transfers[0].files.map((f) => f.metadata.audioConfiguration), ['2.0', '2.0'])
    assert.deepEqual(page.errors, [])
  })

  test("the dashboard opens the Delivery UI: a row's Deliver and the bulk bar's Deliver", async () => {
    const page = await signedIn('ana', '/')
    await page.getByTestId('rows-panel').waitFor()
    const rowLink = page.locator('a[href^="/deliver?ids="]').first()
    await rowLink.waitFor({ state: 'attached' })
    const one = new URL(await rowLink.getAttribute('href'), baseURL).searchParams.get('ids')
    assert.equal(one.split(',').length, 1, "a row's Deliver opens the Delivery UI for that request")
    await page.getByRole('checkbox', { name: 'Select every request on this page' }).check()
    await page.getByTestId('bulk-bar').waitFor()
    const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('bulk-deliver').click()])
    await tab.waitForURL((u) => u.pathname === '/deliver')
    const ids = new URL(tab.url()).searchParams.get('ids').split(',')
    assert.ok(ids.length > 1, 'the bulk bar opens the Delivery UI for the selected requests')
    await tab.getByTestId('deliver-page').waitFor()
    assert.equal(await tab.getByTestId('deliver-card').count(), ids.length, 'a card per selected request that takes a delivery')
    await assertAccessible(tab, 'the Delivery UI with many requests')
    await screenshot(tab, 'deliver-many')
  })
})
