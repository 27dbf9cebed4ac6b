#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Wireshark's own source checks on the plugin sources (issue 15, "upstream-ready"),
# taken from the source of the very release we build against (Debian's wireshark
# source package), so that a finding here is what a Wireshark reviewer would see.
#
# Usage: sudo bash tools/check-upstream.sh
#   The first run (root) adds a deb-src entry if none gives the installed version,
#   downloads the source package, keeps its tools/ and epan/tfs.c in
#   /var/cache/iscsi-login-upstream/<version> and installs binutils,
#   python3-hunspell, hunspell-en-us and -en-gb; later runs need no root.
#   ISCSI_LOGIN_UPSTREAM_CACHE  cache folder (default /var/cache/iscsi-login-upstream)
#   ISCSI_LOGIN_BUILD           build tree with the object files (default build)
#
# Every line a check prints about our files is a finding; the script exits 1 if
# any finding is not listed in tools/upstream-exceptions.txt (format in that file).
#
# Checks run, each as Wireshark runs it (tools/pre-commit, .gitlab-ci.yml,
# cmake/modules/UseCheckAPI.cmake for plugins):
#   checkAPIs.pl             .c and .h, with the groups Wireshark's own plugins use
#                            (dissectors-prohibited, dissectors-restricted), on the
#                            core too: it runs inside dissection as much as the glue
#   checkhf.pl, checkfiltername.pl, fix-encoding-args.pl   each .c (pre-commit)
#   detect_bad_alloc_patterns.py   each .c (pre-commit), on copies: it rewrites files
#   check_typed_item_calls.py --consecutive --label --mask --missing-items
#   check_tfs.py, check_val_to_str.py (if the release has it; 4.0 has not)
#   check_spelling.py        with Hunspell in place of pyspellchecker, see spell_shim
#   check_static.py          on the object files of the build, see run_static
# Not run: check_dissector_urls.py and check_help_urls.py (fetch URLs / check
# Wireshark's own help pages), checklicenses.py (licensecheck over Wireshark's
# tree), tools/cppcheck/cppcheck.sh (a cppcheck wrapper over git commits; a
# static analyser of its own, not one of Wireshark's checks), the rest of tools/
# (generators, setup scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${ISCSI_LOGIN_UPSTREAM_CACHE:-/var/cache/iscsi-login-upstream}
build=${ISCSI_LOGIN_BUILD:-build}
exceptions=$root/tools/upstream-exceptions.txt

die() { echo "check-upstream: $*" >&2; exit 2; }

# --- The Wireshark release we build against --------------------------------
srcpkg=$(dpkg-query -W -f='${source:Package}' libwireshark-dev 2>/dev/null) \
    || die "libwireshark-dev is not installed (bash tools/install-deps.sh)"
srcver=$(dpkg-query -W -f='${source:Version}' libwireshark-dev)
dir=$cache/$srcver
py=/usr/bin/python3
export PYTHONHASHSEED=0   # the checks print Python sets: same order every run

# What the checks need besides perl and python3: nm for check_static.py, and a
# dictionary for check_spelling.py.  Wireshark's check imports pyspellchecker,
# which Debian does not package (and PyPI is not a source CI may use): a small
# stand-in module with its API over Debian's Hunspell en_US is put in front of
# it, see spell_shim.  Checked every run: a warm cache on a new machine lacks them.
ensure_tools() {
    command -v nm >/dev/null && "$py" -c 'import hunspell' 2>/dev/null \
        && [ -f /usr/share/hunspell/en_US.dic ] && [ -f /usr/share/hunspell/en_GB.dic ] && return
    [ "$(id -u)" = 0 ] || die "needs binutils, python3-hunspell, hunspell-en-us, hunspell-en-gb: run once as root"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        binutils python3-hunspell hunspell-en-us hunspell-en-gb >/dev/null \
        || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
             --no-install-recommends binutils python3-hunspell hunspell-en-us hunspell-en-gb >/dev/null; }
}

