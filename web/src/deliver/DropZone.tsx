// A place to drop files from the desktop, with a Browse button for
// keyboards and people who do not drag.
import { useId, useRef, useState, type DragEvent } from 'react'

interface Props {
  label: string
  onFiles: (files: File[]) => void
  disabled?: boolean
  compact?: boolean
  testId?: string
}

export function DropZone({ label, onFiles, disabled, compact, testId }: Props) {
  const [over, setOver] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const id = useId()
  const accept = (e: DragEvent) => {
    if (disabled || !e.dataTransfer.types.includes('Files')) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    setOver(true)
  }
  const drop = (e: DragEvent) => {
    e.preventDefault()
    setOver(false)
    if (disabled) return
    const files = [...e.dataTransfer.files]
    if (files.length) onFiles(files)
  }
  return (
    <div
      className={`dl-drop${over ? ' dl-drop-over' : ''}${compact ? ' dl-drop-compact' : ''}${disabled ? ' dl-drop-off' : ''}`}
      onDragEnter={accept}
      onDragOver={accept}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid={testId}
    >
      <span className="dl-drop-icon" aria-hidden="true">⇪</span>
      <span>{label}</span>
      <span className="muted">or</span>
      <label htmlFor={id} className={`btn btn-small${disabled ? ' dl-disabled' : ''}`}>Browse…</label>
      <input
        id={id}
        ref={input}
        type="file"
        multiple
        className="sr-only"
        disabled={disabled}
        aria-label={`${label}: browse`}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])]
          if (files.length) onFiles(files)
          if (input.current) input.current.value = ''
        }}
      />
    </div>
  )
}
