// The video a QC operator (or a partner reading QC) plays: the delivered
// file itself. A processed delivery's files are materials of its title
// (asset type Earlier Delivery), so the player asks GET /v1/materials for
// the one with the delivered file's SHA-256 and starts a download of it
// (POST /v1/materials/{id}/downloads: a signed URL straight from storage).
import type { Api } from '../lib/api'
import type { Transfer } from '../details/types'

interface MaterialsAnswer {
  assetTypes: { assetType: string; materials: { id: string; fileName: string; sha256: string; contentType: string }[] | null }[] | null
}

interface DownloadAnswer {
  status: string
  url?: string
}

export interface DeliveryVideo {
  url: string
  fileName: string
}

/** The delivery's first video file as a signed URL; an Error saying why not when there is none. */
export async function deliveryVideo(api: Api, requestId: string, transferId: string, signal?: AbortSignal): Promise<DeliveryVideo> {
  const t = await api.get<Transfer>(`/v1/transfers/${encodeURIComponent(transferId)}`, undefined, signal)
  const files = t.files ?? []
  const playable = (f: { name: string; contentType: string }) =>
    /^(video|audio)\//.test(f.contentType) || /\.(mp4|mov|m4v|mxf|webm|wav|mp3|m4a|aac)$/i.test(f.name)
  const video = files.find((f) => f.contentType.startsWith('video/')) ?? files.find(playable)
  if (!video) throw new Error('This delivery holds no picture or sound to play (subtitles and documents are read in their files).')
  const m = await api.get<MaterialsAnswer>('/v1/materials', { requests: requestId, assetType: 'DELIVERY' }, signal)
  const material = (m.assetTypes ?? []).flatMap((a) => a.materials ?? []).find((x) => x.sha256 === video.sha256)
  if (!material) throw new Error(`${video.name} is not among the title's materials, where processed deliveries are kept (a later delivery of the same asset replaces it there).`)
  const d = await api.post<DownloadAnswer>(`/v1/materials/${encodeURIComponent(material.id)}/downloads`, undefined, signal)
  if (!d.url) throw new Error(`${video.name} is not ready to play yet.`)
  return { url: d.url, fileName: video.name }
}
