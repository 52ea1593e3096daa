# The CLI: every command has --help with an example; usage errors exit 2,
# runtime failures exit 1, both with "touchmine: <message>" on stderr.
. tests/cases/lib.sh
cmds=$(tm --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} /^$/ && on {on = 0}')
check "the command list is not empty" test -n "$cmds"
for c in $cmds; do
  out=$(tm "$c" --help); rc=$?
  eq "$c --help exits 0" "$rc" 0
  case "$out" in *Example*) ok "$c --help gives an example";; *) nok "$c --help gives an example";; esac
  tm "$c" --no-such-option > /dev/null 2> "$TM_OUT/err"; rc=$?
  eq "$c with an unknown option exits 2" "$rc" 2
  check "$c usage error says touchmine: and points at --help" grep -q "Try 'touchmine $c --help'" "$TM_OUT/err"
done
tm no-such-command > /dev/null 2>&1
eq "an unknown command exits 2" "$?" 2
tm summary --db "$TM_OUT/absent.db" > /dev/null 2> "$TM_OUT/err"
eq "summary of a missing warehouse exits 1" "$?" 1
check "... and says to ingest first" grep -q "touchmine: .*ingest" "$TM_OUT/err"
tm ingest --db "$TM_OUT/x.db" --config "$TM_OUT/absent.ini" > /dev/null 2> "$TM_OUT/err"
eq "ingest with a missing config exits 1" "$?" 1
check "... naming the file" grep -q "absent.ini" "$TM_OUT/err"
tm ingest --db "$TM_OUT/x.db" --config tests/data/times/times.ini nosuchsource > /dev/null 2> "$TM_OUT/err"
eq "ingest of an unknown source name exits 2" "$?" 2
check "... naming it" grep -q "no \[source nosuchsource\]" "$TM_OUT/err"
tm summary --db "$TM_OUT/x.db" --as-of yesterday > /dev/null 2>&1
eq "a bad --as-of is a usage error" "$?" 2
echo "not a database" > "$TM_OUT/junk.db"
tm summary --db "$TM_OUT/junk.db" > /dev/null 2> "$TM_OUT/err"
eq "a file that is not a warehouse exits 1" "$?" 1
