# Shared helpers for the run and test scripts. Caches live outside the repository.
export OPENLOT_CACHE="${OPENLOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openlot}"
mkdir -p "$OPENLOT_CACHE"

log() { printf '==> %s\n' "$*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    if [ -x /usr/local/go/bin/go ]; then
      export PATH="/usr/local/go/bin:$PATH"
    else
      log "Go 1.26 is required (https://go.dev/dl); it is not on PATH"
      exit 1
    fi
  fi
}

# apt_install PKG...: installs Debian packages that are missing (as root or with sudo).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
