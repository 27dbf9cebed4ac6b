# SPDX-License-Identifier: GPL-2.0-or-later
# isl-replay: the in-process capture replay / capture-fuzzing driver
# (tests/fuzz/isl-replay.c), built only with -DISCSI_LOGIN_REPLAY=ON:
#
#   cmake -S . -B build-asan -DISCSI_LOGIN_SANITIZE=ON -DISCSI_LOGIN_REPLAY=ON
#
# It links libwireshark, libwiretap and GLib (pkg-config wireshark; libwiretap
# is not in wireshark.pc).  Like Debian's tshark it is never instrumented,
# even in a sanitized build: the scripts preload the ASan runtime into it
# exactly as into tshark (sanitizer-env.sh), and valgrind can run it.
pkg_check_modules(ISL_WIRESHARK REQUIRED IMPORTED_TARGET wireshark)
find_library(ISL_WIRETAP_LIBRARY wiretap HINTS ${ISL_WIRESHARK_LIBRARY_DIRS} REQUIRED)
add_executable(isl-replay ${CMAKE_CURRENT_LIST_DIR}/isl-replay.c)
target_link_libraries(isl-replay PRIVATE PkgConfig::ISL_WIRESHARK ${ISL_WIRETAP_LIBRARY} ${CMAKE_DL_LIBS})
# Replace the directory's options (the -fsanitize flags of ISCSI_LOGIN_SANITIZE).
set_property(TARGET isl-replay PROPERTY COMPILE_OPTIONS -Wall -Wextra -Wno-missing-field-initializers -g -fno-omit-frame-pointer)
set_property(TARGET isl-replay PROPERTY LINK_OPTIONS "")
