#!/bin/bash
# called-programs.sh FILE…: the programs these files call, one "PROGRAM<TAB>FILE" a line,
# for tests/shell/test_deps.sh.  PROGRAM is the word at a command position (start of a
# line or after | ; & && || ( $( ` { ! then do else, or opening a '…' string, behind wrappers such as timeout,
# xvfb-run, env, exec), with quotes taken off.  What is read of each file:
#   *.sh, *.check, scripts without an extension   every line but whole-line comments
#   *.script                                      the "# setup:" header only
#   *.c                                           string literals on lines that build or
#                                                 run a command (system, popen, cmd)
#   Makefile                                      recipe lines and $(shell …)
# Over-reading is mostly harmless: the caller keeps only words that resolve to a system
# program and are not a function one of the files defines.  A message in single quotes
# that starts with a program's name (echo 'file …') is taken for a call: reword it.
set -u
for f in "$@"; do
  case "$f" in
    *.script) mode=script ;;
    *.c) mode=c ;;
    */called-programs.sh) continue ;;   # its own patterns are not calls
    *Makefile) mode=make ;;
    *) mode=shell ;;
  esac
  awk -v mode="$mode" -v file="$f" '
    function emit(text,    n, seg, i, w, k, j, wrap, word) {
      # Separators become line breaks; then each segment starts with a command.
      # A single-quoted string after a space may be code run later (eval, bash -c,
      # the check NAME CODE of the tests): its first word counts as a command too.
      gsub(/\$\(|`|\|\||&&|[|;&(){}]|[ \t]\047/, "\n", text)
      n = split(text, seg, "\n")
      for (i = 1; i <= n; i++) {
        k = split(seg[i], w, /[ \t]+/)
        wrap = 1
        for (j = 1; j <= k && wrap; j++) {
          word = w[j]
          gsub(/["\047\\]/, "", word)
          if (word == "" || word ~ /^[A-Za-z_][A-Za-z0-9_]*=/ || word ~ /^-/ || word ~ /^[0-9.]+[smhd]?$/)
            continue
          if (word ~ /^(!|if|then|else|elif|do|while|until|exec|time|command|builtin|env|nice|nohup|sudo|fakeroot)$/)
            continue
          if (word ~ /^[A-Za-z0-9_.+\/-]+$/ && word ~ /[A-Za-z]/)
            printf "%s\t%s\n", word, file
          # A wrapper runs the next word: go on reading the segment.
          wrap = word ~ /^(timeout|xvfb-run|strace|xargs|stdbuf)$/
        }
      }
    }
    mode == "script" { if (sub(/^# setup: /, "")) emit($0); next }
    mode == "make" {
      line = $0
      while (match(line, /\$\(shell [^)]*\)/)) {
        emit(substr(line, RSTART + 8, RLENGTH - 9)); line = substr(line, RSTART + RLENGTH)
      }
      if ($0 ~ /^\t/) {
        line = $0; sub(/^\t[@-]*/, "", line)
        gsub(/\$\(CC\)/, "cc", line); gsub(/\$\(MAKE\)/, "make", line)
        # Variables and make functions ($(dir $@), $(strip …)) are not commands.
        while (gsub(/\$\([^()]*\)/, "X", line)) {}
        emit(line)
      }
      next
    }
    mode == "c" {
      if ($0 !~ /system\(|popen\(|cmd/) next
      line = $0; text = ""
      while (match(line, /"([^"\\]|\\.)*"/)) {
        text = text " " substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, RSTART + RLENGTH)
      }
      if (text != "") emit(text)
      next
    }
    /^[ \t]*#/ { next }
    {
      line = $0; sub(/[ \t]#[^\047"]*$/, "", line)
      sub(/^[ \t]*[A-Za-z0-9_*.|" -]+\)/, "", line)   # a case pattern
      emit(line)
    }
  ' "$f"
done
