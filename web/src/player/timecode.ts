// SMPTE-style timecodes (HH:MM:SS:FF, non-drop-frame) for a file's frame
// rate. A fractional rate (23.976, 29.97) counts frames in its nominal whole
// rate (24, 30), as non-drop-frame timecode does: frame n of the file is
// always the same timecode, whatever the rate.

/** The whole number of frames a timecode second holds at rate fps (24 for 23.976). */
export function nominalRate(fps: number): number {
  return Math.max(1, Math.round(fps > 0 ? fps : 25))
}

/**
 * The index of the frame showing at seconds (0 for the first). A tiny
 * allowance absorbs float error, so k/fps is frame k, not k-1.
 */
export function frameAt(seconds: number, fps: number): number {
  if (!(fps > 0) || !Number.isFinite(seconds) || seconds <= 0) return 0
  return Math.floor(seconds * fps + 1e-6)
}

/** The time at which frame n starts, in seconds. */
export function frameStart(frame: number, fps: number): number {
  return fps > 0 ? Math.max(0, frame) / fps : 0
}

/** Seconds as HH:MM:SS:FF at rate fps. */
export function timecode(seconds: number, fps: number): string {
  const base = nominalRate(fps)
  const n = frameAt(seconds, fps)
  const ff = n % base
  const total = Math.floor(n / base)
  const p = (v: number) => String(v).padStart(2, '0')
  return `${p(Math.floor(total / 3600))}:${p(Math.floor(total / 60) % 60)}:${p(total % 60)}:${p(ff)}`
}

/**
 * The seconds of a timecode HH:MM:SS:FF (or HH:MM:SS, or HH:MM:SS.mmm) at
 * rate fps: the start of its frame. Undefined when it is not one.
 */
export function parseTimecode(tc: string, fps: number): number | undefined {
  const m = /^\s*(\d{1,2}):(\d{2}):(\d{2})(?:([:;])(\d{2})|\.(\d{1,3}))?\s*$/.exec(tc)
  if (!m) return undefined
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mi > 59 || s > 59) return undefined
  const whole = h * 3600 + mi * 60 + s
  if (m[6] !== undefined) return whole + Number(`0.${m[6]}`)
  const ff = m[5] === undefined ? 0 : Number(m[5])
  const base = nominalRate(fps)
  if (ff >= base) return undefined
  return frameStart(whole * base + ff, fps)
}
