// The preview player: a native <video> with the controls a coordinator or
// QC operator needs on a watermarked proxy — scrub, mute, seek back and
// forward by a number of seconds kept per browser, frame step by the file's
// frame rate, play/pause, full screen, language options where the proxy
// carries several audio or subtitle tracks, and a HH:MM:SS:FF timecode.
//
//   const player = useRef<PlayerHandle>(null)
//   <Player ref={player} src={url} frameRate={23.976} start={12} title="Episode 1 proxy"
//           onTime={(s) => setNow(s)} />
//   player.current?.seek(95.5)
//
// Language options: the audio tracks the browser exposes
// (HTMLMediaElement.audioTracks: Safari; Chromium only behind a flag;
// Firefox behind media.track.enabled) and the subtitle text tracks (the
// subtitles prop, WebVTT). The button is greyed when there is nothing to
// choose, which is the case for openlot's proxies today (one stereo track).
//
// Keys (on the focused player, not inside a text field): Space or K play and
// pause; J and L, or ← and →, seek back and forward; , and . step one frame;
// M mutes; F goes full screen. Every control is also a native button.
import { useCallback, useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react'
import { Popover } from '../ui'
import { readPref, writePref } from '../lib/storage'
import { frameAt, frameStart, timecode } from './timecode'
import './player.css'

export interface PlayerProps {
  /** The video's URL: the watermarked proxy's signed URL (MP4, H.264/AAC). */
  src: string
  /** The file's frame rate, frames per second (23.976, 25 ...): frame step and the timecode use it. Default 25. */
  frameRate?: number | undefined
  /** Where playback starts, in seconds. A later change seeks there (e.g. a QC event's timecode). */
  start?: number | undefined
  /** What is playing: names the player for assistive technology. */
  title: string
  /** Called whenever the shown time changes (playing, scrubbing, stepping), with seconds. */
  onTime?: ((seconds: number) => void) | undefined
  /** The imperative handle (React 19 ref prop): seek, play, pause, the current time. */
  ref?: Ref<PlayerHandle> | undefined
  /**
   * Subtitles as WebVTT files beside the video (<track>): offered under
   * Language options. Neither Chromium nor Firefox exposes subtitles muxed
   * into an MP4 (mov_text) as text tracks, nor a file's audio tracks.
   */
  subtitles?: readonly SubtitleFile[] | undefined
  className?: string | undefined
}

/** A WebVTT subtitle file for the player. */
export interface SubtitleFile {
  src: string
  /** BCP 47, e.g. "fr-CA". */
  language: string
  /** What the menu shows, e.g. "French (Canada)". */
  label: string
}

/** What a parent can do with a player it holds a ref to. */
export interface PlayerHandle {
  /** Moves the playhead to seconds (clamped to the video), without changing play/pause. */
  seek(seconds: number): void
  /** The current time, seconds. */
  currentTime(): number
  play(): Promise<void>
  pause(): void
  /** The underlying element (tests, or reading what the browser knows). */
  readonly video: HTMLVideoElement | null
}

/** The seek durations offered, seconds; the default is the article's: one second. */
export const seekChoices = [1, 2, 5, 10, 30, 60] as const
const seekPrefKey = 'openlot.player.seekSeconds'

// A browser's audio tracks (HTMLMediaElement.audioTracks): Safari has them;
// Chromium only behind a flag and Firefox behind media.track.enabled, so this
// is absent there and TypeScript's DOM types leave it out.
interface AudioTrackLike { id: string; kind: string; label: string; language: string; enabled: boolean }
interface AudioTrackListLike extends EventTarget { readonly length: number; [index: number]: AudioTrackLike }

const icons = {
  play: 'M8 5v14l11-7z',
  pause: 'M7 5h4v14H7zM13 5h4v14h-4z',
  volume: 'M4 9h4l5-4v14l-5-4H4zM16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12',
  muted: 'M4 9h4l5-4v14l-5-4H4zM16 9l5 6M21 9l-5 6',
  back: 'M11 7l-6 5 6 5zM19 7l-6 5 6 5z',
  forward: 'M5 7l6 5-6 5zM13 7l6 5-6 5z',
  frameBack: 'M6 6v12M18 6l-9 6 9 6z',
  frameForward: 'M18 6v12M6 6l9 6-9 6z',
  fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
  exitFullscreen: 'M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5',
  language: 'M4 5h16v11H9l-5 4zM8 10h8M8 13h5',
  settings: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9 7 7M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1',
} as const

function PlayerIcon({ name }: { name: keyof typeof icons }) {
  const solid = name === 'play' || name === 'pause' || name === 'back' || name === 'forward' || name === 'frameBack' || name === 'frameForward'
  return (
    <svg className="player-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={icons[name]} fill={solid ? 'currentColor' : 'none'} />
    </svg>
  )
}

interface ButtonProps {
  label: string
  icon: keyof typeof icons
  onClick?: () => void
  pressed?: boolean
  disabled?: boolean
  reason?: string
  expanded?: boolean
  popoverTarget?: string
  ref?: Ref<HTMLButtonElement>
  text?: string
}

function PlayerButton({ label, icon, onClick, pressed, disabled, reason, expanded, popoverTarget, ref, text }: ButtonProps) {
  const tip = disabled && reason ? `${label}: ${reason}` : label
  return (
    <button
      ref={ref}
      type="button"
      className={`player-btn${text ? ' player-btn-text' : ''}`}
      aria-label={label}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-disabled={disabled || undefined}
      data-tip={tip}
      popoverTarget={disabled ? undefined : popoverTarget}
      onClick={(e) => {
        if (disabled) {
          e.preventDefault()
          return
        }
        onClick?.()
      }}
    >
      <PlayerIcon name={icon} />
      {text && <span>{text}</span>}
    </button>
  )
}

/** The preview player (see the file's comment for use and keys). */
export function Player({ src, frameRate, start, title, onTime, ref, subtitles, className }: PlayerProps) {
  const fps = frameRate && frameRate > 0 ? frameRate : 25
  const video = useRef<HTMLVideoElement>(null)
  const root = useRef<HTMLDivElement>(null)
  const [time, setTime] = useState(start ?? 0)
  const [duration, setDuration] = useState(0)
  const [playing, setPlaying] = useState(false)
  const [muted, setMuted] = useState(false)
  const [full, setFull] = useState(false)
  const [error, setError] = useState<string>()
  const [seekBy, setSeekBy] = useState<number>(() => {
    const v = readPref<number>(seekPrefKey)
    return typeof v === 'number' && v > 0 && v <= 3600 ? v : 1
  })
  const [tracksVersion, setTracksVersion] = useState(0)
  const [langOpen, setLangOpen] = useState(false)
  const [settingsOpen, setSettingsOpen] = useState(false)
  const langButton = useRef<HTMLButtonElement>(null)
  const settingsButton = useRef<HTMLButtonElement>(null)
  const id = useId().replace(/:/g, '')
  const onTimeRef = useRef(onTime)
  onTimeRef.current = onTime

  const show = useCallback((t: number) => {
    setTime(t)
    onTimeRef.current?.(t)
  }, [])

  const seek = useCallback(
    (seconds: number) => {
      const v = video.current
      if (!v || !Number.isFinite(seconds)) return
      const end = Number.isFinite(v.duration) ? v.duration : Infinity
      v.currentTime = Math.min(Math.max(0, seconds), end)
      show(v.currentTime)
    },
    [show],
  )

  useImperativeHandle(
    ref,
    () => ({
      seek,
      currentTime: () => video.current?.currentTime ?? 0,
      play: async () => {
        await video.current?.play()
      },
      pause: () => video.current?.pause(),
      get video() {
        return video.current
      },
    }),
    [seek],
  )

  // The element's events keep the state in step; while playing, each painted frame updates the time.
  useEffect(() => {
    const v = video.current
    if (!v) return
    let frame = 0
    const tick = () => {
      show(v.currentTime)
      if (!v.paused) frame = requestAnimationFrame(tick)
    }
    const onPlay = () => {
      setPlaying(true)
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(tick)
    }
    const onPause = () => {
      setPlaying(false)
      cancelAnimationFrame(frame)
      show(v.currentTime)
    }
    const onMeta = () => {
      setDuration(Number.isFinite(v.duration) ? v.duration : 0)
      setError(undefined)
      setTracksVersion((n) => n + 1)
    }
    const onSeeked = () => show(v.currentTime)
    const onVolume = () => setMuted(v.muted)
    const onError = () => {
      const code = v.error?.code
      setError(
        code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
          ? 'This browser cannot play the preview, or its link has expired.'
          : code === MediaError.MEDIA_ERR_NETWORK
            ? 'The preview stopped loading (a network error).'
            : 'The preview cannot be played.',
      )
    }
    v.addEventListener('play', onPlay)
    v.addEventListener('pause', onPause)
    v.addEventListener('ended', onPause)
    v.addEventListener('loadedmetadata', onMeta)
    v.addEventListener('durationchange', onMeta)
    v.addEventListener('seeked', onSeeked)
    v.addEventListener('timeupdate', onSeeked)
    v.addEventListener('volumechange', onVolume)
    v.addEventListener('error', onError)
    return () => {
      cancelAnimationFrame(frame)
      v.removeEventListener('play', onPlay)
      v.removeEventListener('pause', onPause)
      v.removeEventListener('ended', onPause)
      v.removeEventListener('loadedmetadata', onMeta)
      v.removeEventListener('durationchange', onMeta)
      v.removeEventListener('seeked', onSeeked)
      v.removeEventListener('timeupdate', onSeeked)
      v.removeEventListener('volumechange', onVolume)
      v.removeEventListener('error', onError)
    }
  }, [show])

  // Start where asked: once the video knows its length, and again whenever start changes.
  useEffect(() => {
    const v = video.current
    if (!v || start === undefined) return
    if (v.readyState >= HTMLMediaElement.HAVE_METADATA) {
      seek(start)
      return
    }
    const once = () => seek(start)
    v.addEventListener('loadedmetadata', once, { once: true })
    return () => v.removeEventListener('loadedmetadata', once)
  }, [start, seek, src])

  // Tracks come and go as the file is read: re-render the language options when they do.
  useEffect(() => {
    const v = video.current
    if (!v) return
    const bump = () => setTracksVersion((n) => n + 1)
    const lists: EventTarget[] = [v.textTracks]
    const audio = (v as unknown as { audioTracks?: AudioTrackListLike }).audioTracks
    if (audio) lists.push(audio)
    for (const l of lists) {
      l.addEventListener('addtrack', bump)
      l.addEventListener('removetrack', bump)
      l.addEventListener('change', bump)
    }
    return () => {
      for (const l of lists) {
        l.removeEventListener('addtrack', bump)
        l.removeEventListener('removetrack', bump)
        l.removeEventListener('change', bump)
      }
    }
  }, [src])

  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement === root.current && root.current !== null)
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [])

  const togglePlay = () => {
    const v = video.current
    if (!v) return
    if (v.paused || v.ended) void v.play().catch(() => undefined) // a refused play (autoplay rules) leaves it paused
    else v.pause()
  }
  const toggleMute = () => {
    const v = video.current
    if (v) v.muted = !v.muted
  }
  const step = (frames: number) => {
    const v = video.current
    if (!v) return
    v.pause()
    const last = duration > 0 ? Math.max(0, Math.ceil(duration * fps - 1e-6) - 1) : Infinity
    const target = Math.min(Math.max(0, frameAt(v.currentTime, fps) + frames), last)
    seek(frameStart(target, fps))
  }
  const jump = (dir: 1 | -1) => seek((video.current?.currentTime ?? 0) + dir * seekBy)
  const toggleFull = () => {
    const el = root.current
    if (!el) return
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined)
    else void el.requestFullscreen?.().catch(() => undefined)
  }
  const chooseSeek = (n: number) => {
    setSeekBy(n)
    writePref(seekPrefKey, n)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const t = e.target as HTMLElement
    if (t.closest('.popover') || t.matches('input:not([type=range]), select, textarea')) return
    const onButton = t.matches('button')
    const onRange = t.matches('input[type=range]')
    const k = e.key
    const act = (f: () => void) => {
      e.preventDefault()
      f()
    }
    if ((k === ' ' && !onButton) || k === 'k' || k === 'K') act(togglePlay)
    else if (k === 'j' || k === 'J' || (k === 'ArrowLeft' && !onRange)) act(() => jump(-1))
    else if (k === 'l' || k === 'L' || (k === 'ArrowRight' && !onRange)) act(() => jump(1))
    else if (k === ',') act(() => step(-1))
    else if (k === '.') act(() => step(1))
    else if (k === 'm' || k === 'M') act(toggleMute)
    else if (k === 'f' || k === 'F') act(toggleFull)
  }

  // Language options: what the browser exposes of the file's tracks.
  void tracksVersion
  const v = video.current
  const audioList = (v as unknown as { audioTracks?: AudioTrackListLike } | null)?.audioTracks
  const audio: AudioTrackLike[] = audioList ? Array.from({ length: audioList.length }, (_, i) => audioList[i]!) : []
  const texts: TextTrack[] = v ? Array.from(v.textTracks).filter((t) => t.kind === 'subtitles' || t.kind === 'captions') : []
  const hasLanguages = audio.length > 1 || texts.length > 0
  const trackName = (t: { label: string; language: string }, i: number) => t.label || t.language || `Track ${i + 1}`

  const tc = timecode(time, fps)
  const end = timecode(duration, fps)
  const helpId = `${id}-keys`

  return (
    <div
      ref={root}
      className={`player${full ? ' player-full' : ''}${className ? ` ${className}` : ''}`}
      role="group"
      aria-label={`Player: ${title}`}
      aria-describedby={helpId}
      data-testid="player"
      onKeyDown={onKeyDown}
    >
      <div className="player-stage">
        <video
          ref={video}
          className="player-video"
          src={src}
          preload="metadata"
          playsInline
          onClick={togglePlay}
          aria-label={title}
          tabIndex={-1}
        >
          {subtitles?.map((t) => <track key={t.src} kind="subtitles" src={t.src} srcLang={t.language} label={t.label} />)}
        </video>
        {error && (
          <p className="player-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <input
        type="range"
        className="player-scrub"
        aria-label="Playhead"
        min={0}
        max={duration || 0}
        step={1 / fps}
        value={Math.min(time, duration || 0)}
        aria-valuetext={`${tc} of ${end}`}
        disabled={!duration}
        onChange={(e) => seek(Number(e.currentTarget.value))}
        style={{ ['--played' as string]: duration ? `${(Math.min(time, duration) / duration) * 100}%` : '0%' }}
      />
      <div className="player-bar">
        <PlayerButton label={muted ? 'Unmute' : 'Mute'} icon={muted ? 'muted' : 'volume'} pressed={muted} onClick={toggleMute} />
        <PlayerButton label={`Seek back ${seekBy} s`} icon="back" onClick={() => jump(-1)} />
        <PlayerButton label="Previous frame" icon="frameBack" onClick={() => step(-1)} />
        <PlayerButton label={playing ? 'Pause' : 'Play'} icon={playing ? 'pause' : 'play'} onClick={togglePlay} />
        <PlayerButton label="Next frame" icon="frameForward" onClick={() => step(1)} />
        <PlayerButton label={`Seek forward ${seekBy} s`} icon="forward" onClick={() => jump(1)} />
        <span className="player-time" data-testid="player-timecode">
          <span className="sr-only">Timecode </span>
          <span className="player-tc">{tc}</span>
          <span className="player-tc-end" aria-hidden="true"> / {end}</span>
          <span className="sr-only"> of {end}</span>
        </span>
        <span className="player-fps">{Number.isInteger(fps) ? fps : fps.toFixed(3)} fps</span>
        <span className="player-spacer" />
        <PlayerButton
          ref={langButton}
          label="Language options"
          icon="language"
          disabled={!hasLanguages}
          reason="This preview has one audio track and no subtitles."
          expanded={langOpen}
          popoverTarget={`${id}-lang`}
        />
        <PlayerButton ref={settingsButton} label={`Seek duration ${seekBy}s`} icon="settings" text={`${seekBy}s`} expanded={settingsOpen} popoverTarget={`${id}-settings`} />
        <PlayerButton label={full ? 'Exit full screen' : 'Full screen'} icon={full ? 'exitFullscreen' : 'fullscreen'} pressed={full} onClick={toggleFull} />
      </div>
      <p id={helpId} className="sr-only">
        Keys: Space or K plays and pauses; J and L seek back and forward; comma and period step one frame; M mutes; F toggles full screen.
      </p>

      <Popover id={`${id}-settings`} anchor={settingsButton} open={settingsOpen} onOpenChange={setSettingsOpen} align="end" label="Seek duration" className="player-pop">
        <fieldset className="player-choices">
          <legend>Seek duration</legend>
          {seekChoices.map((n) => (
            <label key={n}>
              <input type="radio" name={`${id}-seek`} checked={seekBy === n} onChange={() => chooseSeek(n)} />
              {n === 1 ? '1 second' : `${n} seconds`}
            </label>
          ))}
        </fieldset>
      </Popover>

      <Popover id={`${id}-lang`} anchor={langButton} open={langOpen} onOpenChange={setLangOpen} align="end" label="Language options" className="player-pop">
        {audio.length > 1 && (
          <fieldset className="player-choices">
            <legend>Audio</legend>
            {audio.map((t, i) => (
              <label key={t.id || i}>
                <input
                  type="radio"
                  name={`${id}-audio`}
                  checked={t.enabled}
                  onChange={() => {
                    audio.forEach((o, j) => (o.enabled = j === i))
                    setTracksVersion((n) => n + 1)
                  }}
                />
                {trackName(t, i)}
              </label>
            ))}
          </fieldset>
        )}
        {texts.length > 0 && (
          <fieldset className="player-choices">
            <legend>Subtitles</legend>
            <label>
              <input
                type="radio"
                name={`${id}-text`}
                checked={texts.every((t) => t.mode !== 'showing')}
                onChange={() => {
                  texts.forEach((t) => (t.mode = 'disabled'))
                  setTracksVersion((n) => n + 1)
                }}
              />
              Off
            </label>
            {texts.map((t, i) => (
              <label key={t.id || i}>
                <input
                  type="radio"
                  name={`${id}-text`}
                  checked={t.mode === 'showing'}
                  onChange={() => {
                    texts.forEach((o, j) => (o.mode = j === i ? 'showing' : 'disabled'))
                    setTracksVersion((n) => n + 1)
                  }}
                />
                {trackName(t, i)}
              </label>
            ))}
          </fieldset>
        )}
      </Popover>
    </div>
  )
}
