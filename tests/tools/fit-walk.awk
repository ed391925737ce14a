# The walk template's lines for one variant (see fit-walk.sh).
function holds(c,   n, i, parts, w, neg) {
    n = split(c, parts, ",")
    for (i = 1; i <= n; i++) {
        w = parts[i]; neg = 0
        if (substr(w, 1, 1) == "!") { neg = 1; w = substr(w, 2) }
        if (w != "zh" && w != "en" && w != "normal" && w != "large" && w != "landscape" && w != "portrait") {
            print FILENAME ":" FNR ": unknown condition " w > "/dev/stderr"; exit 2
        }
        if ((w == lang || w == size || w == orient) == neg) return 0
    }
    return 1
}
/^[ \t]*#/ || /^[ \t]*$/ { next }
{
    line = $0
    if (match(line, /^\[[^]]*\][ \t]*/)) {
        c = substr(line, 2, RLENGTH - 2); sub(/\][ \t]*$/, "", c)
        line = substr(line, RLENGTH + 1)
        if (!holds(c)) next
    }
    if (index(line, " || ")) {
        split(line, alt, / \|\| /)
        if (lang == "zh") line = alt[1]
        else {
            # The English half replaces the argument: "press 提交 || Submit" -> "press Submit".
            cmd = alt[1]; sub(/ .*/, "", cmd)
            line = cmd " " alt[2]
        }
    }
    print line
    if (line ~ /^fit /) {
        n++
        name = substr(line, 5)
        printf "shot %s/%02d-%s.png\n", dir, n, name
    }
}
