// Small shared pieces of the design system (styles in styles/components.css):
// notices, a spinner, icons, icon buttons with tooltips, modal dialogs
// (native <dialog>), popovers and menus (the Popover API: top layer, light
// dismiss, focus back to the button), toasts. Render <UiLayer /> once (the
// shell does) for toasts and tooltips.
import {
  useCallback, useEffect, useId, useLayoutEffect, useRef, useState, useSyncExternalStore,
  type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent, type ReactNode, type RefObject,
} from 'react'
import { flushSync } from 'react-dom'

type Tone = 'info' | 'danger' | 'success' | 'warning'

export function Notice({ tone = 'info', title, children }: { tone?: Tone; title: string; children?: ReactNode }) {
  return (
    <section className={`notice notice-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      <h2 className="notice-title">{title}</h2>
      {children}
    </section>
  )
}

export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  )
}

// ---------------------------------------------------------------- icons

const paths = {
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4.2-4.2',
  close: 'M6 6l12 12M18 6L6 18',
  star: 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z',
  columns: 'M4 5h16v14H4zM9.3 5v14M14.7 5v14',
  group: 'M4 6h16M4 12h10M4 18h6M17 15l3 3-3 3',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  chevronLeft: 'M15 6l-6 6 6 6',
  info: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 11v6M12 7.5v.5',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  deliver: 'M12 20V9M7 14l5-5 5 5M5 4h14',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  comment: 'M4 5h16v11H9l-5 4z',
  sheet: 'M5 3h10l4 4v14H5zM14 3v5h5M8 12h8M8 16h8M12 12v8',
  edit: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  calendar: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5',
  cancel: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM5.6 5.6l12.8 12.8',
  undo: 'M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3',
  check: 'M5 12.5l4.5 4.5L19 7',
  alert: 'M12 4l9 16H3zM12 10v4M12 17v.5',
  grip: 'M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01',
  refresh: 'M20 12a8 8 0 1 1-2.3-5.7M20 4v5h-5',
  lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3',
  arrowUp: 'M12 19V5M6 11l6-6 6 6',
  arrowDown: 'M12 5v14M6 13l6 6 6-6',
  plus: 'M12 5v14M5 12h14',
  trash: 'M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13',
  subassign: 'M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8 13a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 20c0-3 3-5 6-5M12 20c0-3 1.8-5 4-5s4 2 4 5',
  status: 'M4 7h9M4 12h6M4 17h9M15 14l2.5 2.5L22 12',
} as const

export type IconName = keyof typeof paths

export function Icon({ name, filled = false, className }: { name: IconName; filled?: boolean; className?: string }) {
  return (
    <svg className={`icon${className ? ` ${className}` : ''}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill={filled ? 'currentColor' : 'none'} />
    </svg>
  )
}

// ---------------------------------------------------------- buttons

interface IconButtonProps {
  /** The button's name (also its tooltip). */
  label: string
  icon: IconName
  onClick?: (e: ReactMouseEvent<HTMLButtonElement>) => void
  /** Greyed out; reason says why (read out and shown in the tooltip). */
  disabled?: boolean
  reason?: string | undefined
  pressed?: boolean
  expanded?: boolean
  className?: string
  filled?: boolean
  /** Text beside the icon (the name stays label). */
  text?: string
  popoverTarget?: string
  testId?: string
}

/**
 * A button with an icon and a tooltip. Greyed buttons stay focusable
 * (aria-disabled) so that their reason can be read.
 */
export function IconButton({ label, icon, onClick, disabled, reason, pressed, expanded, className, filled, text, popoverTarget, testId }: IconButtonProps) {
  const reasonId = useId()
  const tip = disabled && reason ? `${label}: ${reason}` : label
  return (
    <button
      type="button"
      className={`btn-icon${text ? ' btn-icon-text' : ''}${className ? ` ${className}` : ''}`}
      // With text, the name is the label only if it starts with the text (what people see is what they say).
      aria-label={text && !label.startsWith(text) ? undefined : label}
      aria-disabled={disabled || undefined}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-describedby={disabled && reason ? reasonId : undefined}
      data-tip={tip}
      data-testid={testId}
      popoverTarget={disabled ? undefined : popoverTarget}
      onClick={(e) => {
        if (disabled) {
          e.preventDefault()
          return
        }
        onClick?.(e)
      }}
    >
      <Icon name={icon} filled={filled} />
      {text && <span>{text}</span>}
      {disabled && reason && <span id={reasonId} className="sr-only">{reason}</span>}
    </button>
  )
}

/** A link styled as an icon button (opens pages, e.g. in a new tab). */
export function IconLink({ label, icon, href, newTab, className }: { label: string; icon: IconName; href: string; newTab?: boolean; className?: string }) {
  return (
    <a
      className={`btn-icon${className ? ` ${className}` : ''}`}
      href={href}
      aria-label={newTab ? `${label} (opens in a new tab)` : label}
      data-tip={label}
      {...(newTab ? { target: '_blank', rel: 'noopener' } : {})}
    >
      <Icon name={icon} />
    </a>
  )
}

// ----------------------------------------------------------- dialog

interface DialogProps {
  title: string
  /** Esc, the close button or the backdrop (unless busy). */
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
  busy?: boolean
  wide?: boolean
  testId?: string
}

/**
 * A modal dialog (native <dialog>: focus stays inside, the page behind is
 * inert, Esc closes, focus returns where it was). Open while mounted.
 */
export function Dialog({ title, onClose, children, footer, busy, wide, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose
  const busyRef = useRef(busy)
  busyRef.current = busy

  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (!d.open) d.showModal()
    const cancel = (e: Event) => {
      e.preventDefault()
      if (!busyRef.current) closeRef.current()
    }
    d.addEventListener('cancel', cancel)
    return () => {
      d.removeEventListener('cancel', cancel)
      if (d.open) d.close()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onMouseDown={(e) => {
        // A press on the backdrop (the dialog element itself, outside its box) closes it.
        if (e.target !== ref.current || busyRef.current) return
        const r = ref.current.getBoundingClientRect()
        const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom
        if (!inside) closeRef.current()
      }}
    >
      <header className="dialog-head">
        <h2 id={titleId} className="dialog-title">{title}</h2>
        <IconButton label="Close" icon="close" onClick={() => !busy && onClose()} disabled={busy} />
      </header>
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-foot">{footer}</footer>}
    </dialog>
  )
}

// ---------------------------------------------------------- popover

/**
 * Places a fixed element under its anchor, or above it when there is more
 * room there, and no taller than the room on that side.
 */
function place(el: HTMLElement, anchor: HTMLElement, align: 'start' | 'end') {
  const a = anchor.getBoundingClientRect()
  const gap = 4
  el.style.maxHeight = ''
  const w = el.offsetWidth
  const h = el.offsetHeight
  const below = window.innerHeight - a.bottom - gap - 8
  const above = a.top - gap - 8
  let left = align === 'end' ? a.right - w : a.left
  left = Math.max(8, Math.min(left, window.innerWidth - w - 8))
  let top: number
  if (h <= below || below >= above) {
    top = a.bottom + gap
    if (h > below) el.style.maxHeight = `${Math.floor(below)}px`
  } else {
    const room = Math.min(h, above)
    top = a.top - gap - room
    if (h > above) el.style.maxHeight = `${Math.floor(above)}px`
  }
  el.style.left = `${Math.round(left)}px`
  el.style.top = `${Math.round(top)}px`
}

interface PopoverProps {
  id: string
  /** The element it opens under (usually its button, which names id as popoverTarget). */
  anchor: RefObject<HTMLElement | null>
  open: boolean
  onOpenChange: (open: boolean) => void
  children: ReactNode
  align?: 'start' | 'end'
  className?: string
  role?: 'dialog' | 'menu' | 'listbox'
  label?: string
  labelledBy?: string
  /** Where focus goes when it opens (default: the first focusable element). */
  initialFocus?: string
}

/**
 * A popup in the top layer (Popover API): light dismiss (a click outside or
 * Esc closes it), never clipped by a scrolling parent, focus back to the
 * button when it closes. Open and closed by its button (popoverTarget) or
 * by open.
 */
export function Popover({ id, anchor, open, onOpenChange, children, align = 'start', className, role = 'dialog', label, labelledBy, initialFocus }: PopoverProps) {
  const ref = useRef<HTMLDivElement>(null)
  const changeRef = useRef(onOpenChange)
  changeRef.current = onOpenChange
  const openRef = useRef(open)
  openRef.current = open
  const showing = useRef(false) // the browser is showing it (its button was pressed)

  // Placed under its anchor, and focus inside, once it is shown.
  const arrange = useCallback(() => {
    const el = ref.current
    if (!el || !el.matches(':popover-open')) return
    if (anchor.current) place(el, anchor.current, align)
    if (el.contains(document.activeElement)) return
    const focusTarget = (initialFocus && el.querySelector<HTMLElement>(initialFocus)) ||
      el.querySelector<HTMLElement>('[autofocus], input:not([disabled]), select, textarea, [role=menuitem]:not([aria-disabled=true]), button:not([disabled]), a[href]')
    focusTarget?.focus()
  }, [anchor, align, initialFocus])

  useEffect(() => {
    const el = ref.current
    if (!el) return
    // Before it shows, so that its content is there to place and focus.
    const toggling = (e: Event) => {
      const now = (e as ToggleEvent).newState === 'open'
      if (now === openRef.current) return // React asked for it
      if (now) {
        showing.current = true
        try {
          flushSync(() => changeRef.current(true))
        } finally {
          showing.current = false
        }
      } else changeRef.current(false)
    }
    const toggled = (e: Event) => {
      if ((e as ToggleEvent).newState === 'open') arrange()
    }
    el.addEventListener('beforetoggle', toggling)
    el.addEventListener('toggle', toggled)
    return () => {
      el.removeEventListener('beforetoggle', toggling)
      el.removeEventListener('toggle', toggled)
    }
  }, [arrange])

  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const shown = el.matches(':popover-open')
    if (open && !shown && !showing.current) el.showPopover()
    if (!open && shown) el.hidePopover()
    if (!open) return
    arrange()
    const again = () => {
      if (anchor.current && el.matches(':popover-open')) place(el, anchor.current, align)
    }
    window.addEventListener('resize', again)
    window.addEventListener('scroll', again, true)
    return () => {
      window.removeEventListener('resize', again)
      window.removeEventListener('scroll', again, true)
    }
  }, [open, anchor, align, arrange])

  return (
    <div
      ref={ref}
      id={id}
      popover="auto"
      role={role}
      aria-label={label}
      aria-labelledby={labelledBy}
      className={`popover${className ? ` ${className}` : ''}`}
    >
      {open && children}
    </div>
  )
}

