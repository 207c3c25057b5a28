// What the materials API answers (GET /v1/materials, …/history,
// …/downloads, POST …/downloads and …/preview).

export interface AudioTrack {
  codec: string
  channels: number
  layout?: string
  language?: string
}

export interface Media {
  durationS: number
  videoCodec?: string
  width?: number
  height?: number
  frameRate?: number
  audio: AudioTrack[]
  subtitles: string[]
  languages: string[]
}

export interface DownloadedAs {
  state: 'STARTED' | 'COMPLETED' | 'PROCESSING'
  download?: string
  startedAt?: string
  completedAt?: string
}

export interface Material {
  id: string
  movieId: number
  title?: string
  assetType: string
  assetTypeName: string
  variant?: string
  version: number
  fileName: string
  size: number
  sha256: string
  contentType: string
  qc?: string
  qcName?: string
  newlyAdded: boolean
  deliveredOn: string
  note?: string
  downloaded?: DownloadedAs
  media?: Media
  watermarked?: boolean
  /** Audio materials: every change of the QC label, oldest first. */
  qcChanges?: QCLabelChange[]
}

export interface QCLabelChange {
  at: string
  by: string
  byName: string
  from?: string
  fromName?: string
  to: string
  toName: string
}

export interface AssetTypeGroup {
  assetType: string
  name: string
  count: number
  materials: Material[] | null
}

export interface MaterialsAnswer {
  titles: { movieId: number; name: string }[] | null
  assetTypes: AssetTypeGroup[] | null
  total: number
}

export interface DownloadRecord {
  id: string
  materialId: string
  assetType: string
  variant?: string
  version: number
  user: string
  userName?: string
  state: 'STARTED' | 'COMPLETED'
  startedAt: string
  completedAt?: string
  completedBy?: string
  size: number
  sha256: string
  code?: string
}

export interface ProxyState {
  id: string
  state: 'POOLED' | 'PROCESSING' | 'READY' | 'FAILED'
  code: string
  error?: string
}

/** POST …/downloads and …/preview: a URL (READY) or a proxy being made (PROCESSING). */
export interface StartAnswer {
  status: 'READY' | 'PROCESSING'
  download?: DownloadRecord
  method?: string
  url?: string
  expires?: string
  proxy?: ProxyState
}
