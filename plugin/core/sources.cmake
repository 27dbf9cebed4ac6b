# SPDX-License-Identifier: GPL-2.0-or-later
# The sources of the RFC core, in one list: plugin/core/CMakeLists.txt builds
# the plugin's isl_core from it, tests/fuzz/CMakeLists.txt the instrumented
# copy for the fuzz harnesses (a new file is picked up by both).
set(ISL_CORE_SOURCES
    arena.c checks.c keys.c values.c text.c negotiation.c
    analyzer.c sessions.c continuation.c login.c text-exchange.c logout.c nop.c taprec.c
    ladder.c compare.c story.c summary.c)
