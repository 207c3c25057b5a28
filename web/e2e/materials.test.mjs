// Download Materials (/materials?ids=…) and the preview player in Debian's
// chromium (playwright-core), against `serve --demo` (started without demo
// materials: this file adds its own, made by ffmpeg, as the studio robot
// does through the API). A juniper coordinator sees the groups and counts
// the API gives, filters and resets the list, downloads a watermarked
// proxy made on demand (Processing, then Ready by itself, and a mail) whose
// code reads back by OCR, and steps the player frame by frame.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { api, bearer, person, search } from './api.mjs'
import { assertAccessible, baseURL, hasAuthorizationServer, launchChromium, screenshot, signIn, viewport } from './lib.mjs'
import { addMaterial, call, ffmpeg, run } from './materials-lib.mjs'
const withAS = await hasAuthorizationServer()
const tools = await Promise.all(['ffmpeg', 'tesseract'].map((t) => run('which', [t]).then(() => true, () => false)))
const skip = !withAS ? 'the local authorization server is not on this server' : tools.includes(false) ? 'ffmpeg or tesseract is missing' : false

// The OCR check of shared/ffmpeg/fftest (FrameText, HasCode): the band of
// watermark lines at the bottom, enlarged and inverted, read by tesseract;
// the code must be there but for one misread character.
async function frameText(video, at, dir) {
  const png = join(dir, `frame-${at}.png`)
  await ffmpeg('-ss', String(at), '-i', video, '-frames:v', '1', '-vf', 'crop=iw:ih/4:0:ih*3/4,scale=iw*3:ih*3:flags=lanczos,format=gray,negate', png)
  return (await run('tesseract', [png, '-', '--psm', '6'])).stdout
}
function oneEditAway(a, b) {
  if (a.length < b.length) [a, b] = [b, a]
  if (a.length - b.length > 1) return false
  if (a.length === b.length) return [...a].filter((c, i) => c !== b[i]).length <= 1
  let i = 0
  while (i < b.length && a[i] === b[i]) i++
  return a.slice(i + 1) === b.slice(i)
}
function hasCode(text, code) {
  const t = text.toUpperCase().replace(/ /g, '').replace(/O/g, '0').replace(/[IL]/g, '1').replace(/U/g, 'V')
  for (let i = 0; i < t.length; i++) {
    for (const n of [code.length, code.length + 1, code.length - 1]) {
      if (i + n <= t.length && oneEditAway(t.slice(i, i + n), code)) return true
    }
  }
  return false
}

// ------------------------------------------------------------ the browser

let browser
let dir
let request // a juniper request; its title gets the materials
let other // a juniper request of another title (bulk)
const added = {}

