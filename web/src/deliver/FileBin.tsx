// The File Bin: drop many files once, then pick them for each request
// from its "Select a source". The header (anywhere on it) expands and
// collapses the list, which is organized by file type; Reset empties it.
import { useState } from 'react'
import { type BinFile, bytes, kindOf, kindOrder } from './model'
import { DropZone } from './DropZone'

interface Props {
  files: BinFile[]
  onAdd: (files: File[]) => void
  onReset: () => void
  usedBy: Map<string, number>
}

export function FileBin({ files, onAdd, onReset, usedBy }: Props) {
  const [open, setOpen] = useState(false)
  const groups = kindOrder
    .map((k) => ({ kind: k, files: files.filter((f) => kindOf(f.file.name) === k) }))
    .filter((g) => g.files.length > 0)
  const total = files.reduce((s, f) => s + f.file.size, 0)
  return (
    <section className="dl-bin" aria-labelledby="dl-bin-title" data-testid="file-bin">
      <div className="dl-bin-head">
        <button type="button" className="dl-bin-toggle" aria-expanded={open} aria-controls="dl-bin-list" onClick={() => setOpen((o) => !o)}>
          <span className="dl-chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
          <span id="dl-bin-title" className="dl-bin-title">File Bin</span>
          <span className="count-chip" data-testid="bin-count" aria-label={`${files.length} files`}>{files.length}</span>
          {files.length > 0 && <span className="muted">{bytes(total)}</span>}
        </button>
        <button type="button" className="btn btn-quiet btn-small" onClick={onReset} disabled={files.length === 0} data-testid="bin-reset">
          Reset
        </button>
      </div>
      <DropZone label="Drop files for many requests here" onFiles={onAdd} testId="bin-drop" compact={files.length > 0} />
      {open && (
        <div id="dl-bin-list" className="dl-bin-list">
          {groups.length === 0 && <p className="muted">No files yet. Drop files above, then choose them on each request&apos;s card.</p>}
          {groups.map((g) => (
            <div key={g.kind} className="dl-bin-group">
              <h3 className="dl-bin-kind">{g.kind} <span className="muted">({g.files.length})</span></h3>
              <ul>
                {g.files.map((f) => (
                  <li key={f.key} data-testid="bin-file">
                    <span className="dl-file-name">{f.file.name}</span>
                    <span className="muted">{bytes(f.file.size)}</span>
                    {(usedBy.get(f.key) ?? 0) > 0 && <span className="dl-used">chosen for {usedBy.get(f.key)} request{usedBy.get(f.key) === 1 ? '' : 's'}</span>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  )
}
