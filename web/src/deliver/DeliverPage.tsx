// /deliver?ids=…: the Delivery UI (article 004). The requests named, each
// a card, organized by title (Group changes it); a File Bin for many
// requests; files dropped on a card or chosen from the bin; the metadata
// each source type asks; Ready to Deliver from the server's dry run; select
// all / Deliver. Uploads go straight to storage (upload.ts) and each card
// follows its transfer until inspection ends, without a refresh.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useSearchParams } from 'react-router'
import { messageOf, useSession } from '../session'
import { Notice, Spinner, toast } from '../ui'
import { languageName, requestStatusName, sourceTypeName } from '../details/format'
import type { Details } from '../details/types'
import { Card, type Delivery } from './Card'
import { FileBin } from './FileBin'
import { type BinFile, type Check, type FormSpec, type Plan, bytes, fileKey, inFlight } from './model'
import { deliver, resumable, type TransferCard } from './upload'
import './deliver.css'

const groupings = [
  { key: 'title', label: 'Title' },
  { key: 'sourceType', label: 'Source type' },
  { key: 'language', label: 'Language' },
  { key: 'status', label: 'Request status' },
] as const
type Grouping = (typeof groupings)[number]['key']

function groupOf(d: Details, g: Grouping): string {
  const r = d.request
  switch (g) {
    case 'title':
      return r.title
    case 'sourceType':
      return sourceTypeName(r.sourceType)
    case 'language':
      return r.language ? languageName(r.language) : 'No language'
    case 'status':
      return requestStatusName(r.status)
  }
}

const maxIds = 100
const pollsPerTick = 8

