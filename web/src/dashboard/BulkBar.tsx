// The bulk bar: appears at the bottom of the page when requests are
// selected. Comment, Export to Excel, Download Materials, Deliver, Edit
// requests (material status, service type), Edit Estimated Delivery Dates,
// Cancel and Uncancel; each enabled when any selected request may take it
// (the others are refused by the API, each with its reason).
import { type ActionName, type KnownRequest, selectionView } from '../actions'
import type { SearchRow, SearchValues } from '../lib/search'
import { IconButton, Menu } from '../ui'
import { knownOf } from './RowActions'
import type { RowAction } from './RowsPanel'

interface Props {
  selection: Map<string, SearchRow>
  onClear: () => void
  onAction: (a: RowAction, ids: string[], known: Record<string, KnownRequest>) => void
  exporting: boolean
  values?: SearchValues | undefined
}

export function BulkBar({ selection, onClear, onAction, exporting, values }: Props) {
  if (selection.size === 0) return null
  const rows = [...selection.values()]
  const ids = [...selection.keys()]
  const known = Object.fromEntries(rows.map((r) => [r.id, knownOf(r, values)]))
  const view = (name: ActionName) => selectionView(name, rows)
  const run = (a: RowAction) => onAction(a, ids, known)
  const comment = view('comment')
  const material = view('setMaterialStatus')
  const service = view('setServiceType')
  const edd = view('setEstimatedDeliveryDate')
  const cancel = view('cancel')
  const uncancel = view('uncancel')
  const download = view('downloadMaterials')
  const deliver = view('deliver')
  const count = (v: { allowed: number; total: number }) => (v.allowed < v.total ? ` (${v.allowed} of ${v.total} may)` : '')

  return (
    <div className="bulkbar" role="region" aria-label="Bulk actions" data-testid="bulk-bar">
      <span className="bulkbar-count" aria-live="polite"><strong>{selection.size.toLocaleString('en-US')}</strong> selected</span>
      <button type="button" className="btn btn-quiet btn-small bulkbar-clear" onClick={onClear}>Clear</button>
      <span className="bulkbar-sep" aria-hidden="true" />
      {comment.show && <IconButton icon="comment" text="Comment" label="Comment" disabled={!comment.enabled} reason={comment.reason} onClick={() => run('comment')} testId="bulk-comment" />}
      <IconButton icon="sheet" text={exporting ? 'Exporting…' : 'Export to Excel'} label="Export the selected requests to Excel" disabled={exporting} onClick={() => run('export')} testId="bulk-export" />
      {download.show && <IconButton icon="download" text="Download Materials" label="Download Materials of the selected requests" disabled={!download.enabled} reason={download.reason} onClick={() => window.open(`/materials?ids=${ids.filter((id) => selection.get(id)?.actions?.downloadMaterials?.allowed !== false).map(encodeURIComponent).join(',')}`, '_blank', 'noopener')} testId="bulk-download" />}
      {deliver.show && <IconButton icon="deliver" text="Deliver" label="Deliver to the selected requests" disabled={!deliver.enabled} reason={deliver.reason} onClick={() => window.open(`/deliver?ids=${ids.filter((id) => selection.get(id)?.actions?.deliver?.allowed !== false).map(encodeURIComponent).join(',')}`, '_blank', 'noopener')} testId="bulk-deliver" />}
      {(material.show || service.show) && (
        <Menu
          label="Edit requests"
          text="Edit requests"
          icon="edit"
          align="start"
          testId="bulk-edit"
          items={[
            ...(material.show ? [{ key: 'material', label: `Material status${count(material)}`, icon: 'status' as const, disabled: !material.enabled, reason: material.reason, onSelect: () => run('setMaterialStatus') }] : []),
            ...(service.show ? [{ key: 'service', label: `Service type${count(service)}`, icon: 'edit' as const, disabled: !service.enabled, reason: service.reason, onSelect: () => run('setServiceType') }] : []),
          ]}
        />
      )}
      {edd.show && <IconButton icon="calendar" text="Edit EDDs" label="Edit EDDs (Estimated Delivery Dates)" disabled={!edd.enabled} reason={edd.reason} onClick={() => run('setEstimatedDeliveryDate')} testId="bulk-edd" />}
      {cancel.show && <IconButton icon="cancel" text="Cancel" label="Cancel the requests" disabled={!cancel.enabled} reason={cancel.reason} onClick={() => run('cancel')} testId="bulk-cancel" />}
      {uncancel.show && <IconButton icon="undo" text="Uncancel" label="Uncancel the requests" disabled={!uncancel.enabled} reason={uncancel.reason} onClick={() => run('uncancel')} testId="bulk-uncancel" />}
    </div>
  )
}
