#!/bin/sh
# Bundles the portal's editor (CodeMirror 6, versions pinned in package.json) into module/Portal/vendor/codemirror.js,
# with the packages' licences beside it. Run it when the pinned versions change; the result is committed.
# Arguments: none. Needs: node and npm (with the npm registry reachable). Exit codes: 0 done, non-zero when npm or esbuild fails.
set -eu
cd "$(dirname "$0")"
npm install --no-audit --no-fund --silent
vendor=../../module/Portal/vendor
mkdir -p "$vendor"
npx esbuild editor-entry.js --bundle --minify --format=iife --legal-comments=none --outfile="$vendor/codemirror.js"
: > "$vendor/LICENSES.txt"
for p in node_modules/codemirror node_modules/@codemirror/* node_modules/@lezer/* node_modules/style-mod node_modules/w3c-keyname node_modules/crelt node_modules/@marijn/*; do
    [ -f "$p/LICENSE" ] || continue
    {
        printf '== %s %s\n' "${p#node_modules/}" "$(node -p "require('./$p/package.json').version")"
        cat "$p/LICENSE"
        printf '\n'
    } >> "$vendor/LICENSES.txt"
done
