# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the scripts in tests/fuzz/: environment for running the Debian
# (unsanitized) tshark with a plugin built with -DISCSI_LOGIN_SANITIZE=ON.
#
#   isl_sanitizer_env <support-dir>
#   isl_sanitizer_session            (the same in a temporary support dir)
#   isl_sanitized_build <build-dir> [cmake options...]
#
# The plugin is built by gcc, so gcc's ASan runtime must be the first object
# loaded: LD_PRELOAD=libasan.so (libubsan comes in as the plugin's own
# DT_NEEDED).  nodlclose.so keeps plugins mapped at exit so that LeakSanitizer
# can see the plugin's globals and name its frames.  tshark itself leaks
# next to nothing on these runs (checked over the whole pytest suite),
# so leak detection stays on; lsan.supp lists the plugin's one
# registration-time allocation and one of tshark's own.  fast_unwind_on_malloc=0:
# GLib has no frame pointers, so the fast unwinder stops at g_malloc and no
# suppression (nor the reader) could tell whose allocation leaked.
# <support-dir> receives nodlclose.so and lsan.supp and must be readable by
# the unprivileged user tshark runs as (uid 65534 when root).

isl_fuzz_dir() { cd "$(dirname "${BASH_SOURCE[0]}")" && pwd; }

isl_sanitizer_env() {
    local dir="$1" here libasan
    here="$(isl_fuzz_dir)"
    mkdir -p "$dir"
    libasan="$(gcc -print-file-name=libasan.so)"
    if [ ! -e "$libasan" ] || [ "$libasan" = libasan.so ]; then
        echo "gcc's libasan.so not found (apt-get install gcc)" >&2
        return 1
    fi
    libasan="$(readlink -f "$libasan")"
    gcc -shared -fPIC -O2 -o "$dir/nodlclose.so" "$here/nodlclose.c" || return 1
    cp "$here/lsan.supp" "$dir/lsan.supp"
    chmod 755 "$dir" "$dir/nodlclose.so"
    chmod 644 "$dir/lsan.supp"
    export ISCSI_LOGIN_PRELOAD="$libasan $dir/nodlclose.so"
    export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=20:exitcode=86:abort_on_error=0:detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1:symbolize=1"
    export LSAN_OPTIONS="suppressions=$dir/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
    export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
    # wmem allocations go through malloc, so ASan sees overflows of pinfo->pool
    # and file-scope memory (as in Wireshark's own tools/fuzz-test.sh).
    export WIRESHARK_DEBUG_WMEM_OVERRIDE=simple
}

# Configure and build the sanitized plugin into <build-dir>, niced.
isl_sanitized_build() {  # build-dir [cmake options...]
    local build="$1" repo
    shift
    repo="$(cd "$(isl_fuzz_dir)/../.." && pwd)"
    cmake -S "$repo" -B "$build" -DISCSI_LOGIN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug "$@" >/dev/null
    nice -n 10 cmake --build "$build" -j"$(nproc)" >/dev/null
}

# isl_sanitizer_env in a support folder of its own, removed when the calling
# script exits.
isl_sanitizer_session() {
    ISL_SUPPORT="$(mktemp -d /tmp/isl-sanitizer-XXXXXX)"
    trap 'rm -rf "$ISL_SUPPORT"' EXIT
    isl_sanitizer_env "$ISL_SUPPORT"
}

# Markers of a sanitizer or Wireshark report in tshark's stderr.
ISL_FAIL_MARKERS='AddressSanitizer|LeakSanitizer|runtime error:|Dissector bug|UndefinedBehaviorSanitizer|\*\* \(tshark:[0-9]+\): (CRITICAL|WARNING|ERROR)|GLib-CRITICAL|GLib-WARNING'