fetch_source() {
    [ "$(id -u)" = 0 ] || die "$dir is missing: run once as root to fetch Wireshark $srcver's checks"
    export DEBIAN_FRONTEND=noninteractive
    # apt-get source needs a deb-src entry; a fresh Debian image has only deb ones.
    # (grep without -q: under pipefail, apt-cache killed by SIGPIPE would fail the test)
    if ! apt-cache showsrc "$srcpkg" 2>/dev/null | grep -x "Version: $srcver" >/dev/null; then
        # shellcheck disable=SC1091
        . /etc/os-release
        local suites="$VERSION_CODENAME"
        case "$VERSION_CODENAME" in
            sid|"") suites=sid ;;
            *) suites="$VERSION_CODENAME $VERSION_CODENAME-updates" ;;
        esac
        {
            printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$suites"
            # Security updates (Debian's wireshark often is one) live elsewhere.
            if [ "$suites" != sid ]; then
                printf '\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$VERSION_CODENAME"
            fi
        } >/etc/apt/sources.list.d/iscsi-login-debsrc.sources
        apt-get update -q
        apt-cache showsrc "$srcpkg" | grep -x "Version: $srcver" >/dev/null \
            || die "no deb-src gives $srcpkg $srcver"
    fi
    ensure_tools
    local tmp
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    (cd "$tmp" && apt-get source -q --download-only "$srcpkg=$srcver" >/dev/null)
    # Only what the checks read: tools/ and the shared true/false strings of
    # check_tfs.py.  Debian's patches are applied (none touches these today,
    # but the checks must be those of the package we build against).
    mkdir "$tmp/x"
    local v=${srcver#*:}   # file names carry no epoch
    tar -xf "$tmp/${srcpkg}_${v%-*}".orig.tar.* -C "$tmp/x" --strip-components=1 \
        --wildcards '*/tools/*' '*/epan/tfs.c'
    tar -xf "$tmp/${srcpkg}_${v}".debian.tar.* -C "$tmp/x"
    if [ -s "$tmp/x/debian/patches/series" ]; then
        (cd "$tmp/x" && while read -r p _; do
            case "$p" in ''|'#'*) continue ;; esac
            # Only patches to what we keep; -f: their hunks on other files
            # find no file in this subset and are skipped, not asked about.
            if grep -qE '^\+\+\+ [^ ]*/(tools/|epan/tfs\.c)' "debian/patches/$p"; then
                patch -f -s -p1 --no-backup-if-mismatch --reject-file=- \
                    -i "debian/patches/$p" >/dev/null 2>&1 || true
            fi
        done <debian/patches/series)
    fi
    rm -rf "$dir"
    mkdir -p "$dir/epan"
    mv "$tmp/x/tools" "$dir/tools"
    mv "$tmp/x/epan/tfs.c" "$dir/epan/tfs.c"
    touch "$dir/.complete"
    # Checks of the releases we built against before are of no more use.
    find "$cache" -mindepth 1 -maxdepth 1 ! -name "$srcver" -exec rm -rf {} +
}
[ -f "$dir/.complete" ] || fetch_source
ensure_tools
T=$dir/tools

