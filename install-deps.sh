#!/usr/bin/env bash
# Installs every Debian 12 package that promkit's build, tests, fuzzers and benchmarks need.
# Idempotent: does nothing when all packages are already installed. Run as root.
set -euo pipefail
packages=(
  # toolchain
  g++ clang libclang-rt-14-dev cmake ninja-build ccache pkg-config clang-format-14 git
  # libraries
  libcli11-dev libfmt-dev libyaml-cpp-dev libre2-dev libprotobuf-dev protobuf-compiler
  libsnappy-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev zlib1g-dev libedit-dev
  # interop peers, test servers and benchmark tools
  prometheus prometheus-node-exporter prometheus-alertmanager hyperfine openssl curl
  ca-certificates
  # DNS server for the dns_sd tests (dnsmasq on a loopback port)
  dnsmasq-base
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packaged services (prometheus, node exporter) must not start on install: tests start their own.
policy_created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  policy_created=1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [ "$policy_created" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
