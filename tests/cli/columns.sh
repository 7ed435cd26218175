#!/bin/sh
# The label: value tables of inspect and csr in German (LANG=de_DE.UTF-8,
# the build's po/de.gmo through MEETCERT_LOCALEDIR): labels are padded by
# the columns they take, not their bytes, so a label with an umlaut
# ("öff. Schlüssel", "verschlüsselt") keeps its value in the column of the
# others (TAP).  Without a de_DE.UTF-8 locale, NLS or de.gmo: skipped.
. "$top_srcdir/tests/cli/lib.sh"

M=$MEETCERT
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	echo "1..0 # SKIP no de_DE.UTF-8 locale (localedef -i de_DE -f UTF-8 de_DE.UTF-8)"
	exit 0
fi
if ! grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h" 2>/dev/null; then
	echo "1..0 # SKIP built without NLS"
	exit 0
fi
gmo=
for d in "$top_builddir/po" "$top_srcdir/po"; do
	[ -f "$d/de.gmo" ] && gmo=$d/de.gmo && break
done
if [ -z "$gmo" ]; then
	echo "1..0 # SKIP po/de.gmo not built"
	exit 0
fi
mkdir -p "$T/locale/de/LC_MESSAGES"
cp "$gmo" "$T/locale/de/LC_MESSAGES/meetcert.mo" || exit 99
de() {	# de COMMAND...: run in German
	run env LC_ALL=de_DE.UTF-8 LANGUAGE=de MEETCERT_LOCALEDIR="$T/locale" \
	    "$@"
}

# aligned INDENT WIDTH: every row of $OUT indented by exactly INDENT
# blanks has its value at column INDENT + WIDTH + 1, counted in
# characters (GNU grep under a UTF-8 locale), a label of at most WIDTH.
aligned() {
	exit_is 0 || return 1
	LC_ALL=de_DE.UTF-8 grep -E "^ {$1}[^ ]" "$OUT" >"$T/.rows"
	if [ ! -s "$T/.rows" ]; then
		why="no rows indented by $1"
		return 1
	fi
	if LC_ALL=de_DE.UTF-8 grep -v -E "^ {$1}.{$2} [^ ]" "$T/.rows" \
	    >"$T/.bad"; then
		why="out of column: $(head -1 "$T/.bad")"
		return 1
	fi
}

# has_row TEXT: $OUT has the line TEXT exactly.
has_row() {
	grep -q -x -F -e "$1" "$OUT" && return 0
	why="no line '$1'"
	return 1
}

run "$M" selfsigned labca CN:"Lab CA" --ca --key ec256
ok "a CA to inspect" exit_is 0

de "$M" inspect labca.crt
ok "inspect, a certificate in German: every value in one column" aligned 4 20
ok "  a label with an umlaut among them" has_row \
    "    öff. Schlüssel       EC 256 prime256v1"
ok "  a label of 20 columns and 21 bytes" sh -c \
    'grep -q "^    Basiseinschränkungen CA:TRUE$" "$0"' "$OUT"

de "$M" inspect labca.key
ok "inspect, a key in German: in one column" aligned 4 20
ok "  verschlüsselt as wide as the others" has_row \
    "    verschlüsselt        nein"

de "$M" csr web CN:web.example.com subjectAltName:web.example.com \
    --key ec256
ok "csr in German: in one column" aligned 2 16
ok "  Schlüssel padded by its columns" has_row "  Schlüssel        ec256"

de "$M" inspect web.csr
ok "inspect, a CSR in German: in one column" aligned 4 20

run "$M" inspect labca.key
ok "LC_ALL=C: English, as before" has_row "    encrypted            no"

done_testing