# --- Our sources, and a layout the Python checks accept ----------------------
shopt -s nullglob
csrc=(plugin/*.c plugin/core/*.c)
hsrc=(plugin/*.h plugin/core/*.h)
((${#csrc[@]})) || die "no plugin sources"
# check_static.py reads the object files: they must be there and newer than the sources.
rebuild() {
    [ "$build" = build ] || die "$build is missing or older than plugin/: build it first"
    bash tools/build.sh >/dev/null
}
[ -d "$build/plugin" ] || rebuild

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The Python checks take --file paths under epan/ (others get epan/dissectors/
# put in front) and read ./epan/tfs.c and ./tools/wireshark_words.txt.
mkdir -p "$work/epan"
cp -r plugin "$work/epan/plugin"
ln -s "$T" "$work/tools"
ln -s "$dir/epan/tfs.c" "$work/epan/tfs.c"
wfiles=("${csrc[@]/#/epan/}")
fileargs=()
for f in "${wfiles[@]}"; do fileargs+=(--file "$f"); done

# --- Findings: "tool | file | message", one a line ---------------------------
findings=$work/findings
: >"$findings"
add() {   # tool file: each line of stdin is a finding about file
    local line
    while IFS= read -r line; do
        [ -n "${line//[[:space:]]/}" ] || continue
        printf '%s | %s | %s\n' "$1" "$2" "$line" >>"$findings"
    done
}
# Python checks print a header (Examining: + the files), a count at the end and,
# for spelling, a word-frequency summary; everything else is a finding (a
# traceback too).  Indented lines ("    (allowed types are ...)") continue the
# line before.  Their exit status says no more than their output: ignored.  Our
# temp paths are turned back into the repository's.
add_py() {   # tool: output on stdin
    sed -e 's/\x1b\[[0-9;]*m//g' \
        | sed -e '/^Examining:$/{N;d}' \
        | { grep -Ev '^[0-9]+ (warnings|errors|issues)( found)?$|^[^ ]+ : [0-9]+$|^Protocol is: |^$' || true; } \
        | perl -0pe 's/\n(?=[ \t]+\S)/ /g' \
        | perl -pe 's{\bepan/dissectors/(\S+?\.[ch])\b}{($x = $1) =~ tr/+/\//; $x}ge; s{\bepan/(plugin/)}{$1}g' \
        | while IFS= read -r line; do
            f=$(grep -oE 'plugin/[A-Za-z0-9_./+-]+\.(c|h|def)\b' <<<"$line" | head -1 || true)
            printf '%s\n' "$line" | add "$1" "${f:--}"
        done
}

run_perl_checks() {
    local f
    for f in "${csrc[@]}" "${hsrc[@]}"; do
        perl "$T/checkAPIs.pl" --group dissectors-prohibited --group dissectors-restricted "$f" 2>&1 \
            | add checkAPIs.pl "$f" || true
    done
    for f in "${csrc[@]}"; do
        perl "$T/checkhf.pl" "$f" 2>&1 | add checkhf.pl "$f" || true
        perl "$T/checkfiltername.pl" "$f" 2>&1 | add checkfiltername.pl "$f" || true
        perl "$T/fix-encoding-args.pl" "$f" 2>&1 | add fix-encoding-args.pl "$f" || true
    done
}

# The part of pyspellchecker's SpellChecker that check_spelling.py calls, over
# Hunspell.  Like pyspellchecker it ignores case and knows both US and British
# spellings (its English list has both); unlike it, Hunspell knows inflections
# (plurals, -ed, -ing), so it finds fewer false misspellings.
spell_shim() {
    mkdir -p "$1"
    cat >"$1/spellchecker.py" <<'PY'
import re
import hunspell

class _Words:
    def __init__(self, checker):
        self._c = checker

    def load_words(self, words):
        for w in words:
            self._c.extra.add(w.lower())

    def load_text_file(self, path):
        with open(path, encoding='utf-8') as f:
            self.load_words(re.findall(r"[\w'-]+", f.read()))

class SpellChecker:
    def __init__(self):
        self._h = [hunspell.HunSpell('/usr/share/hunspell/%s.dic' % d, '/usr/share/hunspell/%s.aff' % d)
                   for d in ('en_US', 'en_GB')]
        self.extra = set()
        self.word_frequency = _Words(self)

    def _known(self, w):
        if w.lower() in self.extra:
            return True
        try:
            return any(h.spell(v) for h in self._h for v in (w, w.lower(), w.capitalize()))
        except UnicodeError:
            return False

    def known(self, words):
        return {w for w in words if self._known(w)}

    def unknown(self, words):
        return {w for w in words if not self._known(w)}
PY
}

# A Python check, run in folder $1.  Its exit status says no more than its
# output (a crash prints a traceback, which becomes a finding).
pyrun() { (cd "$1" || exit; shift; "$py" "$@" 2>&1; true); }

run_py_checks() {
    local c
    printf '%s\n' "${wfiles[@]}" | pyrun "$work" "$T/detect_bad_alloc_patterns.py" \
        | add_py detect_bad_alloc_patterns.py
    pyrun "$work" "$T/check_typed_item_calls.py" --consecutive --label --mask --missing-items \
        "${fileargs[@]}" | add_py check_typed_item_calls.py
    for c in check_tfs.py check_val_to_str.py; do
        [ -f "$T/$c" ] || continue
        pyrun "$work" "$T/$c" "${fileargs[@]}" | add_py "$c"
    done
    # The check table's strings (summaries, clauses, examples) live in checks.def:
    # a .c copy makes check_spelling read only its strings, not its identifiers.
    local spell=("${fileargs[@]}")
    if [ -f plugin/core/checks.def ]; then
        cp plugin/core/checks.def "$work/epan/plugin/core/checks.def.c"
        spell+=(--file epan/plugin/core/checks.def.c)
    fi
    spell_shim "$work/pyshim"
    PYTHONPATH="$work/pyshim" pyrun "$work" "$T/check_spelling.py" "${spell[@]}" \
        | sed 's#epan/plugin/core/checks\.def\.c#epan/plugin/core/checks.def#' | add_py check_spelling.py
}

# check_static.py asks, of each global symbol a dissector's object file defines,
# whether any other object of Wireshark refers to it (else: make it static).  For
# the plugin the question is the same over its own objects and the unit tests
# (the core's API exists for both).  The script wants Wireshark's build layout:
# the files to check in epan/dissectors (their objects in dissectors.dir), the
# referring objects in ui/ (ui.dir) and dissectors.c (the registration: ours is
# plugin.c).  File names are flattened with '+' for '/'.
run_static() {
    local s="$work/static" b="$work/static/build" o f n
    mkdir -p "$s/epan/dissectors" "$s/ui/qt" "$s/ui/cli" \
        "$b/epan/dissectors/CMakeFiles/dissectors.dir" \
        "$b/epan/dissectors/CMakeFiles/dissector-registration.dir" "$b/ui/CMakeFiles/ui.dir"
    for f in "${csrc[@]}"; do
        # CMake puts d/x.c's object in <build>/d/CMakeFiles/<target>.dir/x.c.o.
        obj() { find "$build/$(dirname "$f")" -mindepth 3 -maxdepth 3 \
                    -path "*/CMakeFiles/*.dir/$(basename "$f").o" "$@" -print -quit 2>/dev/null || true; }
        o=$(obj -newer "$f")
        [ -n "$o" ] || { rebuild; o=$(obj); }
        [ -n "$o" ] || die "no object file for $f in $build"
        o=$(realpath "$o")
        n=${f//\//+}
        cp "$f" "$s/epan/dissectors/$n"
        [ -f "${f%.c}.h" ] && cp "${f%.c}.h" "$s/epan/dissectors/${n%.c}.h"
        ln -s "$o" "$b/epan/dissectors/CMakeFiles/dissectors.dir/$n.o"
        ln -s "$o" "$b/ui/CMakeFiles/ui.dir/$n.o"
        : >"$s/ui/$n"
        [ "$f" = plugin/plugin.c ] && ln -s "$o" \
            "$b/epan/dissectors/CMakeFiles/dissector-registration.dir/dissectors.c.o"
    done
    while IFS= read -r o; do
        n=test+$(basename "${o%.o}")
        ln -s "$(realpath "$o")" "$b/ui/CMakeFiles/ui.dir/$n.o"
        : >"$s/ui/$n"
    done < <(find "$build/tests" -path '*/CMakeFiles/*.dir/*.c.o' 2>/dev/null)
    [ -e "$b/epan/dissectors/CMakeFiles/dissector-registration.dir/dissectors.c.o" ] || \
        ln -s /dev/null "$b/epan/dissectors/CMakeFiles/dissector-registration.dir/dissectors.c.o"
    local args=()
    for f in "${csrc[@]}"; do args+=(--file "epan/dissectors/${f//\//+}"); done
    pyrun "$s" "$T/check_static.py" --build "$b" "${args[@]}" | add_py check_static.py
}

echo "== Wireshark $srcver source checks ($T) on ${#csrc[@]} .c and ${#hsrc[@]} .h files"
run_perl_checks
run_py_checks
run_static

# --- Exceptions: "tool | file | message substring | reason" ------------------
declare -a ex_tool ex_file ex_msg
trim() { local v=${1#"${1%%[![:space:]]*}"}; printf '%s' "${v%"${v##*[![:space:]]}"}"; }
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    IFS='|' read -r t fl m reason <<<"$line"
    t=$(trim "$t"); fl=$(trim "$fl"); m=$(trim "$m")
    if [ -z "$t" ] || [ -z "$fl" ] || [ -z "$m" ] || [ -z "$(trim "$reason")" ]; then
        die "upstream-exceptions.txt: needs tool | file glob | message substring | reason: $line"
    fi
    ex_tool+=("$t"); ex_file+=("$fl"); ex_msg+=("$m")
done < <([ -f "$exceptions" ] && cat "$exceptions")

new=0 known=0
while IFS= read -r line; do
    t=${line%% | *}; rest=${line#* | }; fl=${rest%% | *}; msg=${rest#* | }
    hit=
    for i in "${!ex_tool[@]}"; do
        # shellcheck disable=SC2053   # the file field is a glob
        if [ "$t" = "${ex_tool[i]}" ] && [[ "$fl" == ${ex_file[i]} ]] && [[ "$msg" == *"${ex_msg[i]}"* ]]; then
            hit=1; break
        fi
    done
    if [ -n "$hit" ]; then
        known=$((known + 1)); echo "excepted: $line"
    else
        new=$((new + 1)); echo "FINDING:  $line"
    fi
done <"$findings"
echo "== $new finding(s), $known excepted (tools/upstream-exceptions.txt)"
[ "$new" = 0 ]
