// The API's shapes the Source Request Details page reads (see
// /openapi.json: DetailsOutputBody, TransferJSON, QCJSON, CommentJSON,
// HistoryJSON, ErrorCodeJSON, SubassigneesJSON).

import type { ActionName } from '../lib/requests'

/** What the caller may do: code "forbidden" means never (hide it); any other code: not now (grey it, say why). */
export interface Action {
  allowed: boolean
  code?: string
  reason?: string
}

export type Actions<K extends string> = Partial<Record<K, Action>>

/** The actions a request carries: one list, lib/requests' ActionName. */
export type RequestActionKey = ActionName

export type TransferActionKey = 'override' | 'verify' | 'reject' | 'ignore' | 'reinspect' | 'abort'

export type QCActionKey = 'start' | 'hold' | 'fixNotes' | 'resume' | 'finish' | 'cancel' | 'addEvent' | 'signOff'

export interface SourceRequest {
  id: string
  movieId: number
  title: string
  packageId: number
  sourceType: string
  language?: string
  serviceType: string
  dueDate: string
  estimatedDeliveryDate?: string
  estimatedDeliveryTimeZone?: string
  status: string
  materialStatus: string
  materialsAvailable: boolean
  deliveryId?: string
  deliveryStatus?: string
  qcStatus?: string
  issues: string[] | null
  fulfillmentPartner: string
  subAssignee?: string
  contentPartner: string
  upgradedFrom?: string
  upgradedTo?: string
  createdAt: string
  updatedAt?: string
  version: number
}

export interface Title {
  movieId: number
  name: string
  releaseYear: number
  movieType: string
  isOriginal: boolean
  contentPartner: string
  dayOfBroadcast: boolean
  dayAfterBroadcast: boolean
}

export interface Package {
  id: number
  movieId: number
  countries: string[] | null
}

export interface Details {
  request: SourceRequest
  title?: Title
  package?: Package
  actions: Actions<RequestActionKey>
}

export interface TransferEvent {
  status: string
  at: string
  by: string
  note?: string
}

export interface TransferFile {
  name: string
  size: number
  sha256: string
  contentType: string
  metadata: Record<string, string> | null
  partSize: number
  parts: number
  complete?: boolean
}

export interface Span {
  startS: number
  endS: number
}

export interface VideoStream {
  codec: string
  width: number
  height: number
  frameRate: number
  durationS: number
}

export interface AudioStream {
  codec: string
  channels: number
  layout?: string
  sampleRate: number
  bitDepth?: number
  language?: string
  durationS: number
}

export interface SubtitleTrack {
  codec: string
  language?: string
}

export interface MediaInfo {
  container: string
  durationS: number
  timecode?: string
  video?: VideoStream[] | null
  audio?: AudioStream[] | null
  subtitles?: SubtitleTrack[] | null
}

export interface InspectedFile {
  name: string
  sha256: string
  sha1?: string // base64, for an IMF package's packing list
  assetId?: string
  media?: MediaInfo
  detection?: { black?: Span[] | null; silence?: Span[] | null; undecodable: number }
  /** What a script or dub card image is, read by its content (e.g. "a PNG image 1920×1080"). */
  format?: string
}

export interface Finding {
  code: string
  message: string
  overridable: boolean
  file?: string
  spans?: Span[] | null
}

/** An IMF package's technical metadata, from its CPL, with each track's status. */
export interface Composition {
  cplId: string
  title: string
  editRate: string
  frameRate: number
  runtimeS: number
  tracks: CompositionTrack[] | null
  languages?: string[] | null
}

export interface CompositionTrack {
  kind: string // video, audio, timedText, marker, other
  sequence: string
  trackId: string
  editRate: string
  durationS: number
  languages?: string[] | null
  files?: string[] | null
  status: string // PROCESSED, FAILED, WAITING_FOR_PRIMARY
}

export interface Inspection {
  composition?: Composition
  attempt: number
  policyVersion: string
  files: InspectedFile[] | null
  findings: Finding[] | null
  previousTransfer?: string
  new?: string[] | null
  resolved?: string[] | null
  at: string
}

export interface Transfer {
  id: string
  requestId: string
  method: string
  deliveredBy: string
  status: string
  /** Processed by the studio's verification of an override: shown as Overridden. */
  overrideVerified?: boolean
  errorCode?: string
  errorMessage?: string
  files: TransferFile[] | null
  timeline: TransferEvent[] | null
  createdAt: string
  deliveredAt?: string
  processedAt?: string
  inspection?: Inspection
  version: number
  actions: Actions<TransferActionKey>
}

export interface QCEvent {
  n: number
  in: string
  out: string
  severity: string
  category: string
  note: string
  by: string
  /** The person's name when the event was added. */
  byName?: string
  at: string
  signedOff?: boolean
}

export interface QCChange {
  status: string
  at: string
  by: string
  /** The person's name at the time. */
  byName?: string
  note?: string
}

export interface QCCard {
  transferId: string
  requestId: string
  files: string[] | null
  qc: {
    status: string
    frameRate: number
    dropFrame?: boolean
    events: QCEvent[] | null
    timeline: QCChange[] | null
    applied?: boolean
  }
  counts: Record<string, number>
  actions: Actions<QCActionKey>
}

export interface Comment {
  at: string
  author: string
  authorName?: string
  role: string
  partner?: string
  text: string
}

export interface HistoryEntry {
  at: string
  actor: string
  actorName?: string
  role: string
  partner?: string
  action: string
  field?: string
  before?: string
  after?: string
  reason?: string
  comment?: string
  version: number
}

export interface ErrorCode {
  code: string
  title: string
  help: string
  overridable: boolean
}

export interface Subassignees {
  partners: { id: string; name: string; current?: boolean }[] | null
  subassign: Action
}

export interface SourceTypeField {
  name: string
  label: string
  kind: string
}

export interface SourceTypeSpec {
  sourceType: string
  fields: SourceTypeField[] | null
}
