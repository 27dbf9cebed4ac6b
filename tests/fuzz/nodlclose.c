/* SPDX-License-Identifier: GPL-2.0-or-later
 * LD_PRELOAD shim for sanitizer and valgrind runs: make dlclose() a no-op so
 * that plugins stay mapped at exit.  Without it, LeakSanitizer and valgrind
 * see the plugin's globals vanish before the leak check and print frames of
 * the unloaded plugin as "<unknown module>". */
int dlclose(void *handle);
int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
