#!/bin/bash
# The lieve command line, end to end, without containers: every check uses
# a temporary --root and a temporary directory, removed on exit.
set -u
LIEVE=$(realpath "$1")
T=$(mktemp -d /tmp/lieve-cli-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
ROOT=$T/root
fails=0 checks=0

check() { # description, then a command that must succeed
	local what=$1
	shift
	checks=$((checks + 1))
	if ! "$@"; then
		echo "FAIL: $what" >&2
		fails=$((fails + 1))
	fi
}

# run CMD...: sets $out, $err, $rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

one_line_error() { # expected message
	[ "$rc" -ne 0 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && [ "$err" = "lieve: $1" ] ||
		{ echo "rc=$rc stderr=<$err> expected <lieve: $1>" >&2; return 1; }
}

run "$LIEVE" --version
check "--version" [ "$rc" -eq 0 ]
check "--version output" grep -q '^lieve version ' "$T/out"
run "$LIEVE" -v
check "-v" grep -q '^spec: ' "$T/out"

mkdir "$T/bundle"
run "$LIEVE" spec --bundle "$T/bundle"
check "spec writes config.json" [ "$rc" -eq 0 -a -s "$T/bundle/config.json" ]
check "spec output is JSON" python3 -m json.tool "$T/bundle/config.json" >/dev/null
run "$LIEVE" spec -b "$T/bundle"
check "spec refuses to overwrite" one_line_error "File config.json exists. Remove it first."
(cd "$T" && "$LIEVE" spec --rootless >/dev/null 2>&1)
check "spec --rootless in cwd" python3 -c "import json,sys; c=json.load(open(sys.argv[1])); assert any(n['type']=='user' for n in c['linux']['namespaces'])" "$T/config.json"

run "$LIEVE" features
check "features" [ "$rc" -eq 0 ]
check "features | json.tool" python3 -m json.tool "$T/out" >/dev/null
check "features content" python3 -c "
import json,sys
f=json.load(open(sys.argv[1]))
assert f['linux']['cgroup']['v2'] is True and f['linux']['cgroup']['v1'] is False
assert 'CAP_SYS_ADMIN' in f['linux']['capabilities']
assert 'SCMP_ACT_ERRNO' in f['linux']['seccomp']['actions']
assert 'pid' in f['linux']['namespaces']" "$T/out"

run "$LIEVE" --root "$ROOT" state nosuch
check "state of a missing container" one_line_error 'container "nosuch" does not exist'
run "$LIEVE" --root "$ROOT" state
check "state without id" one_line_error '"state" requires exactly 1 argument(s)'

run "$LIEVE" --root "$ROOT" list -x
check "unknown subcommand flag" one_line_error "flag provided but not defined: -x"
run "$LIEVE" --bogus list
check "unknown global flag" one_line_error "flag provided but not defined: -bogus"
run "$LIEVE" --root "$ROOT" frobnicate
check "unknown command" one_line_error "No help topic for 'frobnicate'"

run "$LIEVE" --root "$ROOT" --log "$T/log.json" --log-format json state nosuch
check "error with json log exits 1" [ "$rc" -eq 1 ]
check "json log line" python3 -c "
import json,sys
lines=open(sys.argv[1]).read().splitlines()
assert len(lines)==1, lines
e=json.loads(lines[0])
assert e['level']=='error' and e['msg']=='container \"nosuch\" does not exist' and e['time'], e" "$T/log.json"
run "$LIEVE" --root="$ROOT" -log="$T/log.txt" state 'bad"id'
check "text log line" grep -qE '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(Z|[+-][0-9]{2}:[0-9]{2})" level=error msg=' "$T/log.txt"
check "text log message escaped" grep -qF ' level=error msg="invalid container id \"bad\"id\""' "$T/log.txt"

run "$LIEVE" --root "$ROOT" list
check "list on an empty root" [ "$rc" -eq 0 -a "$out" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
run "$LIEVE" --root "$ROOT" list --format json
check "list json on an empty root" [ "$rc" -eq 0 -a "$out" = "null" ]
run "$LIEVE" --root "$ROOT" list -q
check "list -q on an empty root" [ "$rc" -eq 0 -a -z "$out" ]

for id in ../../etc .. . a/b ''; do
	run "$LIEVE" --root "$ROOT/fresh" create --bundle "$T/bundle" "$id"
	check "create with invalid id '$id'" one_line_error "invalid container id \"$id\"$([ -z "$id" ] && echo ': Invalid argument')"
	check "invalid id '$id' creates nothing" [ ! -e "$ROOT/fresh" ]
done
check "nothing escaped the root" [ ! -e "$T/etc" ]

run "$LIEVE" --root "$ROOT" kill c1 NOSIG
check "kill with a bad signal" one_line_error 'unknown signal "NOSIG"'
run "$LIEVE" --root "$ROOT" update --memory 12q c1
check "update with a bad size" one_line_error "invalid value for memory: invalid size: '12q'"
run "$LIEVE" --root "$ROOT" checkpoint --leave-running c1
check "checkpoint refused" one_line_error "checkpoint: not supported by lieve (no CRIU support)"
run "$LIEVE" --root "$ROOT" exec c1
check "exec without a command exits 255" [ "$rc" -eq 255 ]
run "$LIEVE" --root "$ROOT" create --help
check "create --help" grep -q -- '--bundle value, -b value' "$T/out"
for cmd in checkpoint create delete events exec features kill list pause ps restore resume run spec start state update; do
	run "$LIEVE" "$cmd" --help
	check "$cmd --help" [ "$rc" -eq 0 -a -n "$out" ]
done

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
