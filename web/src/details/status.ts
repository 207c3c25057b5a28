// How statuses look (a badge's tone) and what a delivery card is called.
// Presentation only: what may be done is the API's `actions`.
import type { Tone } from './parts'
import type { Transfer } from './types'

export function requestTone(status: string): Tone {
  switch (status) {
    case 'OPEN':
      return 'info'
    case 'REDELIVERY_REQUESTED':
      return 'risk'
    case 'DELIVERED':
      return 'risk'
    case 'PROCESSED':
      return 'ok'
    default:
      return 'muted'
  }
}

export function transferTone(status: string): Tone {
  switch (status) {
    case 'PROCESSED':
      return 'ok'
    case 'FAILED':
    case 'ERROR':
    case 'INTERNAL_ERROR':
      return 'critical'
    case 'OVERRIDDEN':
      return 'risk'
    case 'SUPERSEDED':
    case 'ABORTED':
    case 'IGNORED':
      return 'muted'
    default:
      return 'info'
  }
}

export function qcTone(status: string): Tone {
  switch (status) {
    case 'PASSED':
    case 'PASSED_WITH_ISSUES':
      return 'ok'
    case 'FAILED':
      return 'critical'
    case 'FIX_NOTES_NEEDED':
    case 'ON_HOLD':
      return 'risk'
    case 'NOT_READY':
    case 'CANCELED':
    case 'CANCELLED':
      return 'muted'
    default:
      return 'info'
  }
}

/** A delivery's name: its first file, and how many more. */
export function transferName(t: Transfer | undefined, files?: string[] | null): string {
  const names = t?.files?.map((f) => f.name) ?? files ?? []
  if (names.length === 0) return 'Delivery'
  return names.length === 1 ? names[0]! : `${names[0]} and ${names.length - 1} more`
}
