// The API's shapes the QC screens read (see /openapi.json: QCQueueJSON,
// QCRequestJSON, QcQueueOutputBody). A queue card is the request details'
// QC card with the request it belongs to.
import type { QCCard } from '../details/types'

export interface QCRequest {
  id: string
  title: string
  sourceType: string
  language?: string
  status: string
  fulfillmentPartner: string
  dueDate: string
}

export interface QCQueueCard extends QCCard {
  request: QCRequest
}

export interface QCQueue {
  qc: QCQueueCard[] | null
  next: string
}

/** The QC statuses, in the order of a QC's life (the API's codes). */
export const qcStatuses = ['NOT_READY', 'READY', 'IN_PROGRESS', 'ON_HOLD', 'FIX_NOTES_NEEDED', 'PASSED', 'PASSED_WITH_ISSUES', 'FAILED', 'CANCELED'] as const

/** The queue's views: the statuses each asks the API for ('' : every status). */
export const views = [
  { key: 'todo', label: 'To do', statuses: 'READY,IN_PROGRESS,ON_HOLD,FIX_NOTES_NEEDED' },
  { key: 'ready', label: 'Ready', statuses: 'READY' },
  { key: 'active', label: 'In progress', statuses: 'IN_PROGRESS' },
  { key: 'held', label: 'On hold / fix notes', statuses: 'ON_HOLD,FIX_NOTES_NEEDED' },
  { key: 'failed', label: 'Failed', statuses: 'FAILED' },
  { key: 'passed', label: 'Passed', statuses: 'PASSED,PASSED_WITH_ISSUES' },
  { key: 'all', label: 'All', statuses: '' },
] as const

export type ViewKey = (typeof views)[number]['key']
