#!/usr/bin/env bash
# Build the plugin of one commit into a private folder, so that a benchmark
# measures a fixed, named version (not a build/ that is being rebuilt).
#
#   bench/build-plugin.sh REV OUTDIR     REV: a commit (HEAD, a2b2c95, ...) or
#                                        "worktree" for the files as they are now
#
# Prints the plugin folder (OUTDIR/build/plugins, laid out as
# <X.Y>/epan/iscsi_login.so) on the last line.  RelWithDebInfo, unit tests off.
set -euo pipefail
REV=${1:?usage: build-plugin.sh REV OUTDIR}
OUT=${2:?usage: build-plugin.sh REV OUTDIR}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

rm -rf "$OUT/src" "$OUT/build"
mkdir -p "$OUT/src"
if [[ $REV == worktree ]]; then
    # tracked and untracked (not ignored) files as they are on disk
    (cd "$REPO" && git ls-files -z --cached --others --exclude-standard -- CMakeLists.txt plugin cmake 2>/dev/null |
        xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar --null -T - -cf -) | tar -C "$OUT/src" -xf -
    desc="worktree on $(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet HEAD -- plugin CMakeLists.txt || echo ' + uncommitted changes')"
else
    (cd "$REPO" && git archive "$REV" -- CMakeLists.txt plugin $(git ls-tree --name-only "$REV" cmake 2>/dev/null)) | tar -C "$OUT/src" -xf -
    desc="$(cd "$REPO" && git rev-parse --short "$REV") ($(cd "$REPO" && git log -1 --format=%s "$REV" | cut -c1-60))"
fi
echo "$desc" >"$OUT/REVISION"
cmake -S "$OUT/src" -B "$OUT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >"$OUT/cmake.log" 2>&1 ||
    { tail -20 "$OUT/cmake.log" >&2; exit 1; }
cmake --build "$OUT/build" -j2 >>"$OUT/cmake.log" 2>&1 || { tail -30 "$OUT/cmake.log" >&2; exit 1; }
ls "$OUT"/build/plugins/*/epan/iscsi_login.so >/dev/null
echo "built $desc" >&2
echo "$OUT/build/plugins"
