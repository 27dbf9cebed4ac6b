# SPDX-License-Identifier: GPL-2.0-or-later
# The paths a test program registers (EXE -l) must be exactly those that
# CMake found in its source (PATHS file), so that every test runs in ctest.
execute_process(COMMAND ${EXE} -l OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${EXE} -l failed (${rc})")
endif()
string(REGEX MATCHALL "/[a-z0-9_/]+" listed "${out}")
file(STRINGS ${PATHS} expected)
list(SORT listed)
list(SORT expected)
if(NOT listed STREQUAL expected)
    message(FATAL_ERROR "registered paths differ from the ctest list\n  program: ${listed}\n  ctest:   ${expected}")
endif()
list(LENGTH listed n)
message(STATUS "${n} test paths registered")
