// A row's actions, shown on hover or keyboard focus: Details (a new tab),
// Download Materials, Deliver, and More actions. Each is shown, greyed
// with the API's reason, or hidden, as the row's `actions` say.
import { type DialogAction, type KnownRequest, actionView, dialogActions } from '../actions'
import { type SearchRow, type SearchValues, valueName } from '../lib/search'
import { IconButton, IconLink, Menu, type MenuItem } from '../ui'
import type { RowAction } from './RowsPanel'

/** What the action dialogs show of a row: its title, and its source type and language. */
export function knownOf(r: SearchRow, values?: SearchValues): KnownRequest {
  const detail = [r.sourceType && valueName(values, 'sourceType', r.sourceType), r.language && valueName(values, 'language', r.language)].filter(Boolean).join(' · ')
  return { title: r.title, detail: detail || undefined, actions: r.actions }
}

const icons: Record<DialogAction, MenuItem['icon']> = {
  setMaterialStatus: 'status',
  setMaterialsAvailable: 'check',
  setServiceType: 'edit',
  setEstimatedDeliveryDate: 'calendar',
  comment: 'comment',
  cancel: 'cancel',
  uncancel: 'undo',
}

export function RowActions({ row, values, onAction }: { row: SearchRow; values?: SearchValues | undefined; onAction: (a: RowAction, ids: string[], known: Record<string, KnownRequest>) => void }) {
  const a = row.actions ?? {}
  const known = { [row.id]: knownOf(row, values) }
  const details = `/requests/${encodeURIComponent(row.id)}`
  const download = actionView(a.downloadMaterials)
  const deliver = actionView(a.deliver)
  const subassign = actionView(a.subassign)
  const name = row.title ?? row.id

  const items: MenuItem[] = []
  for (const d of dialogActions) {
    const v = actionView(a[d.action])
    if (!v.show) continue
    items.push({ key: d.action, label: d.label, icon: icons[d.action], disabled: !v.enabled, reason: v.reason, onSelect: () => onAction(d.action, [row.id], known) })
  }
  if (subassign.show) {
    items.push(subassign.enabled
      ? { key: 'subassign', label: 'Subassign…', icon: 'subassign', href: details, newTab: true }
      : { key: 'subassign', label: 'Subassign…', icon: 'subassign', disabled: true, reason: subassign.reason })
  }
  items.push({ key: 'export', label: 'Export to Excel', icon: 'sheet', onSelect: () => onAction('export', [row.id], known) })

  return (
    <div className="row-actions">
      <IconLink label={`Details of ${name}`} icon="info" href={details} newTab />
      {download.show && (
        download.enabled
          ? <IconLink label="Download Materials" icon="download" href={`/materials?ids=${encodeURIComponent(row.id)}`} newTab />
          : <IconButton label="Download Materials" icon="download" disabled reason={download.reason} />
      )}
      {deliver.show && (deliver.enabled
        ? <IconLink label="Deliver" icon="deliver" href={`/deliver?ids=${encodeURIComponent(row.id)}`} newTab />
        : <IconButton label="Deliver" icon="deliver" disabled reason={deliver.reason} />)}
      <Menu label={`More actions for ${name}`} items={items} testId="row-more" />
    </div>
  )
}