export function DeliverPage() {
  const { api } = useSession()
  const [params] = useSearchParams()
  const ids = useMemo(() => [...new Set((params.get('ids') ?? params.get('id') ?? '').split(',').map((s) => s.trim()).filter(Boolean))].slice(0, maxIds), [params])

  const [items, setItems] = useState<Details[]>()
  const [missing, setMissing] = useState<string[]>([])
  const [loadError, setLoadError] = useState<string>()
  const [forms, setForms] = useState<Map<string, FormSpec>>(new Map())
  const [grouping, setGrouping] = useState<Grouping>('title')
  const [bin, setBin] = useState<BinFile[]>([])
  const [chosen, setChosen] = useState<Record<string, string[]>>({})
  const [meta, setMeta] = useState<Record<string, Record<string, Record<string, string>>>>({})
  const [plans, setPlans] = useState<Record<string, Plan>>({})
  const [checks, setChecks] = useState<Record<string, Check | 'checking'>>({})
  const [resumes, setResumes] = useState<Record<string, { held: number; parts: number }>>({})
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [deliveries, setDeliveries] = useState<Record<string, Delivery>>({})
  const aborts = useRef(new Map<string, AbortController>())

  // The requests (one search: their rows carry what the caller may do), and
  // the forms of the source types.
  const loadRequests = useCallback(async () => {
    if (!ids.length) return { found: [], missing: [] }
    const res = await api.get<{ rows: (Details['request'] & { actions?: Details['actions'] })[] | null }>('/v1/requests', {
      requestId: ids.join(','),
      status: 'All',
      limit: 500,
      columns: 'title,sourceType,language,status,materialStatus,actions',
    })
    const rows = new Map((res.rows ?? []).map((r) => [r.id, r]))
    const found: Details[] = []
    for (const id of ids) {
      const r = rows.get(id.toLowerCase())
      if (r) {
        const { actions, ...request } = r
        found.push({ request, actions: actions ?? {} })
      }
    }
    return { found, missing: ids.filter((id) => !rows.has(id.toLowerCase())) }
  }, [api, ids])

  useEffect(() => {
    let live = true
    setItems(undefined)
    loadRequests().then(
      ({ found, missing }) => {
        if (!live) return
        setItems(found)
        setMissing(missing)
      },
      (e: unknown) => live && setLoadError(messageOf(e)),
    )
    api.get<{ sourceTypes: FormSpec[] | null }>('/v1/source-types').then(
      ({ sourceTypes }) => live && setForms(new Map((sourceTypes ?? []).map((f) => [f.sourceType, f]))),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [api, loadRequests])

  // The plan: which bin file fits which request, and why.
  const binNames = bin.map((b) => b.file.name).join('\u0000')
  useEffect(() => {
    if (!items?.length || !bin.length) {
      setPlans({})
      return
    }
    const c = new AbortController()
    api.post<{ plans: Plan[] }>('/v1/deliveries/plan', {
      files: bin.map((b) => ({ name: b.file.name, size: b.file.size })),
      requestIds: items.map((d) => d.request.id),
    }, c.signal).then(
      (res) => setPlans(Object.fromEntries(res.plans.map((p) => [p.requestId, p]))),
      () => undefined, // the plan only advises: the page works without it
    )
    return () => c.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, items, binNames])

  // The dry run: is each card's delivery complete? Only the server says.
  const checkKey = JSON.stringify([chosen, meta])
  useEffect(() => {
    if (!items) return
    const todo = items.filter((d) => (chosen[d.request.id]?.length ?? 0) > 0 && d.actions.deliver?.allowed !== false && !deliveries[d.request.id])
    if (!todo.length) return
    setChecks((c) => ({ ...c, ...Object.fromEntries(todo.map((d) => [d.request.id, 'checking' as const])) }))
    const c = new AbortController()
    const t = setTimeout(() => {
      api.post<{ results: { requestId: string; ok: boolean; code?: string; message?: string }[] }>('/v1/transfers', {
        dryRun: true,
        method: 'UI',
        transfers: todo.map((d) => ({
          requestId: d.request.id,
          files: (chosen[d.request.id] ?? []).map((k) => {
            const b = bin.find((x) => x.key === k)!
            return { name: b.file.name, size: b.file.size, contentType: b.file.type || undefined, metadata: clean(meta[d.request.id]?.[k]) }
          }),
        })),
      }, c.signal).then(
        (res) => setChecks((prev) => {
          const next = { ...prev }
          res.results.forEach((r, i) => (next[todo[i]!.request.id] = { ok: r.ok, code: r.code, message: r.message }))
          return next
        }),
        (e: unknown) => {
          if (c.signal.aborted) return
          const msg = messageOf(e)
          setChecks((prev) => ({ ...prev, ...Object.fromEntries(todo.map((d) => [d.request.id, { ok: false, code: 'error', message: msg }])) }))
        },
      )
    }, 250)
    return () => {
      clearTimeout(t)
      c.abort()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, items, checkKey])

  // Following transfers until inspection ends: one poll for every card.
  // A few transfers per tick, in turn, so that many cards stay within the API's rate limit.
  const following = Object.entries(deliveries).filter(([, d]) => d.transfer && d.phase === 'following').map(([id, d]) => `${id}:${d.transfer!.id}`).join(',')
  const turn = useRef(0)
  useEffect(() => {
    if (!following) return
    const t = setInterval(() => {
      const all = following.split(',')
      const start = turn.current % all.length
      const now = [...all, ...all].slice(start, start + Math.min(all.length, pollsPerTick))
      turn.current = start + now.length
      for (const pair of now) {
        const [rid, tid] = pair.split(':') as [string, string]
        api.get<TransferCard>(`/v1/transfers/${encodeURIComponent(tid)}`).then(
          (card) => {
            setDeliveries((all) => ({ ...all, [rid]: { ...all[rid]!, transfer: card, phase: inFlight(card.status) ? 'following' : 'done' } }))
            if (!inFlight(card.status)) {
              // Inspection over: the request moved on too (Processed, Redelivery Requested …).
              api.get<Details>(`/v1/requests/${encodeURIComponent(rid)}`).then(
                (d) => setItems((list) => list?.map((x) => (x.request.id === rid ? d : x))),
                () => undefined,
              )
            }
          },
          () => undefined, // a missed poll: the next one tries again
        )
      }
    }, 2000)
    return () => clearInterval(t)
  }, [api, following])

  useEffect(() => () => aborts.current.forEach((c) => c.abort()), [])

  const addToBin = useCallback((files: File[]) => {
    setBin((prev) => {
      const have = new Set(prev.map((b) => b.key))
      const added = files.filter((f) => !have.has(fileKey(f))).map((f) => ({ key: fileKey(f), file: f }))
      return added.length ? [...prev, ...added] : prev
    })
  }, [])

  const forRequest = (d: Details) => forms.get(d.request.sourceType)

  /** Files chosen for a request: the metadata rows, and a resume found for them. */
  const choose = (d: Details, keys: string[], files?: File[]) => {
    const id = d.request.id
    setChosen((c) => ({ ...c, [id]: keys }))
    setSelected((s) => {
      const n = new Set(s)
      n.add(id)
      return n
    })
    const list = files ?? keys.map((k) => bin.find((b) => b.key === k)?.file).filter((f): f is File => !!f)
    setResumes((r) => {
      const { [id]: _, ...rest } = r
      return rest
    })
    if (!list.length) return
    resumable(api, id, list).then(
      (card) => {
        if (!card) return
        const cf = card.files ?? []
        setResumes((r) => ({ ...r, [id]: { held: cf.reduce((s, f) => s + (f.received?.length ?? 0), 0), parts: cf.reduce((s, f) => s + f.parts, 0) } }))
        // The metadata the transfer was begun with: the resume delivers those.
        setMeta((m) => ({ ...m, [id]: Object.fromEntries(list.map((f, i) => [fileKey(f), { ...(cf[i]?.metadata ?? {}) }])) }))
      },
      () => undefined,
    )
  }

  const dropOn = (d: Details, files: File[]) => {
    addToBin(files)
    const several = forRequest(d)?.severalFiles
    let keep = files
    if (!several && files.length > 1) {
      keep = files.slice(0, 1)
      toast(`${sourceTypeName(d.request.sourceType)} takes one file: ${files[0]!.name} was chosen; the others went to the File Bin.`, 'danger')
    }
    const keys = several ? [...new Set([...(chosen[d.request.id] ?? []), ...keep.map(fileKey)])] : keep.map(fileKey)
    const all = several ? keys.map((k) => bin.find((b) => b.key === k)?.file ?? keep.find((f) => fileKey(f) === k)).filter((f): f is File => !!f) : keep
    choose(d, keys, all)
  }

  const setField = (d: Details, key: string, field: string, value: string) =>
    setMeta((m) => ({ ...m, [d.request.id]: { ...m[d.request.id], [key]: { ...m[d.request.id]?.[key], [field]: value } } }))

  const applyAll = (d: Details) => {
    const keys = chosen[d.request.id] ?? []
    const first = meta[d.request.id]?.[keys[0] ?? '']
    if (!first) return
    setMeta((m) => ({ ...m, [d.request.id]: Object.fromEntries(keys.map((k) => [k, { ...first }])) }))
  }

  const resetBin = () => {
    const busy = new Set(Object.entries(deliveries).filter(([, d]) => d.phase === 'uploading').map(([id]) => id))
    setBin((prev) => prev.filter((b) => [...busy].some((id) => chosen[id]?.includes(b.key))))
    setChosen((c) => Object.fromEntries(Object.entries(c).filter(([id]) => busy.has(id))))
    setResumes({})
  }

  const isReady = (d: Details) => {
    const c = checks[d.request.id]
    const dl = deliveries[d.request.id]
    return (chosen[d.request.id]?.length ?? 0) > 0 && c !== 'checking' && !!c?.ok && (!dl || dl.phase === 'failed') && d.actions.deliver?.allowed !== false
  }
  const ready = (items ?? []).filter(isReady)
  const toDeliver = ready.filter((d) => selected.has(d.request.id))

  const start = (d: Details) => {
    const id = d.request.id
    const keys = chosen[id] ?? []
    const out = keys.map((k) => ({ file: bin.find((b) => b.key === k)!.file, metadata: clean(meta[id]?.[k]) }))
    const ctl = new AbortController()
    aborts.current.set(id, ctl)
    setDeliveries((all) => ({ ...all, [id]: { phase: 'uploading' } }))
    deliver(api, id, out, (progress) => setDeliveries((all) => ({ ...all, [id]: { ...all[id]!, phase: 'uploading', progress } })), ctl.signal).then(
      (card) => {
        setDeliveries((all) => ({ ...all, [id]: { ...all[id]!, phase: inFlight(card.status) ? 'following' : 'done', transfer: card } }))
        setResumes((r) => {
          const { [id]: _, ...rest } = r
          return rest
        })
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return
        setDeliveries((all) => ({ ...all, [id]: { ...all[id]!, phase: 'failed', error: messageOf(e) } }))
      },
    )
  }

  const deliverSelected = () => {
    for (const d of toDeliver) start(d)
    setSelected(new Set())
  }

  // Overall progress over the uploads running now.
  const running = (items ?? []).filter((d) => deliveries[d.request.id]?.phase === 'uploading')
  const totals = running.reduce(
    (t, d) => {
      const dl = deliveries[d.request.id]!
      const size = (chosen[d.request.id] ?? []).reduce((s, k) => s + (bin.find((b) => b.key === k)?.file.size ?? 0), 0)
      return { size: t.size + size, sent: t.sent + (dl.progress?.sent.reduce((a, b) => a + b, 0) ?? 0) }
    },
    { size: 0, sent: 0 },
  )

  const usedBy = useMemo(() => {
    const m = new Map<string, number>()
    for (const keys of Object.values(chosen)) for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1)
    return m
  }, [chosen])

  if (!ids.length) {
    return (
      <div className="dl">
        <Notice tone="info" title="No requests to deliver to">
          <p>Open the Delivery UI from a request&apos;s Deliver action, or select requests on the dashboard and choose Deliver.</p>
        </Notice>
      </div>
    )
  }
  if (loadError) {
    return (
      <div className="dl">
        <Notice tone="danger" title="The requests could not be loaded"><p>{loadError}</p></Notice>
      </div>
    )
  }
  if (!items) return <div className="dl"><Spinner label="Loading the requests…" /></div>

  const groups = new Map<string, Details[]>()
  for (const d of [...items].sort((a, b) => a.request.title.localeCompare(b.request.title) || a.request.sourceType.localeCompare(b.request.sourceType))) {
    const g = groupOf(d, grouping)
    groups.set(g, [...(groups.get(g) ?? []), d])
  }
  const allSelected = ready.length > 0 && ready.every((d) => selected.has(d.request.id))

  return (
    <div className="dl" data-testid="deliver-page">
      <div className="dl-head">
        <div>
          <h1 className="dl-h1">Deliver</h1>
          <p className="muted">
            {items.length} request{items.length === 1 ? '' : 's'}. Drop files on a request, or into the File Bin and choose them on each request.
          </p>
        </div>
        <label className="dl-group">
          <span>Group</span>
          <select value={grouping} onChange={(e) => setGrouping(e.target.value as Grouping)} data-testid="group-by">
            {groupings.map((g) => <option key={g.key} value={g.key}>{g.label}</option>)}
          </select>
        </label>
      </div>
      {missing.length > 0 && (
        <Notice tone="warning" title={`${missing.length} request${missing.length === 1 ? ' is' : 's are'} not shown`}>
          <p>Not found, or not yours: {missing.join(', ')}</p>
        </Notice>
      )}
      {ids.length >= maxIds && <Notice tone="info" title={`The first ${maxIds} requests are shown`} />}

      <FileBin files={bin} onAdd={addToBin} onReset={resetBin} usedBy={usedBy} />

      <div className="dl-toolbar" role="region" aria-label="Deliver the selected requests">
        <label className="dl-selectall">
          <input
            type="checkbox"
            checked={allSelected}
            disabled={ready.length === 0}
            onChange={(e) => setSelected(e.target.checked ? new Set(ready.map((d) => d.request.id)) : new Set())}
            data-testid="select-all"
          />
          Select all ready ({ready.length})
        </label>
        <button type="button" className="btn btn-primary" disabled={toDeliver.length === 0} onClick={deliverSelected} data-testid="deliver-button">
          Deliver{toDeliver.length ? ` (${toDeliver.length})` : ''}
        </button>
        {running.length > 0 && (
          <div className="dl-overall" data-testid="overall-progress">
            <progress max={Math.max(1, totals.size)} value={totals.sent} aria-label="Upload of every file" />
            <span>{bytes(totals.sent)} of {bytes(totals.size)}</span>
          </div>
        )}
      </div>

      {[...groups.entries()].map(([g, list]) => (
        <section key={g} className="dl-groupset" aria-label={g}>
          <h2 className="dl-h2">{g} <span className="muted">({list.length})</span></h2>
          {list.map((d) => (
            <Card
              key={d.request.id}
              item={d}
              underTitle={grouping === 'title'}
              form={forRequest(d)}
              bin={bin}
              plan={plans[d.request.id]}
              chosen={chosen[d.request.id] ?? []}
              metadata={meta[d.request.id] ?? {}}
              check={checks[d.request.id]}
              resume={resumes[d.request.id]}
              delivery={deliveries[d.request.id]}
              selected={selected.has(d.request.id)}
              onSelect={(on) => setSelected((s) => {
                const n = new Set(s)
                if (on) n.add(d.request.id)
                else n.delete(d.request.id)
                return n
              })}
              onDrop={(files) => dropOn(d, files)}
              onChoose={(keys) => choose(d, keys)}
              onMeta={(k, f, v) => setField(d, k, f, v)}
              onApplyAll={() => applyAll(d)}
            />
          ))}
        </section>
      ))}
    </div>
  )
}

/** Metadata without empty values (the server fills defaults, such as the request's language). */
function clean(m: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!m) return undefined
  const out = Object.fromEntries(Object.entries(m).filter(([, v]) => v.trim() !== ''))
  return Object.keys(out).length ? out : undefined
}
