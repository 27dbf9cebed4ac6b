#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian 12 packages needed to build and test iscsi-login (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential cmake pkg-config libglib2.0-dev wireshark-dev libwireshark-dev tshark
      python3 python3-pytest python3-pytest-xdist util-linux clang libclang-rt-14-dev valgrind
      time)   # bench/run measures with /usr/bin/time; a minimal Debian may lack it
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
