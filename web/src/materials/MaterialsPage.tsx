// /materials?ids=…: Download Materials for one request (from its details
// page or its row) or many (the dashboard's bulk bar). The Groups panel
// (My Downloaded, Newly Added/Updated, All Available Materials, All with
// each asset type and its count), the asset list grouped by asset type,
// the actions (Collapse/Expand All, Reset Filters, Download with the
// count) and the Asset Details panel of the file opened. A watermarked
// proxy made on demand shows Processing and turns Ready by itself: the
// page asks again every few seconds while one is being made.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import type { ColumnFiltersState } from '@tanstack/react-table'
import { useLoad } from '../lib/useLoad'
import { messageOf, useSession } from '../session'
import { Icon, IconButton, Notice, toast } from '../ui'
import { AssetDetails } from './AssetDetails'
import { AssetList } from './AssetList'
import { outcomeText, startDownloads } from './download'
import { type GroupKey, type ListPrefs, groups, inGroup, isGroup, loadPrefs, materialsOf, savePrefs, defaultPrefs, typesOf } from './model'
import type { Material, MaterialsAnswer } from './types'
import '../styles/dashboard.css'
import './materials.css'

const pollEvery = 3000

export function MaterialsPage() {
  const { api } = useSession()
  const [params, setParams] = useSearchParams()
  const ids = useMemo(() => [...new Set((params.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean))], [params])
  const groupParam = params.get('group')
  const group: GroupKey = isGroup(groupParam) ? groupParam : 'all'
  const typeFilter = group === 'all' ? params.get('type') ?? undefined : undefined

  const [round, setRound] = useState(0)
  const key = ids.length ? `${ids.join(',')}#${round}` : null
  const answer = useLoad(key, (s) => api.get<MaterialsAnswer>('/v1/materials', { requests: ids.join(',') }, s))
  const data = answer.data
  const all = useMemo(() => materialsOf(data), [data])

  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set())
  const [filters, setFilters] = useState<ColumnFiltersState>([])
  const [prefs, setPrefsState] = useState<ListPrefs>(loadPrefs)
  const setPrefs = useCallback((fn: (p: ListPrefs) => ListPrefs) => {
    setPrefsState((p) => {
      const n = fn(p)
      savePrefs(n)
      return n
    })
  }, [])
  const [openId, setOpenId] = useState<string>()
  const [busy, setBusy] = useState(false)

  // Proxies made on demand: Processing while the API says so, then Ready (until downloaded).
  const processing = useRef(new Set<string>())
  const [ready, setReady] = useState<Set<string>>(new Set())
  useEffect(() => {
    if (!data) return
    const nowReady: Material[] = []
    for (const m of all) {
      if (m.downloaded?.state === 'PROCESSING') processing.current.add(m.id)
      else if (processing.current.delete(m.id) && !m.downloaded) nowReady.push(m)
    }
    if (nowReady.length) {
      setReady((r) => new Set([...r, ...nowReady.map((m) => m.id)]))
      for (const m of nowReady) toast(`Your watermarked proxy ${m.fileName} is ready to download.`)
    }
    // Downloaded again: no longer "Ready". Gone (superseded): no longer selected.
    setReady((r) => {
      const next = new Set([...r].filter((id) => all.some((m) => m.id === id && !m.downloaded)))
      return next.size === r.size ? r : next
    })
    setSelected((s) => {
      const next = new Set([...s].filter((id) => all.some((m) => m.id === id)))
      return next.size === s.size ? s : next
    })
  }, [data, all])

  const anyProcessing = all.some((m) => m.downloaded?.state === 'PROCESSING')
  useEffect(() => {
    if (!anyProcessing || answer.loading) return
    const t = setTimeout(() => setRound((n) => n + 1), pollEvery)
    return () => clearTimeout(t)
  }, [anyProcessing, answer.loading, data])

  const types = typesOf(data)
  const counts = {
    downloaded: all.filter((m) => inGroup(m, 'downloaded')).length,
    new: all.filter((m) => inGroup(m, 'new')).length,
    available: all.length,
    all: data?.total ?? 0,
  }
  const view = types
    .filter((t) => !typeFilter || t.assetType === typeFilter)
    .map((t) => ({ type: t, materials: (t.materials ?? []).filter((m) => inGroup(m, group)) }))
  const showEmpty = group === 'all'

  const chooseGroup = (g: GroupKey, type?: string) => {
    const p = new URLSearchParams(params)
    if (g === 'all') p.delete('group')
    else p.set('group', g)
    if (type) p.set('type', type)
    else p.delete('type')
    setParams(p, { replace: true })
  }

  const select = (list: string[], on: boolean) =>
    setSelected((s) => {
      const n = new Set(s)
      for (const id of list) {
        if (on) n.add(id)
        else n.delete(id)
      }
      return n
    })

  const everyType = types.map((t) => t.assetType)
  const allCollapsed = everyType.length > 0 && everyType.every((t) => collapsed.has(t))
  const toggleAll = () => setCollapsed(allCollapsed ? new Set() : new Set(everyType))
  const resetFilters = () => {
    setFilters([])
    setCollapsed(new Set())
    setPrefs(() => defaultPrefs())
    chooseGroup('all')
  }

  const download = async (list: Material[]) => {
    if (!list.length || busy) return
    setBusy(true)
    try {
      const o = await startDownloads(api, list)
      for (const m of o.processing) processing.current.add(m.id)
      toast(outcomeText(o), o.failed.length ? 'danger' : o.processing.length ? 'info' : 'success')
      setReady((r) => new Set([...r].filter((id) => !o.started.some((m) => m.id === id))))
      setRound((n) => n + 1)
    } finally {
      setBusy(false)
    }
  }
  const chosen = all.filter((m) => selected.has(m.id))
  const open = all.find((m) => m.id === openId)

  const titles = data?.titles ?? []
  const titleLine = titles.length === 1 ? titles[0]!.name : titles.length > 1 ? `${titles.length} titles: ${titles.map((t) => t.name).join(', ')}` : ''

  if (!ids.length) {
    return (
      <section className="page materials" aria-labelledby="materials-title">
        <title>Download Materials · openlot</title>
        <h1 id="materials-title">Download Materials</h1>
        <Notice tone="info" title="Choose requests first">
          <p>Open Download Materials from a request on the <Link to="/">dashboard</Link> (its row, or several selected), or from its details page.</p>
        </Notice>
      </section>
    )
  }

  return (
    <section className={`page materials${open ? ' has-details' : ''}`} aria-labelledby="materials-title">
      <title>Download Materials · openlot</title>
      <div className="page-head mat-head">
        <div>
          <h1 id="materials-title">Download Materials</h1>
          <p className="muted mat-for" data-testid="materials-titles">
            {titleLine ? <>For {titleLine}</> : '\u00a0'}
            {ids.length > 1 && <> · {ids.length} requests</>}
          </p>
        </div>
        <div className="page-tools">
          <IconButton icon={allCollapsed ? 'chevronRight' : 'chevronDown'} text={allCollapsed ? 'Expand All' : 'Collapse All'} label={allCollapsed ? 'Expand All' : 'Collapse All'} onClick={toggleAll} testId="collapse-all" />
          <IconButton icon="undo" text="Reset Filters" label="Reset Filters" onClick={resetFilters} testId="reset-filters" />
          <IconButton icon="refresh" text="Refresh" label="Refresh" onClick={() => setRound((n) => n + 1)} disabled={answer.loading} />
          <button
            type="button"
            className="btn btn-primary mat-download"
            disabled={!chosen.length || busy}
            onClick={() => void download(chosen)}
            data-testid="download-selected"
          >
            <Icon name="download" />
            {busy ? 'Starting…' : `Download (${chosen.length})`}
          </button>
        </div>
      </div>
      {answer.error !== undefined && (
        <Notice tone="danger" title="The materials could not be loaded"><p>{messageOf(answer.error)}</p></Notice>
      )}
      <div className="mat-layout">
        <nav className="mat-groups" aria-label="Groups" data-testid="groups">
          <h2 className="mat-groups-title">Groups</h2>
          <ul>
            {groups.map((g) => (
              <li key={g.key}>
                <button
                  type="button"
                  className="mat-group"
                  aria-current={group === g.key && !typeFilter ? 'true' : undefined}
                  onClick={() => chooseGroup(g.key)}
                  data-tip={g.help}
                  data-group={g.key}
                >
                  <span>{g.label}</span>
                  <span className="mat-count" data-testid={`count-${g.key}`}>{data ? counts[g.key] : ''}</span>
                </button>
                {g.key === 'all' && (
                  <ul className="mat-types">
                    {types.map((t) => (
                      <li key={t.assetType}>
                        <button
                          type="button"
                          className={`mat-group mat-group-type${t.count === 0 ? ' is-empty' : ''}`}
                          aria-current={typeFilter === t.assetType ? 'true' : undefined}
                          onClick={() => chooseGroup('all', t.assetType)}
                          data-type={t.assetType}
                          data-tip={t.count === 0 ? `${t.name}: nothing to download now` : undefined}
                        >
                          <span>{t.name}</span>
                          <span className="mat-count" data-testid={`count-type-${t.assetType}`}>{t.count > 0 ? t.count : ''}</span>
                          {t.count === 0 && <span className="sr-only"> (nothing to download)</span>}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </nav>
        <section className="mat-list" aria-label="Asset list">
          <AssetList
            types={view}
            showEmpty={showEmpty}
            prefs={prefs}
            setPrefs={setPrefs}
            filters={filters}
            setFilters={setFilters}
            collapsed={collapsed}
            onToggle={(t) => setCollapsed((c) => {
              const n = new Set(c)
              if (n.has(t)) n.delete(t)
              else n.add(t)
              return n
            })}
            selected={selected}
            onSelect={select}
            open={openId}
            onOpen={(m) => setOpenId(m.id)}
            ready={ready}
            loading={answer.loading}
          />
        </section>
        {open && (
          <AssetDetails
            key={open.id}
            material={open}
            ready={ready}
            onClose={() => setOpenId(undefined)}
            onDownload={(m) => void download([m])}
            busy={busy}
            round={round}
          />
        )}
      </div>
    </section>
  )
}
