// What the Delivery UI reads from the API and keeps of files dropped on
// the page. Every rule comes from the API: whether a request takes a
// delivery (its `deliver` action), which file fits (POST
// /v1/deliveries/plan), whether the metadata is complete (POST
// /v1/transfers with dryRun), the metadata form (GET /v1/source-types).
import type { Action, Details } from '../details/types'

export interface FieldSpec {
  name: string
  label: string
  kind: 'choice' | 'language' | 'timecode' | string
  values?: string[] | null
  required: boolean
  help?: string
}

export interface FormSpec {
  sourceType: string
  severalFiles: boolean
  fields: FieldSpec[] | null
}

export interface Candidate {
  file: number
  name: string
  score: number
  reasons: string[] | null
  recommended: boolean
}

export interface Plan {
  requestId: string
  ok: boolean
  code?: string
  message?: string
  candidates: Candidate[] | null
  deliver?: Action
}

/** The dry run's answer for one request: ready, or the code and message a real start would meet. */
export interface Check {
  ok: boolean
  code?: string
  message?: string
}

/** A file dropped on the page: the File and the key that names it across reloads. */
export interface BinFile {
  key: string
  file: File
}

export const fileKey = (f: File) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`

export type Loaded = Details

/** File kinds the File Bin sorts files into, by extension. */
const kinds: [string, string[]][] = [
  ['Video', ['mov', 'mp4', 'mxf', 'm4v', 'mkv']],
  ['Audio', ['wav', 'aif', 'aiff', 'flac', 'mp3', 'm4a']],
  ['Subtitles and captions', ['ttml', 'dfxp', 'xml', 'srt', 'stl', 'scc', 'vtt']],
  ['Documents', ['pdf', 'docx', 'doc', 'xlsx', 'txt']],
  ['Images', ['png', 'jpg', 'jpeg', 'tif', 'tiff', 'psd']],
  ['Archives', ['zip', 'tar']],
]

/** The File Bin's group of a file name. */
export function kindOf(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : ''
  return kinds.find(([, exts]) => exts.includes(ext))?.[0] ?? 'Other'
}

export const kindOrder = [...kinds.map(([k]) => k), 'Other']

const units = ['B', 'KB', 'MB', 'GB', 'TB']

/** 1.2 GB: bytes in decimal units, as file browsers show them. */
export function bytes(n: number): string {
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

/** Transfer statuses the card keeps following (inspection not finished). */
export const inFlight = (status: string) =>
  status === 'WAITING_FOR_UPLOAD' || status === 'UPLOADING' || status === 'PENDING_INSPECTION' || status === 'WAITING_FOR_PRIMARY'
