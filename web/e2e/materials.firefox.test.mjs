// A smoke test of Download Materials in Debian's firefox-esr (puppeteer-core
// over WebDriver BiDi): the page lists what the API lists, the Asset
// Details panel plays a final proxy, and the player steps one frame.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { api, person, search } from './api.mjs'
import { baseURL, hasAuthorizationServer, launchFirefox } from './lib.mjs'
import { addMaterial, ffmpeg, run } from './materials-lib.mjs'

const withAS = await hasAuthorizationServer()
const hasFFmpeg = await run('which', ['ffmpeg']).then(() => true, () => false)
const skip = !withAS ? 'no local authorization server' : !hasFFmpeg ? 'ffmpeg is missing' : false

let browser
let dir
before(async () => {
  if (skip) return
  browser = await launchFirefox()
  dir = await mkdtemp(join(tmpdir(), 'openlot-materials-ff-'))
})
after(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

test('firefox: Download Materials lists the API’s materials and the player steps a frame', { skip }, async () => {
  const [request] = await search('fp-juniper', { columns: 'title,movieId' })
  const clip = join(dir, 'ff_final_proxy.mp4')
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=4', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=4',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-movflags', '+faststart', clip)
  const final = await addMaterial(request.movieId, 'FINAL_PROXY', clip, 'ff_final_proxy.mp4', 'video/mp4')
  const listed = await api('fp-juniper', `/v1/materials?requests=${request.id}`)

  const page = await browser.newPage()
  await page.goto(`${baseURL}/materials?ids=${encodeURIComponent(request.id)}`)
  await page.waitForFunction(() => location.pathname.startsWith('/oauth2/'))
  const user = person('ana')
  await page.locator('input[type=email], input[name=email], input[name=username]').fill(user.email)
  await page.locator('input[type=password]').fill(user.password)
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()])
  await page.waitForSelector(`[data-testid=asset-row][data-id="${final.id}"]`)
  assert.equal(await page.$eval('[data-testid=count-all]', (e) => e.textContent), String(listed.total))

  await page.locator(`[data-testid=asset-row][data-id="${final.id}"] .mat-open`).click()
  await page.waitForFunction(() => (document.querySelector('[data-testid=player] video')?.readyState ?? 0) >= 1, { timeout: 20_000 })
  await page.locator('[data-testid=player] button[aria-label="Next frame"]').click()
  await page.waitForFunction(() => Math.abs(document.querySelector('[data-testid=player] video').currentTime - 0.04) < 1e-6)
  assert.equal(await page.$eval('[data-testid=player] .player-tc', (e) => e.textContent), '00:00:00:01')
  // What Firefox ESR exposes of an MP4's tracks: no audioTracks (behind media.track.enabled), no in-band text tracks.
  const tracks = await page.$eval('[data-testid=player] video', (v) => ({ audio: 'audioTracks' in v, text: v.textTracks.length }))
  assert.deepEqual(tracks, { audio: false, text: 0 })
  await page.close()
})
