// /: Source Management. The modifier bar, Group By and saved templates; the
// Insights and Asset States buckets (per group when grouped), counted by the
// API (GET /v1/requests); a count opens its rows; selected rows get the bulk
// bar. The URL holds the view with GET /v1/requests' own query parameters,
// so a bookmark (or a mail's /?bucket=critical) restores it.
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useSearchParams } from 'react-router'
import { type KnownRequest, RequestActionDialog, type DialogAction } from '../actions'
import { ApiError } from '../lib/api'
import type { BulkResult } from '../lib/requests'
import {
  type BucketKey, type Filter, type SearchAnswer, type SearchRow, type SearchValues, type View,
  bucketSpec, filterParams, groupKeyOf, valueName, viewOf, viewParams,
} from '../lib/search'
import { useLoad } from '../lib/useLoad'
import { messageOf, useSession, useUser } from '../session'
import { IconButton, Notice, toast } from '../ui'
import { BucketCards, GroupTable, groupName } from '../dashboard/Buckets'
import { BulkBar } from '../dashboard/BulkBar'
import { useGridPrefs } from '../dashboard/columns'
import { ModifierBar } from '../dashboard/ModifierBar'
import { type RowAction, RowsPanel } from '../dashboard/RowsPanel'
import { GroupBy, Templates } from '../dashboard/ViewControls'
// The shared styles first, so that the dashboard's come after them whichever module loads first.
import '../styles/components.css'
import '../styles/dashboard.css'

export type { Buckets } from '../lib/search'

const panelId = 'rows-panel'

