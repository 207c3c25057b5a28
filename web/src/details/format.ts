// Words and numbers as people read them: the API's enum codes as their
// names (the x-enum-names of /openapi.json), dates in the reader's time
// zone, sizes, durations, languages and countries (Intl).

const sourceTypes: Record<string, string> = {
  AV_MUXED: 'AV Muxed',
  SECONDARY_AV_MUXED: 'Secondary AV Muxed',
  IMF: 'IMF',
  AUDIO_PRINT_MASTER: 'Audio Print Master',
  AUDIO_ME: 'Audio M&E',
  SECONDARY_AUDIO: 'Secondary Audio',
  AUDIO_DESCRIPTION: 'Audio Description',
  SUBTITLE: 'Subtitle',
  SDH_CC: 'SDH/CC',
  FORCED_SUB: 'Forced Sub',
  FINAL_SCRIPT: 'Final Script',
  DUB_CARD_IMAGE: 'Dub Card Image',
  PRODUCTION_LOCKED_PROXY: 'Production Locked Proxy',
  NON_IMF_DELIVERY: 'Non-IMF delivery',
}

const requestStatuses: Record<string, string> = {
  OPEN: 'Open',
  REDELIVERY_REQUESTED: 'Redelivery Requested',
  DELIVERED: 'Delivered',
  PROCESSED: 'Processed',
  UPGRADED: 'Upgraded',
  CANCELLED: 'Cancelled',
}

const materialStatuses: Record<string, string> = {
  NOT_RECEIVED: 'Not Received',
  ASSIGNED: 'Assigned',
  RECEIVED: 'Received',
  ACCEPTED: 'Accepted',
  REJECTED: 'Rejected',
}

const serviceTypes: Record<string, string> = { CREATE: 'Create', CONFORM: 'Conform', UNKNOWN: 'Unknown' }

const movieTypes: Record<string, string> = { STANDALONE: 'Standalone', EPISODE: 'Episode', SUPPLEMENTAL: 'Supplemental' }

const transferStatuses: Record<string, string> = {
  WAITING_FOR_UPLOAD: 'Waiting for Upload',
  UPLOADING: 'Uploading',
  SUPERSEDED: 'Superseded',
  ABORTED: 'Aborted',
  PENDING_INSPECTION: 'Pending Inspection',
  WAITING_FOR_PRIMARY: 'Waiting for Primary',
  FAILED: 'Failed',
  OVERRIDDEN: 'Override Pending',
  IGNORED: 'Ignored',
  INTERNAL_ERROR: 'Internal Error',
  ERROR: 'Error',
  PROCESSED: 'Processed',
}

const qcStatuses: Record<string, string> = {
  NOT_READY: 'Not Ready',
  READY: 'Ready',
  IN_PROGRESS: 'In Progress',
  ON_HOLD: 'On Hold',
  FIX_NOTES_NEEDED: 'Fix Notes Needed',
  PASSED: 'Passed',
  PASSED_WITH_ISSUES: 'Passed With Issues',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
  CANCELLED: 'Canceled',
}

const historyActions: Record<string, string> = {
  CREATED: 'Request created',
  MATERIAL_STATUS_CHANGED: 'Material status changed',
  CANCELLED: 'Request cancelled',
  UNCANCELLED: 'Request uncancelled',
  SUBASSIGNED: 'Request subassigned',
  ESTIMATED_DELIVERY_DATE_CHANGED: 'Estimated delivery date changed',
  SERVICE_TYPE_CHANGED: 'Service type changed',
  COMMENTED: 'Comment added',
  REDELIVERY_REQUESTED: 'Redelivery requested',
  UPGRADED: 'Request upgraded',
  CREATED_BY_UPGRADE: 'Request created by upgrade',
  DELIVERED: 'Files delivered',
  PROCESSED: 'Delivery passed inspection',
  INSPECTION_FAILED: 'Delivery failed inspection',
  INSPECTION_OVERRIDDEN: 'Override submitted, pending verification',
  OVERRIDE_VERIFIED: 'Override verified: Overridden',
  DELIVERY_IGNORED: 'Delivery ignored',
  QC_PASSED: 'QC passed',
  QC_FAILED: 'QC failed',
  MATERIALS_AVAILABILITY_CHANGED: 'Materials availability changed',
}

