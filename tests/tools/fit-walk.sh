#!/bin/bash
# fit-walk.sh WALK VARIANT SHOTDIR: the script lines of the walk template WALK
# (tests/fit/walk.script says its form) for VARIANT, e.g. en-large-portrait: the
# Chinese or English half of each "A || B", the lines whose [condition] the variant
# meets, and after every `fit NAME` a `shot SHOTDIR/NN-NAME.png`.
set -eu
walk=$1 variant=$2 dir=$3
IFS=- read -r lang size orient <<<"$variant"
awk -v lang="$lang" -v size="$size" -v orient="$orient" -v dir="$dir" -f "$(dirname "$0")/fit-walk.awk" "$walk"