export function Dashboard() {
  const { api } = useSession()
  const user = useUser()
  const [params, setParams] = useSearchParams()
  const view = useMemo(() => viewOf(params), [params])
  const template = params.get('template')

  const go = useCallback((next: View, replace = false) => setParams(viewParams(next), { replace }), [setParams])

  // /?template=NAME: the saved template's modifiers and groupings, with the rest of the URL.
  useEffect(() => {
    if (!template) return
    let live = true
    api.get<{ query: string }>(`/v1/templates/${encodeURIComponent(template)}`).then(
      (t) => {
        if (!live) return
        const p = new URLSearchParams(t.query)
        for (const k of ['bucket', 'groupKey', 'sort']) {
          const v = params.get(k)
          if (v !== null) p.set(k, v)
        }
        setParams(p, { replace: true })
      },
      (e: unknown) => {
        if (!live) return
        toast(`The template “${template}” could not be applied: ${messageOf(e)}`, 'danger')
        const p = new URLSearchParams(params)
        p.delete('template')
        setParams(p, { replace: true })
      },
    )
    return () => {
      live = false
    }
  }, [template]) // eslint-disable-line react-hooks/exhaustive-deps

  const values = useLoad('values', (s) => api.get<SearchValues>('/v1/search/values', undefined, s))

  const countQuery = useMemo(() => {
    const p = filterParams(view.filters)
    if (view.group.length) p.set('group', view.group.join(','))
    p.set('limit', '1')
    p.set('columns', 'id')
    return p
  }, [view.filters, view.group])
  const counts = useLoad(template ? null : countQuery.toString(), (s) => api.get<SearchAnswer>('/v1/requests', countQuery, s))
  const answer = counts.data

  const [refresh, setRefresh] = useState(0)
  const reloadAll = useCallback(() => {
    counts.reload()
    setRefresh((n) => n + 1)
  }, [counts])

  const [prefs, setPrefs] = useGridPrefs()

  // The selection lasts while the modifiers stay; another search starts afresh.
  const [selection, setSelection] = useState<Map<string, SearchRow>>(() => new Map())
  const filtersKey = filterParams(view.filters).toString()
  useEffect(() => setSelection(new Map()), [filtersKey])

  const [dialog, setDialog] = useState<{ action: DialogAction; ids: string[]; known: Record<string, KnownRequest> }>()
  const [exporting, setExporting] = useState(false)

  const exportRows = useCallback(async (ids: string[]) => {
    setExporting(true)
    const columns = ['id', ...prefs.order.filter((c) => c !== 'id' && prefs.visible.includes(c))]
    const save = ({ blob, filename }: { blob: Blob; filename: string }) => {
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = filename
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      return filename
    }
    try {
      let file
      let note = ''
      try {
        file = await api.download('/v1/requests/export', { ids, columns, format: 'xlsx' })
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'unavailable')) throw e
        file = await api.download('/v1/requests/export', { ids, columns, format: 'csv' })
        note = ' (as CSV: this server writes no Excel files)'
      }
      const skipped = Number(file.headers.get('X-Openlot-Skipped') ?? 0)
      const name = save(file)
      toast(`Exported ${ids.length - skipped} ${ids.length - skipped === 1 ? 'request' : 'requests'} to ${name}${note}.${skipped ? ` ${skipped} skipped.` : ''}`)
    } catch (e) {
      toast(`The export did not work: ${messageOf(e)}`, 'danger')
    } finally {
      setExporting(false)
    }
  }, [api, prefs])

  const onAction = useCallback((action: RowAction, ids: string[], known: Record<string, KnownRequest>) => {
    if (action === 'export') void exportRows(ids)
    else setDialog({ action, ids, known })
  }, [exportRows])

  const onDone = useCallback((results: BulkResult[]) => {
    const ok = results.filter((r) => r.ok).length
    if (ok) reloadAll()
  }, [reloadAll])

  const fixedPartner = user?.role === 'fp' && user.partner
    ? { code: user.partner, name: valueName(values.data, 'fulfillmentPartner', user.partner) }
    : undefined

  const search = (filters: Filter[]) => go({ ...view, filters, groupKey: undefined })
  const openBucket = (bucket: BucketKey | undefined) => go({ ...view, bucket, groupKey: undefined })
  const openGroup = (groupKey: string | undefined, bucket: BucketKey | undefined) => go({ ...view, groupKey, bucket })
  const setGroup = (group: string[]) => go({ ...view, group, groupKey: undefined, bucket: group.length ? undefined : view.bucket })
  const setSort = (sort: string | undefined) => go({ ...view, sort }, true)

  // The rows on show: of the open bucket and group, or of every match when not grouped.
  const rowsQuery = useMemo(() => {
    const p = filterParams(view.filters)
    if (view.group.length) p.set('group', view.group.join(','))
    if (view.bucket) p.set('bucket', view.bucket)
    if (view.groupKey !== undefined && view.group.length) p.set('groupKey', view.groupKey)
    return p
  }, [view])

  const spec = bucketSpec(view.bucket)
  const openGroupData = view.groupKey !== undefined ? answer?.groups.find((g) => groupKeyOf(view.group, g.key) === view.groupKey) : undefined

  const rowsPanel = (heading: string, expected: number | undefined, onClose?: () => void) => (
    <RowsPanel
      id={panelId}
      query={rowsQuery}
      heading={heading}
      expected={expected}
      sort={view.sort}
      onSort={setSort}
      onClose={onClose}
      values={values.data}
      prefs={prefs}
      setPrefs={setPrefs}
      selection={selection}
      onSelection={setSelection}
      onAction={onAction}
      refresh={refresh}
    />
  )

  // A search the API refuses (a malformed date, say) has no rows either: its message is shown once.
  const refused = counts.error !== undefined
  // The modifier the API's message names, to mark its pill.
  const invalidKey = refused ? /^(\w+)\b/.exec(messageOf(counts.error))?.[1] : undefined
  let below = null
  let inline = null
  if (refused) {
    // nothing to list
  } else if (!view.group.length) {
    below = spec
      ? rowsPanel(`${spec.label} requests`, answer?.buckets[spec.key], () => openBucket(undefined))
      : rowsPanel('All matching requests', answer?.total)
  } else if (view.groupKey !== undefined) {
    const name = openGroupData ? groupName(view.group, openGroupData.key, values.data) : view.groupKey.split('|').join(' – ')
    inline = rowsPanel(
      `${spec ? spec.label : 'Every request'} · ${name}`,
      openGroupData ? (spec ? openGroupData.buckets[spec.key] : openGroupData.total) : undefined,
      () => openGroup(undefined, undefined),
    )
  } else if (spec) {
    below = rowsPanel(`${spec.label} requests in every group`, answer?.buckets[spec.key], () => openBucket(undefined))
  }

  return (
    <section className={`page dashboard${selection.size ? ' has-bulkbar' : ''}`} aria-labelledby="dashboard-title">
      <title>Source Management · openlot</title>
      <div className="page-head">
        <h1 id="dashboard-title">Source Management</h1>
        <div className="page-tools">
          <Templates view={view} values={values.data} onApply={(q) => setParams(new URLSearchParams(q))} />
          <IconButton label="Refresh" icon="refresh" text="Refresh" onClick={reloadAll} disabled={counts.loading} />
        </div>
      </div>
      <ModifierBar applied={view.filters} values={values.data} fixedPartner={fixedPartner} onSearch={search} busy={counts.loading} invalid={invalidKey} />
      <div className="view-bar">
        <GroupBy group={view.group} onChange={setGroup} />
        <span className="view-total" aria-live="polite" data-testid="total">
          {answer ? `${answer.total.toLocaleString('en-US')} matching ${answer.total === 1 ? 'request' : 'requests'}` : ''}
          {answer && view.group.length > 0 ? ` in ${answer.groups.length.toLocaleString('en-US')} ${answer.groups.length === 1 ? 'group' : 'groups'}` : ''}
        </span>
      </div>
      {counts.error !== undefined && (
        <Notice tone="danger" title="The search could not run">
          <p>{messageOf(counts.error)}</p>
        </Notice>
      )}
      {values.error !== undefined && (
        <Notice tone="warning" title="The modifier values could not be read">
          <p>{messageOf(values.error)}</p>
        </Notice>
      )}
      {view.group.length === 0 ? (
        <BucketCards buckets={answer?.buckets} loading={counts.loading} open={view.bucket} onOpen={openBucket} panelId={panelId} />
      ) : (
        <GroupTable
          group={view.group}
          groups={answer?.groups ?? []}
          values={values.data}
          loading={counts.loading}
          bucket={view.bucket}
          groupKey={view.groupKey}
          onOpen={openGroup}
          openRows={inline}
          panelId={panelId}
        />
      )}
      {below}
      <BulkBar selection={selection} onClear={() => setSelection(new Map())} onAction={onAction} exporting={exporting} values={values.data} />
      {dialog && (
        <RequestActionDialog
          action={dialog.action}
          ids={dialog.ids}
          known={dialog.known}
          onClose={() => setDialog(undefined)}
          onDone={onDone}
        />
      )}
    </section>
  )
}
