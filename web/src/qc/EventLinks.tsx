// What a QC event's row offers a reader on the request's Quality Control
// tab: its timecode opens the delivered file in the player at that time,
// its category opens the glossary's help for it.
import { useEffect, useId, useRef, useState } from 'react'
import { messageOf, useSession } from '../session'
import { Notice, Popover, Spinner } from '../ui'
import { Dialog } from '../details/parts'
import { Player } from '../player/Player'
import { parseTimecode } from '../player/timecode'
import { useGlossaryList } from './glossary'
import { deliveryVideo, type DeliveryVideo } from './media'
import './qc.css'

interface PlayAtProps {
  requestId: string
  transferId: string
  timecode: string
  frameRate: number
}

/** A QC event's timecode: a button that plays the delivery from there. */
export function PlayAt({ requestId, transferId, timecode, frameRate }: PlayAtProps) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="btn-link tc-link" onClick={() => setOpen(true)} aria-label={`Play the delivery from ${timecode}`} data-action="play-at">
        {timecode}
      </button>
      {open && <PlayerDialog requestId={requestId} transferId={transferId} timecode={timecode} frameRate={frameRate} onClose={() => setOpen(false)} />}
    </>
  )
}

function PlayerDialog({ requestId, transferId, timecode, frameRate, onClose }: PlayAtProps & { onClose: () => void }) {
  const { api } = useSession()
  const [video, setVideo] = useState<DeliveryVideo>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    const c = new AbortController()
    deliveryVideo(api, requestId, transferId, c.signal).then(
      (v) => !c.signal.aborted && setVideo(v),
      (e: unknown) => !c.signal.aborted && setError(messageOf(e)),
    )
    return () => c.abort()
  }, [api, requestId, transferId])
  return (
    <Dialog title={`The delivery at ${timecode}`} onClose={onClose} wide testId="qc-player-dialog">
      {video ? (
        <Player src={video.url} frameRate={frameRate} start={parseTimecode(timecode, frameRate) ?? 0} title={video.fileName} />
      ) : error ? (
        <Notice tone="warning" title="The delivery cannot be played here">
          <p>{error}</p>
        </Notice>
      ) : (
        <Spinner label="Loading the delivered file" />
      )}
    </Dialog>
  )
}

/** A QC event's category: a button that shows what it means and how to fix it. */
export function CategoryHelp({ code }: { code: string }) {
  const glossary = useGlossaryList()
  const c = glossary?.find((g) => g.code === code)
  const id = useId().replace(/:/g, '')
  const button = useRef<HTMLButtonElement>(null)
  const [open, setOpen] = useState(false)
  if (!c) return <>{code}</>
  return (
    <>
      <button ref={button} type="button" className="btn-link category-link" popoverTarget={id} aria-expanded={open} data-action="category-help">
        {c.code} {c.name}
      </button>
      <Popover id={id} anchor={button} open={open} onOpenChange={setOpen} label={`QC category ${c.code}`} className="panel category-help">
        <p className="panel-title">
          {c.code} {c.name}
        </p>
        <p className="panel-note" data-testid="category-help">{c.help || 'No help written for this category.'}</p>
      </Popover>
    </>
  )
}