// ------------------------------------------------------------- menu

export interface MenuItem {
  key: string
  label: string
  icon?: IconName
  onSelect?: () => void
  /** A link instead of an action. */
  href?: string
  newTab?: boolean
  disabled?: boolean
  /** Why it is greyed out (shown under its label). */
  reason?: string | undefined
}

interface MenuProps {
  label: string
  items: MenuItem[]
  icon?: IconName
  /** Text on the button (the menu is still named label). */
  text?: string
  align?: 'start' | 'end'
  className?: string
  testId?: string
}

/** A menu button: arrows, Home and End move, Enter or Space choose, Esc closes. */
export function Menu({ label, items, icon = 'more', text, align = 'end', className, testId }: MenuProps) {
  const id = useId().replace(/:/g, '')
  const button = useRef<HTMLButtonElement>(null)
  const [open, setOpen] = useState(false)
  const list = useRef<HTMLDivElement>(null)

  const choose = (item: MenuItem) => {
    if (item.disabled) return
    setOpen(false)
    button.current?.focus()
    item.onSelect?.()
  }

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const els = [...(list.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])]
    const i = els.indexOf(document.activeElement as HTMLElement)
    const go = (n: number) => {
      e.preventDefault()
      els[(n + els.length) % els.length]?.focus()
    }
    if (e.key === 'ArrowDown') go(i + 1)
    else if (e.key === 'ArrowUp') go(i - 1)
    else if (e.key === 'Home') go(0)
    else if (e.key === 'End') go(els.length - 1)
    else if (e.key === 'Tab') setOpen(false)
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        className={`btn-icon${text ? ' btn-icon-text' : ''}${className ? ` ${className}` : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={text ? undefined : label}
        data-tip={label}
        data-testid={testId}
        popoverTarget={id}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault()
            setOpen(true)
          }
        }}
      >
        <Icon name={icon} />
        {text && <span>{text}</span>}
      </button>
      <Popover id={id} anchor={button} open={open} onOpenChange={setOpen} align={align} role="menu" label={label} className="menu">
        <div ref={list} onKeyDown={onKeyDown}>
          {items.map((item) =>
            item.href && !item.disabled ? (
              <a
                key={item.key}
                role="menuitem"
                className="menu-item"
                href={item.href}
                tabIndex={-1}
                onClick={() => setOpen(false)}
                {...(item.newTab ? { target: '_blank', rel: 'noopener' } : {})}
              >
                {item.icon && <Icon name={item.icon} />}
                <span className="menu-item-text">{item.label}{item.newTab && <span className="sr-only"> (opens in a new tab)</span>}</span>
              </a>
            ) : (
              <div
                key={item.key}
                role="menuitem"
                className="menu-item"
                tabIndex={-1}
                aria-disabled={item.disabled || undefined}
                onClick={() => choose(item)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault()
                    choose(item)
                  }
                }}
              >
                {item.icon && <Icon name={item.icon} />}
                <span className="menu-item-text">
                  {item.label}
                  {item.disabled && item.reason && <span className="menu-item-reason">{item.reason}</span>}
                </span>
              </div>
            ),
          )}
        </div>
      </Popover>
    </>
  )
}

// ----------------------------------------------------------- toasts

export interface Toast {
  id: number
  text: string
  tone: Tone
}

let toasts: Toast[] = []
let nextToast = 1
const toastListeners = new Set<() => void>()

function setToasts(next: Toast[]) {
  toasts = next
  for (const fn of toastListeners) fn()
}

/** Shows a short message at the bottom of the page for a few seconds (errors stay longer). */
export function toast(text: string, tone: Tone = 'success') {
  const t = { id: nextToast++, text, tone }
  setToasts([...toasts.slice(-3), t])
  window.setTimeout(() => setToasts(toasts.filter((x) => x.id !== t.id)), tone === 'danger' ? 12_000 : 6_000)
}

function Toaster() {
  const list = useSyncExternalStore(
    (fn) => {
      toastListeners.add(fn)
      return () => toastListeners.delete(fn)
    },
    () => toasts,
  )
  const polite = list.filter((t) => t.tone !== 'danger')
  const urgent = list.filter((t) => t.tone === 'danger')
  const render = (t: Toast) => (
    <div key={t.id} className={`toast toast-${t.tone}`}>
      <Icon name={t.tone === 'danger' ? 'alert' : t.tone === 'success' ? 'check' : 'info'} />
      <span className="toast-text">{t.text}</span>
      <button type="button" className="btn-icon toast-close" aria-label="Dismiss" onClick={() => setToasts(toasts.filter((x) => x.id !== t.id))}>
        <Icon name="close" />
      </button>
    </div>
  )
  return (
    <div className="toasts">
      <div role="status" aria-live="polite">{polite.map(render)}</div>
      <div role="alert" aria-live="assertive">{urgent.map(render)}</div>
    </div>
  )
}

// --------------------------------------------------------- tooltips

/**
 * One tooltip for every element with data-tip, shown on hover (after a
 * short wait) and on keyboard focus, in the top layer so that no scrolling
 * parent clips it. It only repeats the element's name or description, which
 * assistive technology already reads, so it is hidden from it.
 */
function TooltipLayer() {
  const ref = useRef<HTMLDivElement>(null)
  const [text, setText] = useState('')
  const target = useRef<HTMLElement | null>(null)
  const timer = useRef<number | undefined>(undefined)

  const hide = useCallback(() => {
    window.clearTimeout(timer.current)
    target.current = null
    const el = ref.current
    if (el?.matches(':popover-open')) el.hidePopover()
  }, [])

  const show = useCallback((t: HTMLElement) => {
    const el = ref.current
    if (!el) return
    target.current = t
    setText(t.dataset.tip ?? '')
    requestAnimationFrame(() => {
      if (target.current !== t || !t.isConnected) return
      if (!el.matches(':popover-open')) el.showPopover()
      const a = t.getBoundingClientRect()
      const w = el.offsetWidth
      const h = el.offsetHeight
      let left = a.left + a.width / 2 - w / 2
      left = Math.max(6, Math.min(left, window.innerWidth - w - 6))
      let top = a.bottom + 6
      if (top + h > window.innerHeight - 6) top = a.top - h - 6
      el.style.left = `${Math.round(left)}px`
      el.style.top = `${Math.round(top)}px`
    })
  }, [])

  useEffect(() => {
    const tipOf = (e: Event) => (e.target instanceof Element ? e.target.closest<HTMLElement>('[data-tip]') : null)
    const over = (e: Event) => {
      const t = tipOf(e)
      if (!t || t === target.current) return
      hide()
      timer.current = window.setTimeout(() => show(t), 350)
    }
    const out = (e: Event) => {
      const t = tipOf(e)
      const to = (e as MouseEvent).relatedTarget
      if (t && to instanceof Node && t.contains(to)) return
      hide()
    }
    const focus = (e: Event) => {
      const t = tipOf(e)
      if (t && t.matches(':focus-visible')) show(t)
      else hide()
    }
    const key = (e: KeyboardEvent) => e.key === 'Escape' && hide()
    document.addEventListener('pointerover', over)
    document.addEventListener('pointerout', out)
    document.addEventListener('focusin', focus)
    document.addEventListener('focusout', hide)
    document.addEventListener('pointerdown', hide)
    document.addEventListener('keydown', key)
    window.addEventListener('scroll', hide, true)
    return () => {
      document.removeEventListener('pointerover', over)
      document.removeEventListener('pointerout', out)
      document.removeEventListener('focusin', focus)
      document.removeEventListener('focusout', hide)
      document.removeEventListener('pointerdown', hide)
      document.removeEventListener('keydown', key)
      window.removeEventListener('scroll', hide, true)
    }
  }, [hide, show])

  return (
    <div ref={ref} popover="manual" className="tooltip" aria-hidden="true">
      {text}
    </div>
  )
}

/** Toasts and tooltips: render once, in the shell. */
export function UiLayer() {
  return (
    <>
      <Toaster />
      <TooltipLayer />
    </>
  )
}
