#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# Front-end assets from npm, served by the app itself (no CDN, no request outside the app).
#
#   scripts/web-assets.sh install   npm ci from the committed package-lock.json
#   scripts/web-assets.sh vendor    copy the files the pages use into api/static/vendor/
#
# `make web-assets` runs both, each only when its inputs changed. npm's download cache
# (~/.npm) makes a second `npm ci` fast. api/static/vendor/ is generated, git-ignored:
#
#   utrecht/component-library.css   @utrecht/component-library-css (NL Design System, EUPL-1.2)
#   utrecht/design-tokens.css       @utrecht/design-tokens: the Utrecht theme (class utrecht-theme)
#   noto-sans/index.css, files/     @fontsource-variable/noto-sans, the font the tokens name (OFL-1.1)
#   htmx/htmx.min.js                htmx.org 4 (0BSD)
#   axe-core/axe.min.js             axe-core (MPL-2.0), for the accessibility tests
#   swagger-ui/                     swagger-ui-dist (Apache-2.0): the API documentation page
#
# Each folder keeps the package's licence file beside the copied files.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULES="$REPO_ROOT/node_modules"
VENDOR="$REPO_ROOT/api/static/vendor"

log() { echo "web-assets.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

install() {
    if ! command -v npm >/dev/null; then
        log "npm not found; installing Debian's nodejs and npm"
        [[ "$(id -u)" -eq 0 ]] || die "installing Node.js needs root (apt-get); or install Node.js 20+ yourself"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2
        apt-get install -y -q --no-install-recommends nodejs npm >&2
    fi
    cd "$REPO_ROOT"
    # --ignore-scripts: no package needs an install script here, and none may phone home.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn
}

copy() {
    # copy SOURCE (relative to node_modules) DEST (relative to the staging folder)
    local source="$MODULES/$1" dest="$STAGING/$2"
    [[ -f "$source" ]] || die "$1 missing: run scripts/web-assets.sh install"
    mkdir -p "$(dirname "$dest")"
    cp "$source" "$dest"
}

vendor() {
    mkdir -p "$REPO_ROOT/api/static"
    STAGING="$(mktemp -d "$REPO_ROOT/api/static/.vendor.XXXXXX")"
    trap 'rm -rf "$STAGING"' EXIT
    copy @utrecht/component-library-css/dist/index.css utrecht/component-library.css
    copy @utrecht/component-library-css/LICENSE.md utrecht/LICENSE-component-library-css.md
    copy @utrecht/design-tokens/dist/index.css utrecht/design-tokens.css
    copy @utrecht/design-tokens/LICENSE.md utrecht/LICENSE-design-tokens.md
    copy @fontsource-variable/noto-sans/index.css noto-sans/index.css
    copy @fontsource-variable/noto-sans/LICENSE noto-sans/LICENSE
    local font
    for font in $(grep -o 'files/[a-z0-9-]*\.woff2' "$MODULES/@fontsource-variable/noto-sans/index.css" | sort -u); do
        copy "@fontsource-variable/noto-sans/$font" "noto-sans/$font"
    done
    copy htmx.org/dist/htmx.min.js htmx/htmx.min.js
    copy htmx.org/LICENSE htmx/LICENSE
    copy axe-core/axe.min.js axe-core/axe.min.js
    copy axe-core/LICENSE axe-core/LICENSE
    copy swagger-ui-dist/swagger-ui-bundle.js swagger-ui/swagger-ui-bundle.js
    copy swagger-ui-dist/swagger-ui.css swagger-ui/swagger-ui.css
    copy swagger-ui-dist/LICENSE swagger-ui/LICENSE
    copy swagger-ui-dist/NOTICE swagger-ui/NOTICE
    rm -rf "$VENDOR"
    mv "$STAGING" "$VENDOR"
    trap - EXIT
    log "copied $(find "$VENDOR" -type f | wc -l) files into ${VENDOR#"$REPO_ROOT"/}"
}

case "${1:-}" in
    install) install ;;
    vendor) vendor ;;
    *) echo "usage: $0 {install|vendor}" >&2; exit 2 ;;
esac
