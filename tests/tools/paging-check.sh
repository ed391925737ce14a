# Checks on a `dump` of a paged list or card, for the scenarios' .check files:
#   . tests/tools/paging-check.sh
#   paging_first DUMP [UP DOWN]   the first screen: DOWN shown, UP not
#   paging_last  DUMP [UP DOWN]   the last screen: UP shown, DOWN not
#   paging_none  DUMP [UP DOWN]   everything fits: neither
#   paging_rows  DUMP N           N rows in view
# UP and DOWN default to 上一屏 and 下一屏 (Page up / Page down in English).
_pg_has() { grep -qP "^button\t.*\t$2\$" "$1"; }
_pg_fail() { echo "paging: $*" >&2; exit 1; }
paging_first() {
  local up=${2:-上一屏} down=${3:-下一屏}
  _pg_has "$1" "$down" || _pg_fail "$1: no $down on the first screen"
  ! _pg_has "$1" "$up" || _pg_fail "$1: $up on the first screen"
}
paging_last() {
  local up=${2:-上一屏} down=${3:-下一屏}
  _pg_has "$1" "$up" || _pg_fail "$1: no $up on the last screen"
  ! _pg_has "$1" "$down" || _pg_fail "$1: $down on the last screen"
}
paging_none() {
  local up=${2:-上一屏} down=${3:-下一屏}
  ! _pg_has "$1" "$up" || _pg_fail "$1: $up where everything fits"
  ! _pg_has "$1" "$down" || _pg_fail "$1: $down where everything fits"
}
paging_rows() {
  local n; n=$(grep -cP '^row\t' "$1")
  [ "$n" = "$2" ] || _pg_fail "$1: $n rows in view, expected $2"
}
