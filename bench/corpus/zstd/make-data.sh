#!/bin/sh
# The zstd corpus data: a ~2 MB text, its .zst, a truncated (corrupt) .zst, a small text and its
# .zst, samples for dictionary training, a small directory tree and an empty output directory.
set -eu
d=$1
mkdir -p "$d/samples" "$d/tree/a/b" "$d/out"
for i in $(seq 1 40); do cat /usr/share/common-licenses/GPL-3 /usr/share/common-licenses/Apache-2.0; done > "$d/corpus.txt"
zstd -q -3 "$d/corpus.txt" -o "$d/corpus.txt.zst"
head -c $(($(wc -c < "$d/corpus.txt.zst") / 2)) "$d/corpus.txt.zst" > "$d/corrupt.zst"
printf 'small text for zstd: %s\n' "hello corpus" > "$d/small.txt"
zstd -q "$d/small.txt" -o "$d/small.txt.zst"
for i in $(seq 1 200); do printf '{"id": %d, "name": "item-%d", "tags": ["corpus", "zstd", "sample"], "price": %d.%02d}\n' "$i" "$i" $((i % 50)) $((i % 100)) > "$d/samples/s$i.json"; done
for f in one two three; do head -c 50000 /usr/share/common-licenses/GPL-3 > "$d/tree/$f.txt"; done
cp "$d/small.txt" "$d/tree/a/b/deep.txt"
