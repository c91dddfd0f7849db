#!/bin/sh
# SPDX-License-Identifier: MIT
# Backends are chosen by the files CMake compiles, never by the preprocessor (shared/STYLE.md):
# no platform conditional may appear outside platforms/ and cmake/.
# A conditional is flagged when a word of its condition names a platform, in any case and as a
# whole word or as one part of an underscore-joined name: MOTE_XEN, HAVE_KVM, __xen__,
# defined(Mote_Kvm), PLATFORM_BAREMETAL. Lines continued with a backslash are read as one, and
# comments are not part of the condition. tests/tree/check_platform_ifdefs_test.sh tests this.
top=${1:?usage: check_platform_ifdefs.sh SOURCE_DIR}
cd "$top" || exit 2
# Every folder of shared code: all but platforms/, cmake/ and build trees.
dirs=$(ls -d */ 2>/dev/null | sed 's|/$||' | grep -vE '^(platforms|cmake|build.*|third_party)$')
[ -n "$dirs" ] || { echo "no source folders under $top"; echo "0 passed, 1 failed"; exit 1; }
# C, assembly, linker scripts: the files the preprocessor reads.
files=$(find $dirs -type f \( -name '*.[chsS]' -o -name '*.inc' -o -name '*.ld' -o -name '*.lds' \
	-o -name '*.cc' -o -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort)
hits=$(
	[ -z "$files" ] || awk '
	# Join a directive continued with backslashes into one logical line.
	FNR == 1 { pending = ""; start = "" }
	{
		line = $0
		if (pending != "") { line = pending " " line }
		if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); pending = line; if (start == "") start = FNR; next }
		pending = ""
		at = (start != "") ? start : FNR
		start = ""
		# Directives are lower case in C; the condition follows the keyword.
		if (line !~ /^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif|elifdef|elifndef)([^a-z0-9_]|$)/)
			next
		cond = line
		sub(/^[[:space:]]*#[[:space:]]*[a-z]+/, "", cond)
		gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", cond) # /* ... */
		sub(/\/\*.*$/, "", cond)                      # a comment left open
		sub(/\/\/.*$/, "", cond)
		c = tolower(cond)
		# "_" separates the parts of a name, so MOTE_XEN has the part "xen".
		gsub(/[^a-z0-9]+/, " ", c)
		n = split(c, w, " ")
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^(kvm|xen|pvh|hvm|baremetal|multiboot|multiboot2|mb2|firecracker|microvm|platform|platforms|plat)$/ ||
			    (w[i] == "bare" && w[i + 1] == "metal")) {
				print FILENAME ":" at ": " line
				break
			}
	}' $files
)
if [ -n "$hits" ]; then
	echo "platform conditionals outside platforms/ and cmake/ (choose the files in CMake instead):"
	echo "$hits"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "no platform conditionals in $(echo "$files" | grep -c .) files of: $(echo $dirs)"
echo "1 passed, 0 failed"
