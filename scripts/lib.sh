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

# npm_tools SRC NAME: installs the npm packages pinned in SRC/package-lock.json
# into $OPENLOT_CACHE/NAME (again only when the lock file changed); prints the folder.
npm_tools() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local dir="$OPENLOT_CACHE/$2"
  mkdir -p "$dir"
  if ! cmp -s "$1/package-lock.json" "$dir/package-lock.json" || [ ! -d "$dir/node_modules" ]; then
    log "installing npm packages of $1 into $dir"
    cp "$1/package.json" "$1/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  printf '%s\n' "$dir"
}
