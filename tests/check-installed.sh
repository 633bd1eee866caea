#!/usr/bin/env bash
# Checks an installed flowgap under PREFIX (/usr for the Debian package, DESTDIR/usr/local for a
# `make install`): the binary runs and names its commit, a man page for flowgap and for each of its
# commands renders without warnings, the completions sit where bash-completion, zsh and fish look
# under that prefix and complete, the report schemas and the docs are there.
# Usage: check-installed.sh PREFIX. Prints what is wrong and exits 1.
set -u
prefix=$1
bad=0
fail() { echo "check-installed: $*" >&2; bad=1; }

flowgap=$prefix/bin/flowgap
[ -x "$flowgap" ] || { echo "check-installed: no $flowgap" >&2; exit 1; }
"$flowgap" --version | grep -Eq '^flowgap [0-9.]+ \(commit [^)]+\)$' || fail "--version: $("$flowgap" --version)"

commands=$("$flowgap" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}')
[ -n "$commands" ] || fail "flowgap --help lists no commands"
for page in flowgap $(printf 'flowgap-%s ' $commands); do
    file=$prefix/share/man/man1/$page.1
    if [ ! -f "$file" ]; then fail "no man page $file"; continue; fi
    warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$file" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man -l $file warns: $warnings"
    MANWIDTH=80 man -E UTF-8 -l "$file" 2>/dev/null | grep -q "EXIT STATUS" || fail "$file renders no EXIT STATUS"
done

# bash: the function bash-completion loads from its completionsdir completes --format's values.
formats=$("$flowgap" audit --help | sed -n 's/.*--format TEXT:{\([^}]*\)}.*/\1/p' | tr , ' ')
bash_file=$prefix/share/bash-completion/completions/flowgap
got=$(bash -c 'source "$1"; COMP_WORDS=(flowgap audit --format ""); COMP_CWORD=3; _flowgap; echo "${COMPREPLY[*]}"' \
    _ "$bash_file" 2>&1)
[ -n "$formats" ] && [ "$got" = "$formats" ] || fail "bash completion of --format: '$got', --help says '$formats'"

zsh_file=$prefix/share/zsh/vendor-completions/_flowgap
[ -f "$zsh_file" ] && head -1 "$zsh_file" | grep -qx '#compdef flowgap' || fail "no zsh completion $zsh_file"
if command -v zsh >/dev/null; then zsh -n "$zsh_file" || fail "zsh -n $zsh_file"; fi

fish_file=$prefix/share/fish/vendor_completions.d/flowgap.fish
[ -f "$fish_file" ] || fail "no fish completion $fish_file"
if command -v fish >/dev/null; then
    got=$(fish --no-config -c "source $fish_file; complete -C 'flowgap audit --fo'" | cut -f1)
    [ "$got" = "--format" ] || fail "fish completes 'flowgap audit --fo' as '$got'"
fi

for f in share/flowgap/flowgap-report-1.schema.json share/doc/flowgap/README.md share/doc/flowgap/usage.md \
         share/doc/flowgap/examples/flowgap-gate.gitlab-ci.yml; do
    [ -f "$prefix/$f" ] || fail "no $prefix/$f"
done
[ -x "$prefix/share/flowgap/flowgap-gate.sh" ] || fail "no executable $prefix/share/flowgap/flowgap-gate.sh"
exit $bad