const roles: Record<string, string> = {
  FP: 'Fulfillment Partner',
  CP: 'Content Partner',
  STUDIO: 'Studio',
  QC: 'QC operator',
  SYSTEM: 'openlot (automatic)',
}

const severities: Record<string, string> = { FYI: 'FYI', ISSUE: 'Issue', BLOCKER: 'Blocker' }

/** A code's name when known, else the code in words (NEW_THING: New thing). */
function named(table: Record<string, string>, code: string | undefined): string {
  if (!code) return ''
  return table[code] ?? words(code)
}

export function words(code: string): string {
  const s = code.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export const sourceTypeName = (c?: string) => named(sourceTypes, c)
export const requestStatusName = (c?: string) => named(requestStatuses, c)
export const materialStatusName = (c?: string) => named(materialStatuses, c)
export const serviceTypeName = (c?: string) => named(serviceTypes, c)
export const movieTypeName = (c?: string) => named(movieTypes, c)
export const transferStatusName = (c?: string) => named(transferStatuses, c)
export const qcStatusName = (c?: string) => named(qcStatuses, c)
export const historyActionName = (c?: string) => named(historyActions, c)
export const roleName = (c?: string) => named(roles, c)
export const severityName = (c?: string) => named(severities, c)

/** The field a history entry changed, as values people read. */
export function fieldValue(field: string | undefined, value: string | undefined): string {
  if (!value) return ''
  switch (field) {
    case 'status':
      return requestStatusName(value)
    case 'materialStatus':
      return materialStatusName(value)
    case 'serviceType':
      return serviceTypeName(value)
    case 'sourceType':
      return sourceTypeName(value)
    case 'materialsAvailable':
      return value === 'true' ? 'Available' : 'Not available'
    default:
      return value
  }
}

let languageNames: Intl.DisplayNames | undefined
let regionNames: Intl.DisplayNames | undefined

/** "Japanese (ja)": the BCP 47 tag's name in English, with the tag. */
export function languageName(tag?: string): string {
  if (!tag) return ''
  try {
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' })
    const name = languageNames.of(tag)
    return name && name !== tag ? `${name} (${tag})` : tag
  } catch {
    return tag
  }
}

/** "Japan": an ISO 3166-1 alpha-2 code's name. */
export function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' })
    return regionNames.of(code) ?? code
  } catch {
    return code
  }
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
})
const dayOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })

// en-GB writes September "Sept"; every other month has three letters.
const sep = (s: string) => s.replace('Sept', 'Sep')

/** A moment in the reader's time zone: "2 Oct 2026, 07:05 UTC". */
export function when(iso?: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : sep(dateTime.format(d))
}

/** A day (YYYY-MM-DD) as "28 Oct 2026". */
export function day(date?: string): string {
  if (!date) return ''
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`)
  return Number.isNaN(d.getTime()) ? date : sep(dayOnly.format(d))
}

/** The estimated delivery date in the time zone it was given in. */
export function estimated(iso?: string, zone?: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  try {
    const f = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      ...(zone ? { timeZone: zone } : {}),
    })
    return sep(zone ? `${f.format(d)} (${zone})` : f.format(d))
  } catch {
    return when(iso)
  }
}

/** Bytes as "4.85 GB" (decimal units, as file managers show them). */
export function size(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = bytes
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`
}

/** Seconds as "0:03:27.404". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return ''
  const ms = Math.round(seconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  const frac = ms % 1000
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${frac ? '.' + String(frac).padStart(3, '0') : ''}`
}

export function count(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/**
 * A container as people name it: ffprobe names a family
 * ("mov,mp4,m4a,3gp,3g2,mj2"); the file's extension picks the member.
 */
export function containerName(container: string, fileName: string): string {
  const family = container.split(',')
  if (family.length === 1) return container.toUpperCase()
  const ext = fileName.split('.').pop()?.toLowerCase() ?? ''
  return (family.includes(ext) ? ext : family[0]!).toUpperCase()
}
