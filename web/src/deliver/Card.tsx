// One request's card on the Delivery UI: drop files on it (several where
// its source type takes several), or choose them from the File Bin in
// "Select a source" (the plan's recommendations first, with its reasons);
// the metadata its source type asks, per file, with Apply to All Rows;
// "Ready to Deliver" when the server's dry run says so; then the upload's
// progress and the transfer's status, followed live.
import { Link } from 'react-router'
import { languageName, requestStatusName, sourceTypeName, transferStatusName } from '../details/format'
import { bytes, type BinFile, type Check, type FieldSpec, type FormSpec, type Loaded, type Plan } from './model'
import { DropZone } from './DropZone'
import type { Progress, TransferCard } from './upload'

export interface Delivery {
  phase: 'uploading' | 'following' | 'done' | 'failed'
  progress?: Progress
  transfer?: TransferCard
  error?: string
}

interface Props {
  item: Loaded
  /** The page groups by title: the group's heading names it, the card its source type. */
  underTitle?: boolean
  form?: FormSpec
  bin: BinFile[]
  plan?: Plan
  chosen: string[]
  metadata: Record<string, Record<string, string>>
  check?: Check | 'checking'
  resume?: { held: number; parts: number }
  delivery?: Delivery
  selected: boolean
  onSelect: (on: boolean) => void
  onDrop: (files: File[]) => void
  onChoose: (keys: string[]) => void
  onMeta: (fileKey: string, field: string, value: string) => void
  onApplyAll: () => void
}

