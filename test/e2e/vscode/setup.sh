#!/usr/bin/env bash
# Installs a real VS Code that runs here: code-server (VS Code 1.100.3, the last on Node 20) from
# the npm registry, pinned by this folder's package-lock.json, plus Debian's Chromium to drive it.
# Idempotent: a second run returns at once. Used by `npm test` (e2e) and `npm start`.
#
# code-server's postinstall downloads ripgrep from GitHub, which cannot work on a machine that
# reaches only npm and Debian, so scripts are skipped and their work is done here instead, with
# Debian's ripgrep. (After ../../../shared/vscode-harness/setup.sh, made idempotent and pinned.)
set -euo pipefail
cd "$(dirname "$0")"
vs=node_modules/code-server/lib/vscode
ready=node_modules/.aielab-ready

need=()
for p in chromium ripgrep libkrb5-dev libsecret-1-dev; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The e2e tests need Debian packages: ${need[*]}. Install them (sudo apt-get install ${need[*]}) and run again." >&2
    exit 1
  fi
  echo "Installing ${need[*]} from Debian…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -f "$ready" ] && [ "$ready" -nt package-lock.json ]; then exit 0; fi
echo "Installing code-server (about a minute, once)…"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild argon2 --loglevel=error        # code-server's own native module, built from source
(cd "$vs" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
# VS Code's server needs these native modules; node-pty's post-build step may complain after
# building, so success is judged by the module being there.
(cd "$vs" && npm rebuild @parcel/watcher @vscode/spdlog @vscode/deviceid kerberos native-watchdog node-pty --loglevel=error >/dev/null 2>&1 || true)
[ -f "$vs/node_modules/node-pty/build/Release/pty.node" ] || { echo "node-pty did not build" >&2; exit 1; }
mkdir -p "$vs/node_modules/@vscode/ripgrep/bin"
ln -sf /usr/bin/rg "$vs/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$vs/node_modules.asar"
(cd "$vs/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$vs/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
(cd "$vs/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
touch "$ready"
echo "code-server ready: $(pwd)/node_modules/.bin/code-server"
