#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetches lwIP's source from Debian's source package (apt-get source lwip) and unpacks it, with
# Debian's patches applied, into DEST/src, then applies Mote's own patches (net/lwip-patches/*.patch,
# in name order; docs/net.md says why each exists). Run by cmake/lwip.cmake; prints what it does.
set -euo pipefail

if (($# != 1)); then
	echo "usage: $0 DEST" >&2
	exit 2
fi
dest=$1
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
if [[ $dest == / ]]; then
	echo "lwip: DEST must not be /" >&2
	exit 2
fi

sudo=()
if (($(id -u) != 0)); then
	sudo=(sudo)
fi

if ! command -v dpkg-source >/dev/null; then
	"$(dirname "$0")/deps.sh" --only dpkg-dev
fi
if ! command -v patch >/dev/null; then
	"$(dirname "$0")/deps.sh" --only patch
fi
patches=$(cd "$(dirname "$0")/../net/lwip-patches" && pwd)

# apt-get source needs deb-src entries. The machine's own Debian mirror is taken from its
# existing deb entries (deb822 .sources files and one-line .list files), so no mirror name is
# written in the tree; the copies go into one file of ours, added once.
ours=/etc/apt/sources.list.d/mote-deb-src.sources
has_deb_src() {
	grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list ||
		grep -qsE '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}
derive_deb_src() {
	local f
	# deb822: each stanza of Types: deb becomes one of Types: deb-src with the same fields.
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f && $f != "$ours" ]] || continue
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /(^|\n)Types:[^\n]*deb([ \n]|$)/ && /(^|\n)URIs:[^\n]*debian/ {
		         gsub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' "$f"
	done
	# one-line format: "deb [opts] URI suite comp..." becomes a deb822 stanza.
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] || continue
		awk '$1 == "deb" && $0 ~ /debian/ {
		         i = 2; opts = ""
		         if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		         comps = ""; for (j = i + 2; j <= NF; j++) comps = comps " " $j
		         printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:%s\n\n", $i, $(i + 1), comps }' "$f"
	done
}

if ! has_deb_src; then
	stanzas=$(derive_deb_src)
	if [[ -z $stanzas ]]; then
		echo "lwip: found no Debian deb entry in /etc/apt to derive a deb-src entry from" >&2
		exit 1
	fi
	echo "lwip: enabling deb-src entries for the configured Debian mirror in $ours"
	printf '# Added by Mote tools/fetch-lwip.sh: source entries for apt-get source.\n%s\n' "$stanzas" |
		"${sudo[@]}" tee "$ours" >/dev/null
	echo "lwip: apt-get update"
	"${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update >"$dest/apt-update.log" 2>&1 || {
		tail -n 20 "$dest/apt-update.log" >&2
		exit 1
	}
fi

# A previous run stopped half-way leaves a partial tree.
rm -rf "$dest/download" "$dest/src"
mkdir -p "$dest/download"
echo "lwip: apt-get source lwip"
if ! (cd "$dest/download" && apt-get -q source lwip) >"$dest/fetch.log" 2>&1; then
	# The package lists may predate the deb-src entries (added by hand or by another run).
	echo "lwip: apt-get source failed; refreshing the package lists and trying again"
	"${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update >>"$dest/fetch.log" 2>&1 || true
	if ! (cd "$dest/download" && apt-get -q source lwip) >>"$dest/fetch.log" 2>&1; then
		tail -n 20 "$dest/fetch.log" >&2
		exit 1
	fi
fi
srcdir=$(find "$dest/download" -mindepth 1 -maxdepth 1 -type d -name 'lwip-*' | head -n 1)
if [[ -z $srcdir || ! -f $srcdir/src/core/tcp.c ]]; then
	echo "lwip: apt-get source left no lwip-*/src/core/tcp.c in $dest/download" >&2
	exit 1
fi
mv "$srcdir" "$dest/src"
version=$(sed -n 's/^lwip (\([^)]*\)).*/\1/p;q' "$dest/src/debian/changelog")
rm -rf "$dest/download"
echo "lwip: unpacked Debian's lwip $version into $dest/src"

# Mote's patches are written against 2.1.3: a patch that does not apply is an error, never skipped.
shopt -s nullglob
for p in "$patches"/*.patch; do
	echo "lwip: applying $(basename "$p")"
	if ! patch -p1 --forward --batch --quiet -d "$dest/src" <"$p" >>"$dest/fetch.log" 2>&1; then
		tail -n 20 "$dest/fetch.log" >&2
		echo "lwip: $(basename "$p") does not apply to Debian's lwip $version" >&2
		exit 1
	fi
	basename "$p" >>"$dest/src/mote-patches.txt"
done