export function Card(props: Props) {
  const { item, form, bin, plan, chosen, metadata, check, delivery, selected } = props
  const r = item.request
  const deliver = item.actions.deliver
  const refused = deliver && !deliver.allowed ? deliver.reason || 'This request cannot take a delivery now.' : undefined
  const several = !!form?.severalFiles
  const titleId = `dl-card-${r.id}`
  const busy = !!refused || (delivery && delivery.phase !== 'failed')
  const ready = !refused && !busy && chosen.length > 0 && check !== 'checking' && !!check?.ok
  const files = chosen.map((k) => bin.find((b) => b.key === k)).filter((b): b is BinFile => !!b)
  const fields = form?.fields ?? []
  const kind = [sourceTypeName(r.sourceType), languageName(r.language)].filter(Boolean).join(' · ')

  let state: { text: string; tone: string }
  if (delivery?.transfer && delivery.phase !== 'uploading') state = { text: transferStatusName(delivery.transfer.status), tone: transferTone(delivery.transfer.status) }
  else if (delivery?.phase === 'uploading') state = { text: delivery.progress?.resumed ? 'Resuming upload' : 'Uploading', tone: 'info' }
  else if (delivery?.phase === 'failed') state = { text: 'Upload failed', tone: 'critical' }
  else if (refused) state = { text: 'Cannot deliver', tone: 'muted' }
  else if (chosen.length === 0) state = { text: 'No file yet', tone: 'muted' }
  else if (check === 'checking' || !check) state = { text: 'Checking…', tone: 'muted' }
  else if (check.ok) state = { text: 'Ready to Deliver', tone: 'ok' }
  else state = { text: 'Metadata needed', tone: 'risk' }

  return (
    <article className={`dl-card${refused && !delivery ? ' dl-card-off' : ''}${selected ? ' dl-card-selected' : ''}`} aria-labelledby={titleId} data-testid="deliver-card" data-request={r.id}>
      <header className="dl-card-head">
        <input
          type="checkbox"
          className="dl-check"
          checked={selected && ready}
          disabled={!ready}
          onChange={(e) => props.onSelect(e.target.checked)}
          aria-label={`Select ${r.title} (${sourceTypeName(r.sourceType)}) for delivery`}
          data-testid="card-select"
        />
        <div className="dl-card-what">
          <h3 id={titleId} className="dl-card-title">{props.underTitle ? kind : r.title}</h3>
          <p className="dl-card-kind">
            {!props.underTitle && <>{kind}<span className="dl-sep" aria-hidden="true">·</span></>}
            <span className={`badge badge-status-${r.status.toLowerCase().replaceAll('_', '-')}`}>{requestStatusName(r.status)}</span>
          </p>
        </div>
        <span className={`dl-state dl-state-${state.tone}`} data-testid="card-state" role="status">{state.text}</span>
        <Link className="btn btn-quiet btn-small" to={`/requests/${encodeURIComponent(r.id)}`} target="_blank" rel="noopener">Details</Link>
      </header>

      {refused && !delivery ? (
        <p className="dl-refused" data-testid="card-refused">{refused}</p>
      ) : (
        <div className="dl-card-body">
          {!busy && (
            <div className="dl-sources">
              <DropZone
                label={several ? 'Drop files on this request' : 'Drop a file on this request'}
                onFiles={props.onDrop}
                compact
                testId="card-drop"
              />
              <SourcePicker several={several} bin={bin} plan={plan} chosen={chosen} onChoose={props.onChoose} title={r.title} />
            </div>
          )}
          {props.resume && !busy && (
            <p className="dl-note" data-testid="card-resume">
              Resumes the upload this browser began: storage holds {props.resume.held} of {props.resume.parts} parts; only the others are sent.
            </p>
          )}
          {files.length > 0 && (
            <div className="dl-meta-wrap">
              <table className="dl-meta" data-testid="card-metadata">
                <caption className="sr-only">Delivery metadata of {r.title}</caption>
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    {fields.map((f) => (
                      <th scope="col" key={f.name}>{f.label}{f.required ? '' : <span className="muted"> (optional)</span>}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {files.map((b) => (
                    <tr key={b.key}>
                      <th scope="row" className="dl-file-cell">
                        <span className="dl-file-name">{b.file.name}</span>
                        <span className="muted">{bytes(b.file.size)}</span>
                      </th>
                      {fields.map((f) => (
                        <td key={f.name}>
                          <FieldInput field={f} value={metadata[b.key]?.[f.name] ?? ''} placeholder={f.kind === 'language' ? r.language : undefined}
                            label={`${f.label} of ${b.file.name}`} disabled={!!busy}
                            onChange={(v) => props.onMeta(b.key, f.name, v)} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              {files.length > 1 && fields.length > 0 && !busy && (
                <button type="button" className="btn btn-small" onClick={props.onApplyAll} data-testid="apply-all">Apply to All Rows</button>
              )}
            </div>
          )}
          {check && check !== 'checking' && !check.ok && chosen.length > 0 && !busy && (
            <p className="dl-problem" data-testid="card-problem">{check.message}</p>
          )}
          {delivery && <DeliveryState delivery={delivery} files={files} />}
        </div>
      )}
    </article>
  )
}

function transferTone(status: string): string {
  switch (status) {
    case 'PROCESSED':
      return 'ok'
    case 'FAILED':
    case 'ERROR':
    case 'INTERNAL_ERROR':
      return 'critical'
    case 'OVERRIDDEN':
      return 'risk'
    default:
      return 'info'
  }
}

function FieldInput({ field, value, onChange, label, placeholder, disabled }: { field: FieldSpec; value: string; onChange: (v: string) => void; label: string; placeholder?: string | undefined; disabled: boolean }) {
  if (field.kind === 'choice') {
    return (
      <select className="dl-input" value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} disabled={disabled} data-field={field.name}>
        <option value="">{field.required ? 'Select…' : '—'}</option>
        {(field.values ?? []).map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
    )
  }
  return (
    <input
      className="dl-input"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      aria-label={label}
      placeholder={placeholder ?? (field.kind === 'timecode' ? 'HH:MM:SS:FF' : '')}
      disabled={disabled}
      data-field={field.name}
      size={field.kind === 'timecode' ? 11 : 8}
    />
  )
}

function SourcePicker({ several, bin, plan, chosen, onChoose, title }: { several: boolean; bin: BinFile[]; plan?: Plan | undefined; chosen: string[]; onChoose: (keys: string[]) => void; title: string }) {
  if (bin.length === 0) return null
  // The plan's order (best first) for the files it scored; the others after.
  const cands = plan?.candidates ?? []
  const byName = new Map(cands.map((c) => [c.name, c]))
  const order = [...bin].sort((a, b) => (byName.get(b.file.name)?.score ?? -1) - (byName.get(a.file.name)?.score ?? -1))
  const recommended = cands.filter((c) => c.recommended).length
  const name = `dl-src-${plan?.requestId ?? title}`
  return (
    <details className="dl-select" data-testid="select-source">
      <summary className="btn btn-small">
        Select a source <span className="muted">({chosen.length ? `${chosen.length} chosen` : `${bin.length} in the bin`}{recommended ? `, ${recommended} recommended` : ''})</span>
      </summary>
      <fieldset className="dl-select-list">
        <legend className="sr-only">Files for {title}</legend>
        {order.map((b) => {
          const c = byName.get(b.file.name)
          const on = chosen.includes(b.key)
          return (
            <label key={b.key} className={`dl-option${c?.recommended ? ' dl-option-rec' : ''}`} data-testid="source-option">
              <input
                type={several ? 'checkbox' : 'radio'}
                name={name}
                checked={on}
                onChange={(e) => onChoose(several ? (e.target.checked ? [...chosen, b.key] : chosen.filter((k) => k !== b.key)) : [b.key])}
              />
              <span className="dl-option-text">
                <span className="dl-file-name">{b.file.name}</span>
                {c?.recommended && <span className="dl-rec">Recommended</span>}
                {c && <span className="dl-reasons">{(c.reasons ?? []).join(' · ') || 'nothing in the name fits'}</span>}
              </span>
            </label>
          )
        })}
      </fieldset>
    </details>
  )
}

function DeliveryState({ delivery, files }: { delivery: Delivery; files: BinFile[] }) {
  const p = delivery.progress
  return (
    <div className="dl-progress" data-testid="card-progress">
      {p && delivery.phase === 'uploading' && files.map((b, i) => {
        const sent = p.sent[i] ?? 0
        return (
          <div key={b.key} className="dl-bar">
            <span className="dl-file-name">{b.file.name}</span>
            <progress max={b.file.size} value={sent} aria-label={`Upload of ${b.file.name}`} />
            <span className="dl-pct">{Math.floor((100 * sent) / Math.max(1, b.file.size))}%</span>
          </div>
        )
      })}
      {delivery.phase === 'following' && <p className="dl-note">Delivered. Inspection runs now; this card follows it.</p>}
      {delivery.transfer?.errorMessage && <p className="dl-problem">{delivery.transfer.errorMessage}</p>}
      {delivery.error && <p className="dl-problem" role="alert">{delivery.error}</p>}
      {delivery.transfer && delivery.phase !== 'uploading' && (
        <p>
          <Link to={`/requests/${encodeURIComponent(delivery.transfer.requestId)}?transfer=${encodeURIComponent(delivery.transfer.id)}`} target="_blank" rel="noopener">
            See this delivery on the request&apos;s page
          </Link>
        </p>
      )}
    </div>
  )
}