before(async () => {
  if (skip) return
  browser = await launchChromium()
  dir = await mkdtemp(join(tmpdir(), 'openlot-materials-e2e-'))
  const rows = await search('fp-juniper', { columns: 'title,movieId,actions' })
  request = rows[0]
  other = rows.find((r) => r.movieId !== request.movieId) ?? rows[1]
  const src = join(dir, 'proxy_source.mp4')
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=24:d=6', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=6',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-metadata:s:a:0', 'language=eng', '-movflags', '+faststart', src)
  const final = join(dir, 'final_proxy.mp4')
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=8', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=8', '-f', 'lavfi', '-i', 'sine=f=660:r=48000:d=8',
    '-map', '0:v', '-map', '1:a', '-map', '2:a', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-ac', '2',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra', '-movflags', '+faststart', final)
  const pm = join(dir, 'printmaster.wav')
  await ffmpeg('-f', 'lavfi', '-i', 'sine=f=330:r=48000:d=3', '-ac', '6', '-c:a', 'pcm_s16le', pm)
  const script = join(dir, 'script.txt')
  await run('sh', ['-c', `printf 'FINAL SCRIPT\\n' > '${script}'`])
  const m = request.movieId
  added.proxy = await addMaterial(m, 'PROXY_VIDEO', src, 'e2e_proxy_source.mp4', 'video/mp4')
  added.final = await addMaterial(m, 'FINAL_PROXY', final, 'e2e_final_proxy.mp4', 'video/mp4')
  added.pm = await addMaterial(m, 'PRINTMASTER', pm, 'e2e_printmaster_5.1.wav', 'audio/wav')
  added.script = await addMaterial(m, 'SCRIPT', script, 'e2e_final_script.txt', 'text/plain', 'en')
  // No proxies made in advance: the coordinator's proxy is made on demand.
  await call('studio-ops', 'POST', `/v1/materials/${added.proxy.id}/pool/empty`)
})
after(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

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

const materialsPath = (...ids) => `/materials?ids=${ids.map(encodeURIComponent).join(',')}`
const rowOf = (page, fileName) => page.getByTestId('asset-row').filter({ hasText: fileName })

async function opened(page) {
  await page.getByTestId('asset-list').waitFor()
  await page.getByTestId('count-all').filter({ hasText: /\d/ }).waitFor()
}

describe('download materials (chromium)', { skip }, () => {
  test('the groups and their counts are the API’s, greyed where there is nothing to download', async () => {
    const page = await signedIn('ana', materialsPath(request.id))
    await opened(page)
    const path = (g) => `/v1/materials?requests=${request.id}${g ? `&group=${g}` : ''}`
    const [all, fresh] = await Promise.all([api('fp-juniper', path()), api('fp-juniper', path('new'))])
    assert.equal(await page.getByTestId('count-all').textContent(), String(all.total))
    assert.equal(await page.getByTestId('count-available').textContent(), String(all.total))
    assert.equal(await page.getByTestId('count-new').textContent(), String(fresh.total))
    assert.equal(await page.getByTestId('count-downloaded').textContent(), '0') // "My Downloaded" is per person: ana has none yet
    for (const t of all.assetTypes) {
      const button = page.locator(`[data-type="${t.assetType}"]`)
      assert.equal((await button.getByTestId(`count-type-${t.assetType}`).textContent()).trim(), t.count ? String(t.count) : '', t.assetType)
      assert.equal(await button.evaluate((e) => e.classList.contains('is-empty')), t.count === 0, `${t.assetType} greyed`)
    }
    // Every asset type is listed under All, those without files too (no checkbox); ours with their rows.
    assert.equal(await page.getByTestId('type-row').count(), all.assetTypes.length)
    for (const m of [added.proxy, added.final, added.pm, added.script]) await rowOf(page, m.fileName).waitFor()
    const empty = all.assetTypes.find((t) => t.count === 0)
    if (empty) assert.equal(await page.locator(`tbody[data-asset-type="${empty.assetType}"] input[type=checkbox]`).count(), 0)
    assert.equal(await page.getByTestId('materials-titles').textContent(), `For ${all.titles[0].name}`)
    // A group narrows the list: Newly Added/Updated holds what the API calls new.
    await page.locator('[data-group="new"]').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=asset-row]').length === n, fresh.total)
    // An asset type under All narrows to it.
    await page.locator('[data-type="PRINTMASTER"]').click()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=type-row]').length === 1)
    assert.equal(await page.getByTestId('asset-row').count(), 1)
    await page.locator('[data-group="all"]').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=type-row]').length === n, all.assetTypes.length)
    await assertAccessible(page, 'download materials')
    await screenshot(page, 'materials-groups')
    // Bulk: two requests of two titles.
    await page.goto(materialsPath(request.id, other.id))
    await opened(page)
    const bulk = await api('fp-juniper', `/v1/materials?requests=${request.id},${other.id}`)
    assert.equal(await page.getByTestId('count-all').textContent(), String(bulk.total))
    assert.match(await page.getByTestId('materials-titles').textContent(), /2 titles/)
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('the columns filter by words and by values, move, resize, and Reset Filters restores the list', async () => {
    const page = await signedIn('ana', materialsPath(request.id))
    await opened(page)
    const rows = () => page.getByTestId('asset-row').count()
    const before = await rows()
    assert.ok(before >= 4, `${before} rows`)
    // Text filter on File Name.
    await page.getByTestId('filter-fileName').click()
    await page.getByTestId('filter-text-fileName').fill('final proxy')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=asset-row]').length === 1)
    assert.equal(await rowOf(page, added.final.fileName).count(), 1)
    await page.keyboard.press('Escape')
    assert.equal(await page.getByTestId('filter-fileName').getAttribute('aria-label'), 'Filter File Name (filtered)')
    assert.match(await page.getByTestId('filter-status').textContent(), new RegExp(`^1 of ${before} assets match the column filters`))
    await screenshot(page, 'materials-filtered')
    await page.getByTestId('reset-filters').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=asset-row]').length === n, before)
    // Value filter on QC Status: only Ready for Mix or QC Pending (the printmaster is QC Pending).
    await page.getByTestId('filter-qc').click()
    const pop = page.getByRole('dialog', { name: 'Filter QC Status' })
    await pop.getByLabel('(blank)').uncheck()
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=asset-row]')].every((r) => r.querySelector('[data-column=qc] .badge')))
    assert.equal(await rowOf(page, added.pm.fileName).count(), 1)
    assert.equal(await rowOf(page, added.final.fileName).count(), 0)
    // Move File Name to the right of QC Status from the same menu, by keyboard-operable buttons.
    await page.keyboard.press('Escape')
    await page.getByTestId('filter-fileName').click()
    await page.getByRole('dialog', { name: 'Filter File Name' }).getByRole('button', { name: 'Move right' }).click()
    await page.keyboard.press('Escape')
    const order = await page.locator('.mat-grid thead th[data-column]').evaluateAll((ths) => ths.map((t) => t.dataset.column))
    assert.deepEqual(order.slice(1, 4), ['assetTitle', 'qc', 'fileName'])
    // Resize a column with the keyboard.
    const width = () => page.locator('th[data-column=fileName]').evaluate((e) => e.getBoundingClientRect().width)
    const size = () => page.getByTestId('resize-fileName').getAttribute('aria-valuenow').then(Number)
    const [w0, s0] = [await width(), await size()]
    await page.getByTestId('resize-fileName').focus()
    await page.keyboard.press('Shift+ArrowRight')
    assert.equal(await size(), s0 + 40)
    assert.ok((await width()) > w0 + 20, `resized from ${w0} to ${await width()} px`)
    // The layout is kept per browser; Reset Filters restores filters and columns.
    await page.reload()
    await opened(page)
    const kept = await page.locator('.mat-grid thead th[data-column]').evaluateAll((ths) => ths.map((t) => t.dataset.column))
    assert.deepEqual(kept.slice(1, 4), ['assetTitle', 'qc', 'fileName'])
    await page.getByTestId('reset-filters').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=asset-row]').length === n, before)
    const reset = await page.locator('.mat-grid thead th[data-column]').evaluateAll((ths) => ths.map((t) => t.dataset.column))
    assert.deepEqual(reset, ['_select', 'assetTitle', 'fileName', 'qc', 'newlyAdded', 'downloaded', 'deliveredOn'])
    // Collapse and expand all.
    await page.getByTestId('collapse-all').click()
    assert.equal(await rows(), 0)
    await page.getByTestId('collapse-all').click()
    assert.equal(await rows(), before)
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('a proxy made on demand shows Processing, turns Ready by itself, mails, and downloads with the code in the picture', async () => {
    const page = await signedIn('ana', materialsPath(request.id))
    await opened(page)
    const row = rowOf(page, added.proxy.fileName)
    await row.getByTestId('asset-select').check()
    await page.getByTestId('download-selected').click()
    await row.getByTestId('downloaded-label').filter({ hasText: 'Processing' }).waitFor()
    await screenshot(page, 'materials-processing')
    // No reload: the page follows the proxy until it is ready.
    await row.getByTestId('downloaded-label').filter({ hasText: 'Ready' }).waitFor({ timeout: 180_000 })
    const list = await api('fp-juniper', `/v1/materials?requests=${request.id}`)
    assert.ok(list.total > 0)
    // The mail: in the local mailbox (/mail), to ana, naming her code.
    const ana = person('ana').email
    // /mail shows studio operators every mail (a partner, only its own).
    const studio = { headers: await bearer('studio-ops') }
    const mailPage = await (await fetch(baseURL + '/mail', studio)).text()
    const links = [...mailPage.matchAll(/<tr>.*?<\/tr>/gs)].map((m) => m[0]).filter((r) => r.includes(ana)).map((r) => /href="(\/mail\/[^"]+)"/.exec(r)?.[1]).filter(Boolean)
    assert.ok(links.length > 0, `no mail to ${ana} in /mail`)
    const mails = await Promise.all(links.slice(0, 5).map(async (l) => (await fetch(baseURL + l, studio)).text()))
    // Download it: the browser's own download, straight from storage.
    const saving = page.waitForEvent('download')
    await page.getByTestId('download-selected').click()
    const download = await saving
    const file = join(dir, 'downloaded_proxy.mp4')
    await download.saveAs(file)
    assert.match(download.suggestedFilename(), /^e2e_proxy_source_[0-9A-Z]{8}\.mp4$/)
    const code = /_([0-9A-Z]{8})\.mp4$/.exec(download.suggestedFilename())[1]
    assert.ok(mails.some((m) => m.replace(/=\r?\n/g, '').includes(code)), `no mail names the code ${code}`)
    let read = []
    for (const at of [2, 1, 3]) {
      const text = await frameText(file, at, dir)
      read.push(text)
      if (hasCode(text, code)) break
    }
    assert.ok(hasCode(read.at(-1), code), `the code ${code} is not in the picture: ${JSON.stringify(read)}`)
    // The label follows: Downloaded (every byte was sent by storage).
    await page.getByRole('button', { name: 'Refresh' }).click()
    await row.getByTestId('downloaded-label').filter({ hasText: /Downloaded|Started/ }).waitFor()
    // My Downloaded holds it now; the download history shows it, also with Show My Downloads Only.
    await page.locator('[data-group="downloaded"]').click()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=asset-row]').length === 1)
    assert.equal(await page.getByTestId('count-downloaded').textContent(), '1')
    await row.locator('.mat-open').click()
    const details = page.getByTestId('asset-details')
    await details.getByRole('tab', { name: 'Download History' }).click()
    await details.getByTestId('download-history').waitFor()
    await details.getByTestId('mine-only').check()
    await details.getByTestId('download-history').getByText(code).waitFor()
    await assertAccessible(page, 'download history')
    await screenshot(page, 'materials-download-history')
    // The preview plays her own watermarked proxy (asked for only on Play preview), without a new download.
    await details.getByRole('tab', { name: 'Detail' }).click()
    await details.getByTestId('play-preview').click()
    await details.getByText(`Watermark code ${code}`).waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid=player] video')?.readyState >= 1)
    assert.equal((await api('fp-juniper', `/v1/materials/${added.proxy.id}/downloads`)).downloads.length, 1)
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('the asset details show the technical metadata, and the player seeks and steps frames', async () => {
    const page = await signedIn('ana', materialsPath(request.id))
    await opened(page)
    await rowOf(page, added.final.fileName).locator('.mat-open').click()
    const details = page.getByTestId('asset-details')
    const facts = details.getByTestId('asset-metadata')
    await facts.getByText('640 × 360').waitFor()
    for (const text of ['h264', '25 fps', '00:00:08:00', 'English (eng)', 'French (fra)']) {
      assert.ok((await facts.textContent()).includes(text), `metadata lacks ${text}: ${await facts.textContent()}`)
    }
    const player = details.getByTestId('player')
    const video = player.locator('video')
    await page.waitForFunction(() => document.querySelector('[data-testid=player] video')?.readyState >= 1)
    const t = () => video.evaluate((v) => v.currentTime)
    const tc = () => player.getByTestId('player-timecode').locator('.player-tc').textContent()
    assert.equal(await t(), 0)
    await player.getByRole('button', { name: 'Next frame' }).click()
    assert.ok(Math.abs((await t()) - 1 / 25) < 1e-6, `one frame on: ${await t()}`)
    assert.equal(await tc(), '00:00:00:01')
    await player.getByRole('button', { name: /^Seek forward 1 s/ }).click()
    assert.ok(Math.abs((await t()) - (1 + 1 / 25)) < 1e-6, `a second on: ${await t()}`)
    // The seek duration is a choice kept per browser.
    await player.getByRole('button', { name: /^Seek duration/ }).click()
    await page.getByRole('dialog', { name: 'Seek duration' }).getByLabel('5 seconds').check()
    await page.keyboard.press('Escape')
    await player.getByRole('button', { name: /^Seek forward 5 s/ }).click()
    assert.ok(Math.abs((await t()) - (6 + 1 / 25)) < 1e-6, `five seconds on: ${await t()}`)
    // Keys: comma steps back one frame, J seeks back by the seek duration.
    await player.getByRole('button', { name: 'Previous frame' }).focus()
    await page.keyboard.press(',')
    assert.ok(Math.abs((await t()) - 6) < 1e-6, `a frame back: ${await t()}`)
    assert.equal(await tc(), '00:00:06:00')
    await page.keyboard.press('j')
    assert.ok(Math.abs((await t()) - 1) < 1e-6, `five seconds back: ${await t()}`)
    // Scrub: the playhead slider by keyboard moves by a frame.
    await player.getByRole('slider', { name: 'Playhead' }).focus()
    await page.keyboard.press('ArrowRight')
    await page.waitForFunction(() => Math.abs(document.querySelector('[data-testid=player] video').currentTime - 1.04) < 1e-3)
    // Play, then pause: time moves on.
    await player.getByRole('button', { name: 'Play' }).click()
    await page.waitForFunction(() => document.querySelector('[data-testid=player] video').currentTime > 1.3, null, { timeout: 10_000 })
    await player.getByRole('button', { name: 'Pause' }).click()
    assert.equal(await video.evaluate((v) => v.paused), true)
    // Full screen: the whole player (controls and all), and back.
    await player.getByRole('button', { name: 'Full screen' }).click()
    await page.waitForFunction(() => document.fullscreenElement?.dataset.testid === 'player')
    await player.getByRole('button', { name: 'Exit full screen' }).click()
    await page.waitForFunction(() => !document.fullscreenElement)
    await player.getByRole('button', { name: 'Mute' }).click()
    assert.equal(await video.evaluate((v) => v.muted), true)
    // Chromium exposes neither an MP4's audio tracks nor its in-band subtitles: nothing to choose.
    const languages = player.getByRole('button', { name: 'Language options' })
    assert.equal(await languages.getAttribute('aria-disabled'), 'true')
    assert.match(await languages.getAttribute('data-tip'), /English \(eng\), French \(fra\)\) and cannot switch them/)
    await page.reload()
    await opened(page)
    await rowOf(page, added.final.fileName).locator('.mat-open').click()
    await page.getByTestId('player').getByRole('button', { name: /^Seek forward 5 s/ }).waitFor()
    await assertAccessible(page, 'asset details with the player')
    await screenshot(page, 'materials-player')
    // The update history lists the versions; a WAV has no picture to preview.
    await details.getByRole('tab', { name: 'Update History' }).click()
    await details.getByTestId('update-history').getByText('v1').waitFor()
    // A QC operator marks the print master Ready for Mix: its update history says who and when.
    await call('qc-ops', 'POST', `/v1/materials/${added.pm.id}/qc`, { qc: 'READY_FOR_MIX' })
    await rowOf(page, added.pm.fileName).locator('.mat-open').click()
    await details.getByTestId('asset-metadata').getByText(/6 channels/).waitFor()
    assert.equal(await details.getByTestId('player').count(), 0)
    await details.getByRole('tab', { name: 'Update History' }).click()
    const labels = details.getByTestId('qc-label-history')
    await labels.getByText('Ready for Mix').waitFor()
    await labels.getByText('QC Pending').waitFor()
    await assertAccessible(page, 'asset details: the update history with QC label changes')
    await screenshot(page, 'materials-update-history')
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test('the dashboard row, the bulk bar and the details page open Download Materials', async () => {
    const page = await signedIn('ana', `/?requestId=${request.id},${other.id}&status=All`)
    await page.locator('[data-testid=rows-grid] tbody tr[data-id]').nth(1).waitFor()
    const row = page.locator(`[data-testid=rows-grid] tr[data-id="${request.id}"]`)
    await row.hover()
    assert.equal(await row.getByRole('link', { name: /^Download Materials/ }).getAttribute('href'), materialsPath(request.id))
    // The bulk bar opens one page for both requests, in a new tab.
    await page.getByRole('checkbox', { name: 'Select every request on this page' }).check()
    const opening = page.context().waitForEvent('page')
    await page.getByTestId('bulk-download').click()
    const tab = await opening
    await tab.waitForURL((u) => u.pathname === '/materials')
    assert.deepEqual(new URL(tab.url()).searchParams.get('ids').split(',').sort(), [request.id, other.id].sort())
    await tab.close()
    await page.goto(`/requests/${encodeURIComponent(request.id)}`)
    await page.getByTestId('request-title').waitFor()
    await page.locator('[data-action=downloadMaterials]').click()
    await page.waitForURL((u) => u.pathname === '/materials' && u.searchParams.get('ids') === request.id)
    await opened(page)
    await page.context().close()
  })
})
